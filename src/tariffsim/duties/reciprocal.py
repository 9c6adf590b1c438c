"""The "reciprocal" tariff formula of 2 April 2025, from 2024 Census partner totals.

USTR ("Reciprocal Tariff Calculations", 2 April 2025) set the rate that offsets a bilateral
deficit as Δτ_i = (x_i − m_i) / (ε · φ · m_i), where m_i are US imports from i, x_i US exports to
i, ε = 4 the import-demand elasticity and φ = 0.25 the pass-through to import prices; ε·φ = 1, so the
"rate charged to the USA" is simply the deficit over imports:

    rate_charged_i = (m_i − x_i) / m_i.

The published table (Annex I of EO 14257, and the chart of 2 April) shows the rate charged as a
whole percent and the "discounted reciprocal" rate as half of it rounded *up* to a whole percent,
never below the 10% baseline:

    reciprocal_i = max(10%, ⌈ round(100 · rate_charged_i) / 2 ⌉ %),

and 10% for partners with which the US has a surplus. Checked against the country rates the HTS
actually implemented (2025 revision 7, headings 9903.01.43–.76): see
``tests/golden/test_duties_reciprocal_hts.py``. Two published rates do not follow USTR's own rule from its
own rounded column (Japan: 46% charged, 24% published; Vietnam: 90% charged, 46% published).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

BASELINE = 0.10

# Chapter-99 headings of the country rates of 2 April 2025 (EO 14257 Annex I) in HTS 2025 rev 7.
COUNTRY_HEADINGS = ("9903.01.43", "9903.01.76")

_RATE_RE = re.compile(r"\+\s*(\d+(?:\.\d+)?)\s*%")
_PRODUCT_OF_RE = re.compile(r"articles the product of (.+?),? as provided for", re.IGNORECASE)

# Names the HTS uses that differ from the Census country names (normalised form → ISO3).
_NAME_ALIASES: dict[str, str] = {
    "european union": "EU",
    "china including hong kong and macau": "CHN",
    "china": "CHN",
    "the democratic republic of the congo": "COD",
    "democratic republic of the congo": "COD",
    "cote divoire": "CIV",
    "myanmar burma": "MMR",
    "burma": "MMR",
    "south korea": "KOR",
    "korea": "KOR",
    "laos": "LAO",
    "brunei": "BRN",
    "syria": "SYR",
    "moldova": "MDA",
    "falkland islands": "FLK",
    "vietnam": "VNM",
    "taiwan": "TWN",
}


@dataclass(frozen=True, slots=True)
class ReciprocalRate:
    """The formula's result for one partner (fractions; USD)."""

    iso3: str
    country: str
    imports_usd: float
    exports_usd: float
    rate_charged: float | None  # (m − x) / m, unrounded; None where m = 0
    reciprocal_rate: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "country": self.country,
            "imports_usd": self.imports_usd,
            "exports_usd": self.exports_usd,
            "rate_charged": self.rate_charged,
            "reciprocal_rate": self.reciprocal_rate,
        }


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def reciprocal_from_totals(imports_usd: float, exports_usd: float) -> tuple[float | None, float]:
    """(rate charged, reciprocal rate) from one partner's imports and exports, as fractions.

    rate charged = (m − x)/m; reciprocal = max(10%, ⌈round(100·charged)/2⌉/100); 10% if m ≤ x or m = 0.
    The 1e-9 guard keeps float noise (e.g. 38.999999…) from moving a whole-percent rounding.
    """
    if imports_usd <= 0:
        return None, BASELINE
    charged = (imports_usd - exports_usd) / imports_usd
    if charged <= 0:
        return charged, BASELINE
    charged_pct = _round_half_up(100.0 * charged + 1e-9)
    half_up = math.ceil(charged_pct / 2.0 - 1e-9)
    return charged, max(BASELINE, half_up / 100.0)


