"""HTS rate texts, parsed: column 1 general, column 2 and the special-program column.

:func:`parse_rate` reads a rate text as a sum of terms separated by ``+``:

* ``Free``;
* ad valorem ``"2.5%"`` → 0.025 of the customs value; a term "``X% on the case``" or "``X% on the value
  of the lead content``" applies to part of the value only (kept in ``partial_ad_valorem``);
* specific ``"2.2¢/kg"`` → (0.022, ``"USD/kg"``), ``"$1.035/kg"``, ``"0.9¢ each"`` → ``"USD/each"``;
  qualifiers (``on drained weight``, ``of total sugars``) are kept in ``notes``;
* chapter 99 texts "``The duty provided in the applicable subheading + 25%``" are an ad valorem
  duty added on top of the ordinary duty (``on_top_of="applicable_subheading"``).

Kinds: ``free``; ``ad_valorem`` (only percentage terms); ``specific`` (only per-unit terms);
``compound`` (both); ``other`` (a text with no rate of these forms, e.g. "The rate applicable to each
garment in the ensemble if separately entered").

:func:`parse_special` splits a ``special`` text into program code → rate; General Note 3(c)(i) of the
HTS lists the codes (``JP`` US–Japan Trade Agreement, ``KR`` KORUS, ``S``/``S+`` USMCA, ``AU``
Australia, ``SG`` Singapore, ``CL`` Chile, ``IL`` Israel …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

KINDS = ("free", "ad_valorem", "specific", "compound", "other")


@dataclass(frozen=True, slots=True)
class ParsedRate:
    """A parsed HTS rate text.

    ``ad_valorem``: the percentage part on the full customs value, as a fraction (None if none);
    ``specific``: per-unit parts as ``(amount, unit)`` with amounts in US dollars
    (``"2.2¢/kg"`` → ``(0.022, "USD/kg")``); ``partial_ad_valorem``: percentage parts on part of the
    value, ``(fraction, basis)``; ``on_top_of``: ``"applicable_subheading"`` for chapter 99 texts
    that add to the ordinary duty; ``notes``: qualifiers that the numbers do not capture.
    """

    kind: str
    ad_valorem: float | None
    specific: tuple[tuple[float, str], ...]
    raw: str
    partial_ad_valorem: tuple[tuple[float, str], ...] = ()
    on_top_of: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_exact(self) -> bool:
        """True when the rate is a fraction of the full value: free or plain ad valorem."""
        return self.kind == "free" or (
            self.kind == "ad_valorem"
            and not self.partial_ad_valorem
            and self.ad_valorem is not None
        )

    @property
    def exact_ave(self) -> float | None:
        """The ad valorem equivalent when it needs no trade data (free → 0, ``X%`` → X/100)."""
        if self.kind == "free":
            return 0.0
        return self.ad_valorem if self.is_exact else None


_WS = re.compile(r"\s+")
# a number: "1,035", "2.5", ".5", or a mixed fraction as column 2 writes it ("33 1/3")
_NUM = r"(\d+ \d+/\d+|\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
_AV_TERM = re.compile(rf"^{_NUM}\s*(?:%|percent)(?:\s+(?:on|of|upon)\s+(?P<basis>.+))?$", re.I)
_SPEC_TERM = re.compile(
    rf"^(?P<dollar>\$)?\s*{_NUM}\s*(?P<cent>¢)?\s*(?P<unit>each|/\s*\S.*?)(?:\s+(?P<q>on|of)\s+(?P<basis>.+))?$",
    re.I,
)
_LESS = re.compile(r"\s+less\s+.*$", re.I)
_ONTOP = re.compile(
    r"^the duty(?: rate)? provided (?:for )?(?:in|for)\s*(?:the applicable subheading|such subheading|subheadings? [\d.,\sor]+)\s*"
    r"(?P<rest>.*)$",
    re.I,
)
_ONTOP_REST = re.compile(
    rf"^(?P<sign>\+|minus|plus)\s*(?:a duty of\s*)?{_NUM}\s*%(?:\s+(?:upon|on)\s+(?P<basis>.+))?$",
    re.I,
)


def _num(s: str) -> float:
    whole, _, frac = s.partition(" ")
    if frac:  # "33 1/3" = 33 + 1/3
        num, _, den = frac.partition("/")
        return int(whole) + int(num) / int(den)
    return float(s.replace(",", ""))


def _clean(text: str) -> str:
    return _WS.sub(" ", text.replace("\xa0", " ")).strip().rstrip(".").strip()


def _unit(u: str) -> str:
    u = u.strip()
    if u.lower() == "each":
        return "USD/each"
    u = re.sub(r"\s*/\s*", "/", u)
    u = (
        u.replace("1,000", "1000")
        .replace("pr.", "pr")
        .replace("doz.", "doz")
        .replace("pf.liter", "pf liter")
    )
    return "USD" + u.rstrip(".")


@lru_cache(maxsize=8192)
def parse_rate(text: str | None) -> ParsedRate:
    """Parse one HTS rate text (``general``, ``other`` or one group of ``special``).

    Examples (HTS 2025 basic): ``"2.5%"`` → ad_valorem 0.025 (8703.23.01); ``"2.2¢/kg"`` → specific
    [(0.022, "USD/kg")]; ``"$1.035/kg + 14.9%"`` → compound; ``"1.5¢/kg less 0.020668¢/kg for each
    degree under 100 degrees …"`` → specific 0.015 USD/kg (the rate at 100 degrees) with the
    reduction kept in ``notes``.
    """
    raw = "" if text is None else str(text)
    s = _clean(raw)
    if not s:
        return ParsedRate("other", None, (), raw, notes=("empty",))
    low = s.lower()
    if low == "free" or low.startswith("free,") or low.startswith("free "):
        return ParsedRate("free", 0.0, (), raw, notes=(s[5:].strip(" ,"),) if len(s) > 4 else ())
    m = _ONTOP.match(s)
    if m:
        rest = m.group("rest").strip()
        if not rest:
            return ParsedRate("ad_valorem", 0.0, (), raw, on_top_of="applicable_subheading")
        r = _ONTOP_REST.match(rest)
        if r:
            v = _num(r.group(2)) / 100.0
            if r.group("sign").lower() == "minus":
                v = -v
            if r.group("basis"):
                return ParsedRate(
                    "ad_valorem",
                    None,
                    (),
                    raw,
                    partial_ad_valorem=((v, _clean(r.group("basis"))),),
                    on_top_of="applicable_subheading",
                )
            return ParsedRate("ad_valorem", v, (), raw, on_top_of="applicable_subheading")
        return ParsedRate("other", None, (), raw, on_top_of="applicable_subheading")

    av = 0.0
    has_av = False
    partial: list[tuple[float, str]] = []
    spec: list[tuple[float, str]] = []
    notes: list[str] = []
    for term in s.split("+"):
        t = term.strip()
        lm = _LESS.search(t)
        if lm:  # "1.5¢/kg less 0.020668¢/kg for each degree under 100 degrees …"
            notes.append(lm.group(0).strip())
            t = t[: lm.start()].strip()
        a = _AV_TERM.match(t)
        if a:
            v = _num(a.group(1)) / 100.0
            basis = a.group("basis")
            if basis:
                partial.append((v, _clean(basis)))
            else:
                av += v
                has_av = True
            continue
        sp = _SPEC_TERM.match(t)
        if sp:
            amount = _num(sp.group(2))
            if sp.group("cent"):
                amount /= 100.0
            elif not sp.group("dollar"):
                return ParsedRate("other", None, (), raw)
            spec.append((round(amount, 10), _unit(sp.group("unit"))))
            if sp.group("basis"):
                notes.append(f"{sp.group('q')} {_clean(sp.group('basis'))}")
            continue
        return ParsedRate("other", None, (), raw)
    if spec and (has_av or partial):
        kind = "compound"
    elif spec:
        kind = "specific"
    else:
        kind = "ad_valorem"
    return ParsedRate(
        kind,
        round(av, 10) if has_av else None,
        tuple(spec),
        raw,
        partial_ad_valorem=tuple(partial),
        notes=tuple(notes),
    )


_CODES = re.compile(r"\(\s*([A-Z][A-Z0-9]?[+*]?(?:\s*,\s*[A-Z][A-Z0-9]?[+*]?)*)\s*,?\s*\)")


def parse_special(text: str | None) -> dict[str, ParsedRate]:
    """Program code → rate, from a ``special`` column text.

    ``"Free (A+,AU,BH,CA,…,SG) 1.2% (JP)"`` → ``{"A+": free, "AU": free, …, "JP": 1.2%}``. References
    such as ``"See 9822.04.25 (AU)"`` give kind ``other`` with the reference in ``raw``. Codes keep
    their ``+``/``*`` suffix as written (``A+``: GSP, least-developed beneficiaries only; ``A*``: GSP
    with some beneficiaries excluded; ``S``/``S+``: USMCA, HTS General Note 11). ``"No change"`` and texts without codes give ``{}``.
    """
    out: dict[str, ParsedRate] = {}
    if not text:
        return out
    s = text.replace("\n", " ")
    pos = 0
    for m in _CODES.finditer(s):
        rate_text = s[pos : m.start()].strip().strip(",;").strip()
        pos = m.end()
        if not rate_text:
            continue
        rate = parse_rate(rate_text)
        for code in m.group(1).split(","):
            c = code.strip()
            if c and c not in out:
                out[c] = rate
    return out
