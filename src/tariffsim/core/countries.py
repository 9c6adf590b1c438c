"""Country codes, names and groups.

The vocabulary is ISO 3166-1 alpha-3 (``"JPN"``) plus named groups (``"EU"``, ``"USMCA"``). The
country table ``countries.csv`` beside this module links each ISO3 code to its name and its US
Census country code(s) (``cty_code``); ``country_groups.csv`` lists the members of each group. Both
are built by ``scripts/build_bundle.py countries`` from the Census Schedule C code list
``census_codes.csv``, the 2024 partner file ``us_trade_by_partner_2024.csv`` and
``country_partner_mapping.csv`` (sources and sha256 in the bundle's ``PROVENANCE.md``). They ship
with this module, so it works without the reference data, without the data layer and without polars
(it is imported at CLI start-up).

:func:`resolve` accepts ISO3 codes (any case), Census codes (``"5880"``), group names, the country
names of both source files (``"South Korea (Republic of Korea)"`` and its parts) and the common
aliases below (``"Korea"``, ``"UK"``, ``"Britain"``, ``"Viet Nam"``, ``"Türkiye"`` …).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tariffsim.core.errors import UnknownCountryError

#: The country tables ship beside this module (core does not depend on the data layer).
_HERE = Path(__file__).resolve().parent

# Common names and short forms → ISO3 (keys are written as a user would; they are normalised).
ALIASES: dict[str, str] = {
    "korea": "KOR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "korea republic of": "KOR",
    "rok": "KOR",
    "north korea": "PRK",
    "dprk": "PRK",
    "uk": "GBR",
    "u.k.": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "viet nam": "VNM",
    "turkiye": "TUR",
    "türkiye": "TUR",
    "us": "USA",
    "u.s.": "USA",
    "u.s.a.": "USA",
    "united states": "USA",
    "america": "USA",
    "prc": "CHN",
    "peoples republic of china": "CHN",
    "mainland china": "CHN",
    "russian federation": "RUS",
    "holland": "NLD",
    "the netherlands": "NLD",
    "czechia": "CZE",
    "ivory coast": "CIV",
    "burma": "MMR",
    "myanmar": "MMR",
    "lao pdr": "LAO",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "east timor": "TLS",
    "macau": "MAC",
    "drc": "COD",
    "dr congo": "COD",
    "democratic republic of the congo": "COD",
    "republic of the congo": "COG",
    "congo brazzaville": "COG",
    "uae": "ARE",
    "emirates": "ARE",
    "ksa": "SAU",
    "vatican": "VAT",
    "holy see": "VAT",
    "palestine": "PSE",
    "taiwan roc": "TWN",
    "chinese taipei": "TWN",
    "republic of china": "TWN",
    "hong kong sar": "HKG",
    "bosnia": "BIH",
    "macedonia": "MKD",
    "moldova republic of": "MDA",
    "iran islamic republic of": "IRN",
    "syrian arab republic": "SYR",
    "tanzania united republic of": "TZA",
    "st kitts": "KNA",
    "trinidad": "TTO",
    "european union": "EU",
    "eu27": "EU",
    "eu-27": "EU",
    "eu 27": "EU",
    "nafta": "USMCA",
    "cusma": "USMCA",
    "t-mec": "USMCA",
}

_PUNCT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``"Côte d'Ivoire"`` → ``"cote divoire"``."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("&", " and ").replace("'", "").replace("’", "")
    s = _PUNCT.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    census_name: str
    cty_code: str  # principal Census Schedule C code
    cty_codes: tuple[str, ...]  # all Census codes mapped to this ISO3 (PSE has two)


@dataclass(frozen=True, slots=True)
class _Tables:
    countries: dict[str, Country]
    groups: dict[str, tuple[str, ...]]
    by_census: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Names:
    """The name index, built on the first lookup by name (an ISO3 code or group needs none)."""

    by_key: dict[str, str]  # normalised name/alias/code -> iso3 or group
    display: dict[str, str]  # normalised key -> a display name, for suggestions


@cache
def _tables() -> _Tables:
    countries: dict[str, Country] = {}
    path = _HERE / "countries.csv"
    if not path.is_file():
        from tariffsim.core.errors import DataNotFoundError

        raise DataNotFoundError(
            f"country table not found: {path}",
            hint="rebuild it with `python scripts/build_bundle.py countries`",
        )
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            countries[r["iso3"]] = Country(
                iso3=r["iso3"],
                name=r["name"],
                census_name=r["census_name"],
                cty_code=r["cty_code"],
                cty_codes=tuple(r["cty_codes"].split(";")),
            )
    groups_l: dict[str, list[str]] = {}
    with (_HERE / "country_groups.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            groups_l.setdefault(r["group"], []).append(r["iso3"])
    groups = {g: tuple(sorted(m)) for g, m in groups_l.items()}
    by_census = {code: c.iso3 for c in countries.values() for code in c.cty_codes}
    return _Tables(countries, groups, by_census)


@cache
def _names() -> _Names:
    t = _tables()
    countries, groups = t.countries, t.groups
    by_key: dict[str, str] = {}
    display: dict[str, str] = {}

    def add(key: str, target: str, shown: str | None = None) -> None:
        k = _norm(key)
        if k and k not in by_key:
            by_key[k] = target
            display[k] = shown or key

    for g in groups:
        add(g, g, g)
    for c in countries.values():
        add(c.iso3, c.iso3, c.name)
        add(c.name, c.iso3)
        for n in c.census_name.split(";"):
            add(n, c.iso3)
            # "South Korea (Republic of Korea)" -> also "South Korea" and "Republic of Korea";
            # "Denmark, except Greenland" -> also "Denmark"
            m = re.match(r"^(.*?)\s*\((.*)\)\s*$", n)
            if m:
                add(m.group(1), c.iso3)
                add(m.group(2), c.iso3)
            if "," in n:
                add(n.split(",")[0], c.iso3)
    for alias, target in ALIASES.items():
        k = _norm(alias)
        by_key[k] = target  # aliases win over automatic name parts
        display.setdefault(k, alias)
    return _Names(by_key, display)


def __getattr__(attr: str) -> Any:
    # GROUPS and COUNTRIES are loaded on first use.
    if attr == "GROUPS":
        return _tables().groups
    if attr == "COUNTRIES":
        return _tables().countries
    raise AttributeError(attr)


def groups() -> dict[str, tuple[str, ...]]:
    """Group name → member ISO3 codes (``EU`` = the 27 member states, ``USMCA`` = CAN, MEX)."""
    return _tables().groups


def countries() -> dict[str, Country]:
    """ISO3 → :class:`Country` for every code in the table (Census partners, the US and territories)."""
    return _tables().countries


def resolve(text: str) -> str:
    """An ISO3 code or group name for a user's text.

    Order: exact ISO3 or group (any case); Census code (digits); country name, census name or
    alias, compared case-, accent- and punctuation-insensitively. Unknown → :class:`UnknownCountryError`
    with up to five nearest names (difflib ratio ≥ 0.6).
    """
    from tariffsim.core.inputs import normalize_text

    t = _tables()
    raw = normalize_text(text)  # full-width "ＪＰＮ" is JPN
    if len(raw) > 100:  # no country name is this long: no fuzzy search over it
        raise UnknownCountryError(raw, [])
    up = raw.upper()
    if up in t.countries or up in t.groups:
        return up
    if raw.isdigit():
        iso = t.by_census.get(raw)
        if iso:
            return iso
        raise UnknownCountryError(raw, [])
    key = _norm(raw)
    hit = _names().by_key.get(key)
    if hit:
        return hit
    raise UnknownCountryError(raw, suggest(raw))


def suggest(text: str, n: int = 5) -> list[str]:
    """Nearest known names to ``text``, as ``"Name (ISO3)"`` strings, best first."""
    t = _tables()
    key = _norm(text)
    out: list[str] = []
    seen: set[str] = set()
    by_key = _names().by_key
    for k in difflib.get_close_matches(key, list(by_key), n=4 * n, cutoff=0.6):
        target = by_key[k]
        if target in seen:
            continue
        seen.add(target)
        out.append(f"{name(target)} ({target})" if target in t.countries else target)
        if len(out) == n:
            break
    return out


def expand(code: str) -> tuple[str, ...]:
    """A group → its member ISO3 codes; an ISO3 code → ``(code,)``. Resolves names first."""
    t = _tables()
    c = code if (code in t.countries or code in t.groups) else resolve(code)
    return t.groups.get(c, (c,))


def is_group(code: str) -> bool:
    return code in _tables().groups


def name(iso3: str) -> str:
    """Display name of an ISO3 code or group (``"JPN"`` → ``"Japan"``; ``"EU"`` → ``"European Union"``)."""
    t = _tables()
    if iso3 in t.countries:
        return t.countries[iso3].name
    if iso3 == "EU":
        return "European Union"
    if iso3 in t.groups:
        return iso3
    raise UnknownCountryError(iso3, suggest(iso3))


def iso3_from_census(cty_code: str | int) -> str | None:
    """ISO3 of a Census Schedule C code (``"5880"`` → ``"JPN"``); None if unknown."""
    return _tables().by_census.get(str(cty_code).strip().zfill(4))


def census_code(iso3: str) -> str:
    """Principal Census Schedule C code of an ISO3 code (``"JPN"`` → ``"5880"``)."""
    t = _tables()
    if iso3 not in t.countries:
        raise UnknownCountryError(iso3, suggest(iso3))
    return t.countries[iso3].cty_code


def census_to_iso3(codes: Any) -> Any:
    """Vectorised :func:`iso3_from_census`.

    A ``polars.Series`` gives a Utf8 Series (null where unknown); anything else array-like gives a
    numpy object array (None where unknown). Each distinct code is looked up once.
    """
    t = _tables()
    if type(codes).__module__.startswith("polars"):
        import polars as pl

        s = codes.cast(pl.Utf8)
        return s.replace_strict(t.by_census, default=None, return_dtype=pl.Utf8)
    import numpy as np

    arr = np.asarray(codes).astype(str)
    uniq, inv = np.unique(arr, return_inverse=True)
    mapped = np.array([t.by_census.get(u.zfill(4)) for u in uniq], dtype=object)
    return mapped[inv.reshape(arr.shape)]
