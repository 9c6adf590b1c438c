"""Preference claims: the special tariff programs an entry may claim, and their names.

A claim is what the importer declares on an entry line: the special program indicator (SPI) of
HTSUS General Note 3(c)(i) — the code printed in the "Special" rate column (``S`` for USMCA, ``KR``
for KORUS, ``P`` for CAFTA-DR, ``A``/``A*``/``A+`` for GSP …) — or, for the end-use programs, the
indicator of the agreement (``C`` civil aircraft, ``K`` pharmaceuticals). An entry claims one
program or none.

:func:`normalize_claim` is the one reader of a claim typed by a user (CLI ``--claim``, the ``claim``
column of a table, the web): any indicator of a program, case-insensitive, or the program's short
name, gives the program's key (``"S+"``, ``"s"`` and ``"USMCA"`` all give ``"usmca"``); blank and
``none`` give ``None`` (no claim). Anything else is an :class:`~tariffsim.core.errors.InputError`
listing the accepted names.

Sources: HTSUS General Notes 3(c)(i) (the indicators), 4 (GSP), 6 (civil aircraft), 11 (USMCA), 13
(pharmaceuticals), 16 (AGOA), 25-35 (bilateral FTAs); the Census SPI data-bank record layout (the
indicator codes as reported on entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from tariffsim.core.errors import InputError


@dataclass(frozen=True, slots=True)
class Program:
    """A special tariff program: its key (claim name), SPI codes, title and where it is in the HTS."""

    key: str
    codes: tuple[str, ...]
    title: str
    note: str
    aliases: tuple[str, ...] = ()
    lapsed: str | None = None  # why a claim gives no preference in 2024-26, if so
    any_origin: bool = False  # open to goods of every origin (the plurilateral end-use agreements)


PROGRAMS: tuple[Program, ...] = (
    Program(
        "usmca",
        ("S", "S+"),
        "United States-Mexico-Canada Agreement",
        "GN 11",
        ("cusma", "t-mec", "tmec"),
    ),
    Program(
        "nafta",
        ("CA", "MX"),
        "North American Free Trade Agreement (replaced by USMCA)",
        "GN 12 (superseded 1 Jul 2020)",
    ),
    Program("korus", ("KR",), "United States-Korea Free Trade Agreement", "GN 33", ("korea",)),
    Program(
        "japan", ("JP",), "United States-Japan Trade Agreement", "GN 3(c)(i)", ("usjta", "us-japan")
    ),
    Program("israel", ("IL",), "United States-Israel Free Trade Area", "GN 8"),
    Program("jordan", ("JO",), "United States-Jordan Free Trade Area", "GN 18"),
    Program("singapore", ("SG",), "United States-Singapore Free Trade Agreement", "GN 25"),
    Program("chile", ("CL",), "United States-Chile Free Trade Agreement", "GN 26"),
    Program("morocco", ("MA",), "United States-Morocco Free Trade Agreement", "GN 27"),
    Program("australia", ("AU",), "United States-Australia Free Trade Agreement", "GN 28"),
    Program(
        "cafta_dr",
        ("P", "P+"),
        "Dominican Republic-Central America-United States FTA",
        "GN 29",
        ("cafta", "cafta-dr", "dr-cafta"),
    ),
    Program("bahrain", ("BH",), "United States-Bahrain Free Trade Agreement", "GN 30"),
    Program("oman", ("OM",), "United States-Oman Free Trade Agreement", "GN 31"),
    Program("peru", ("PE",), "United States-Peru Trade Promotion Agreement", "GN 32"),
    Program("colombia", ("CO",), "United States-Colombia Trade Promotion Agreement", "GN 34"),
    Program("panama", ("PA",), "United States-Panama Trade Promotion Agreement", "GN 35"),
    Program(
        "gsp",
        ("A", "A*", "A+"),
        "Generalized System of Preferences",
        "GN 4",
        (),
        "GSP expired on 31 Dec 2020 and was not renewed in 2024-26: a claim pays the general "
        "rate (a renewal could refund it retroactively)",
    ),
    Program("agoa", ("D",), "African Growth and Opportunity Act", "GN 16"),
    Program("cbera", ("E", "E*"), "Caribbean Basin Economic Recovery Act", "GN 7", ("cbi",)),
    Program("cbtpa", ("R",), "United States-Caribbean Basin Trade Partnership Act", "GN 17"),
    Program(
        "atpa",
        ("J", "J*", "J+"),
        "Andean Trade Preference Act",
        "GN 11 (former)",
        (),
        "ATPA expired on 31 Jul 2013",
    ),
    Program("auto_products", ("B",), "Automotive Products Trade Act", "GN 5", ("apta",)),
    Program(
        "civil_aircraft",
        ("C",),
        "Agreement on Trade in Civil Aircraft",
        "GN 6",
        ("aircraft", "atca"),
        any_origin=True,
    ),
    Program(
        "pharmaceutical",
        ("K",),
        "Agreement on Trade in Pharmaceutical Products",
        "GN 13",
        ("pharma",),
        any_origin=True,
    ),
    Program(
        "dyes",
        ("L",),
        "Uruguay Round concessions on intermediate chemicals for dyes",
        "GN 14",
        any_origin=True,
    ),
    Program("nepal", ("NP",), "Nepal Preference Program", "GN 3(c)(i)"),
)
"""The programs of GN 3(c)(i), by key."""

BY_KEY: dict[str, Program] = {p.key: p for p in PROGRAMS}
BY_CODE: dict[str, Program] = {c: p for p in PROGRAMS for c in p.codes}

_NONE = {"", "none", "no", "no claim", "-", "n/a", "na"}


def _lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in PROGRAMS:
        for name in (p.key, *p.codes, *p.aliases):
            out[name.lower()] = p.key
            out[name.lower().replace("_", "-")] = p.key
            out[name.lower().replace("-", "_")] = p.key
    return out


_NAMES = _lookup()


def accepted_names() -> str:
    """The accepted claim names, for messages: ``usmca (S, S+), korus (KR), …``."""
    return ", ".join(f"{p.key} ({', '.join(p.codes)})" for p in PROGRAMS)


def normalize_claim(text: object, *, field: str = "claim") -> str | None:
    """A claim typed by a user → the program key, or ``None`` for no claim.

    >>> normalize_claim("S+"), normalize_claim("KORUS"), normalize_claim(" p "), normalize_claim("")
    ('usmca', 'korus', 'cafta_dr', None)
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise InputError(
            f"{field}: {text!r} is not a claim",
            hint=f"give a program indicator or name: {accepted_names()}; blank or none for no claim",
        )
    import unicodedata

    s = unicodedata.normalize("NFKC", text).strip()
    if s.lower() in _NONE:
        return None
    key = _NAMES.get(s.lower())
    if key is None:
        key = _NAMES.get(" ".join(s.lower().split()).replace(" ", "_"))
    if key is None:
        shown = s if len(s) <= 40 else s[:40] + "…"
        raise InputError(
            f"{field}: {shown!r} is not a special tariff program",
            hint=f"give a program indicator or name: {accepted_names()}; blank or none for no claim",
        )
    return key


def program(key: str) -> Program:
    """The program of a key returned by :func:`normalize_claim`."""
    return BY_KEY[key]


def program_of_code(code: str) -> Program | None:
    """The program a special-column indicator belongs to (``"S+"`` → USMCA), or None."""
    return BY_CODE.get(code)


def program_key(codes: tuple[str, ...]) -> str:
    """The program a list of special-column codes belongs to (by its first code; an unknown code
    names itself)."""
    if not codes:
        return ""
    p = BY_CODE.get(codes[0])
    return p.key if p is not None else codes[0]