def reciprocal_table(
    totals: pl.DataFrame | None = None, *, groups: Mapping[str, Iterable[str]] | None = None
) -> list[ReciprocalRate]:
    """The formula for every partner in ``totals`` (default: 2024 Census partner totals).

    ``totals`` has columns ``iso3, country, imports_usd, exports_usd``. ``groups`` (default: the EU,
    which USTR treated as one partner) adds one row per group with the members' totals summed.
    Rows are sorted by imports, largest first; group rows follow the partners.
    """
    if totals is None:
        from tariffsim.data import census

        totals = census.partner_totals()
    if groups is None:
        groups = {"EU": _eu_members()}
    rows: list[ReciprocalRate] = []
    t = totals.select("iso3", "country", "imports_usd", "exports_usd").sort(
        "imports_usd", descending=True
    )
    for iso3, country, m, x in t.iter_rows():
        m = float(m or 0.0)
        x = float(x or 0.0)
        charged, rec = reciprocal_from_totals(m, x)
        rows.append(ReciprocalRate(iso3, country, m, x, charged, rec))
    for name, members in groups.items():
        members = set(members)
        sub = t.filter(pl.col("iso3").is_in(list(members)))
        m = float(sub["imports_usd"].sum())
        x = float(sub["exports_usd"].sum())
        charged, rec = reciprocal_from_totals(m, x)
        rows.append(ReciprocalRate(name, f"{name} ({sub.height} members)", m, x, charged, rec))
    return rows


def _eu_members() -> list[str]:
    from tariffsim.core import countries

    return list(countries.expand("EU"))


def _normalise(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z ]+", "", s.lower().replace("-", " "))
    return re.sub(r"\s+", " ", s).strip()


def _split_names(text: str) -> list[str]:
    # "Israel, Malawi, Philippines, or Zambia" / "Cameroon or the Democratic Republic of the Congo"
    text = re.sub(
        r"\b(?:or|and)\b(?! herzegovina| macau| the grenadines| nevis)", ",", text, flags=re.I
    )
    parts = [p.strip() for p in text.split(",")]
    out: list[str] = []
    for p in parts:
        if not p:
            continue
        if p.lower().startswith("including"):
            out[-1] = f"{out[-1]} {p}"
            continue
        out.append(p)
    return out


def implemented_rates(
    entries: Iterable[Mapping[str, Any]], name_to_iso3: Mapping[str, str]
) -> dict[str, tuple[float, str]]:
    """Country rates implemented in chapter 99, headings 9903.01.43–9903.01.76.

    ``entries`` are USITC HTS JSON entries (``htsno``, ``description``, ``general``);
    ``name_to_iso3`` maps country names (any case/punctuation) to ISO3. Returns
    ``{iso3 or "EU": (rate, heading)}``. The rate is the ``+ N%`` in the heading's general column.
    Raises ``ValueError`` for a name it cannot place (so a new heading is never silently dropped).
    """
    lookup = {_normalise(k): v for k, v in name_to_iso3.items()}
    lookup.update(_NAME_ALIASES)
    lo, hi = COUNTRY_HEADINGS
    out: dict[str, tuple[float, str]] = {}
    for e in entries:
        h = str(e.get("htsno", ""))
        if not (lo <= h <= hi) or len(h) != len(lo):
            continue
        rate_m = _RATE_RE.search(str(e.get("general", "")))
        names_m = _PRODUCT_OF_RE.search(str(e.get("description", "")))
        if not rate_m or not names_m:
            raise ValueError(f"heading {h}: cannot read its country or rate")
        rate = float(rate_m.group(1)) / 100.0
        for name in _split_names(names_m.group(1)):
            key = _normalise(name)
            key = re.sub(r"^the ", "", key)
            iso = lookup.get(key) or lookup.get(_normalise(name))
            if iso is None:
                raise ValueError(f"heading {h}: unknown country name {name!r}")
            out[iso] = (rate, h)
    return out
