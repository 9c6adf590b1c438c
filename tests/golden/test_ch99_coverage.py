"""Coverage audit: every rated chapter-99 heading of every HTS revision is either in the library or
deliberately left out, with the reason.

Expected values come from the official record: the USITC JSON exports of every HTS edition in
``../shared/data/usitc_hts`` (``2025_basic`` … ``2026_rev_10``, read through
:func:`tariffsim.data.hts.load_revision`, which caches the parsed revisions in DuckDB). A heading
"has a rate" when its column-1 (``general``) text states a percentage — an additional duty
("The duty provided in the applicable subheading + 25%"), an all-in rate ("15%") or a duty on part of
the value ("… + 25% of the value of the non-U.S. content"). Headings whose text is only "The duty
provided in the applicable subheading", "Free" or "No change" are exemptions or statistical
breakouts and carry no rate of their own.

A rated heading is **represented** when a measure of ``jurisdictions/us/measures`` carries its rate:

* a value (or a per-origin rate) names it in ``heading:`` or cites it in its ``reference``; citations
  are read the way the HTS and the Federal Register write them: ``9903.01.43–.76`` is the whole range,
  ``9903.88.01, .02, .03`` three headings, ``9903.02.82/.83`` two;
* or the measure's product list (``lists*.yaml``, used in the measure's ``scope.products``) cites it as
  the heading that defines the list (e.g. 9903.88.02 for Section 301 list 2);
* or it is in :data:`REPRESENTED_BY` (the measure carries the rate without naming the heading;
  empty at present).

Otherwise it must be in :data:`NOT_MODELLED` (heading or heading prefix → one-line reason). The test
fails on any rated heading that is neither — so a new HTS revision that adds a duty cannot be missed
silently. docs/ch99-coverage.md explains the categories and gives the counts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "jurisdictions" / "us"
_PCT = re.compile(r"\d+(?:\.\d+)?\s*%")

# Headings whose rate a measure carries without naming the heading (heading → (measure id, how)).
REPRESENTED_BY: dict[str, tuple[str, str]] = {}

# Rated headings deliberately not in the library: heading, or prefix ending in ".", → reason.
_DORMANT = (
    "historic retaliation heading kept in subchapter III/IV; no origin is designated for it in "
    "2024-26 (no 2025-26 duty is collected under it)"
)
NOT_MODELLED: dict[str, str] = {
    # --- Section 301
    "9903.88.09": "China list 3 at 10% for goods exported before 10 May 2019 and entered by 15 Jun 2019",
    "9903.88.16": "China list 4B (+15%) suspended indefinitely since 15 Dec 2019 (84 FR 69447)",
    "9903.89.": "EU/UK large-civil-aircraft retaliation (+15%/+25%), suspended since 2021 (86 FR 36313)",
    "9903.91.04": "four-year review +25% for 2025 only (note 31(e)): no line of any 2025-26 revision "
    "cites it in its footnotes and the Section 301 product table holds none (no product in 2024-26)",
    # --- Section 201 safeguard on washers (Proclamation 9694): expired 7 Feb 2023, before 2024
    "9903.45.01": "washers safeguard (note 17), expired 7 Feb 2023: no entry of 2024-26 pays it",
    "9903.45.02": "washers safeguard (note 17), expired 7 Feb 2023: no entry of 2024-26 pays it",
    "9903.45.06": "washer parts safeguard (note 17), expired 7 Feb 2023: no entry of 2024-26 pays it",
    # --- Section 232 steel/aluminum: conditions of the entry (FTZ status) and revoked 2020 actions
    "9903.81.93": "steel derivatives admitted to a foreign-trade zone before 4 Jun 2025 (FTZ status)",
    "9903.85.21": "Canadian aluminum 10% of Aug 2020 (Proclamation 10060), revoked Sep 2020",
    # --- Section 232 metals annex of 2026: conditions whose terms the data do not hold
    "9903.82.20": "Proclamation 11032, derivative steel of note 16(j) +25%: the note 16(j) conditions "
    "and products are not in the HTS exports or any transcription at hand",
    "9903.82.23": "note 16(k) parts for agricultural/industrial equipment made with U.S. metal, 10% "
    "all-in: two declared conditions at once (s232_metals_equipment_parts and _us_metal model each)",
    # --- Section 232 autos: the inclusion rounds of note 33(p)-(t). BIS opened the first request window
    # on 1 Oct 2025 (interim final rule); no inclusion notice is among the sources at hand and the HTS
    # exports do not print note 33 (Section 232 products are defined in the notes, not in footnotes),
    # so whether any product was included by 30 Jun 2026 is unverified
    "9903.94.07": "auto parts added by the inclusion process of note 33(p): no inclusion list known",
    "9903.94.33": "UK rate (10%) for the inclusion-round parts of note 33(q): no inclusion list known",
    "9903.94.45": "EU 15% all-in for the inclusion-round parts of note 33(r): no inclusion list known",
    "9903.94.55": "Japan 15% all-in for the inclusion-round parts of note 33(s): no inclusion list known",
    "9903.94.65": "Korea 15% all-in for the parts of note 33(r)/(t): no inclusion list known",
    # --- historic retaliation and expired headings
    "9903.04.": _DORMANT,
    "9903.08.": _DORMANT,
    "9903.27.": _DORMANT,
    "9903.40.": _DORMANT,
    "9903.41.": _DORMANT,
    "9903.53.01": "softwood lumber export-charge heading of 1996-2001 (the note says it has expired)",
}

_SEP = r"\s*(,|/|–|—|-|\band\b|\bor\b|\bto\b|\bthrough\b)\s*"
_CIT = re.compile(r"9903\.(\d\d)\.(\d\d)((?:" + _SEP + r"(?:9903\.\d\d\.|\.)\d\d(?![\d.]))*)")
_TAIL = re.compile(_SEP + r"(9903\.\d\d\.|\.)(\d\d)(?![\d.])")
_RANGE = {"–", "—", "-", "to", "through"}


def cited_headings(text: str) -> set[str]:
    """Chapter-99 headings cited in a text, with ranges and abbreviations expanded.

    ``"9903.01.43–.76"`` → 9903.01.43 … 9903.01.76; ``"9903.88.01, .02"`` → both;
    ``"9903.94.42-.43"``, ``"9903.02.82/.83"``, ``"9903.91.01 … 9903.91.11"`` likewise.
    """
    out: set[str] = set()
    for m in _CIT.finditer(text):
        chap, last = m.group(1), int(m.group(2))
        out.add(f"9903.{chap}.{last:02d}")
        for sep, head, num in _TAIL.findall(m.group(3)):
            c = head[5:7] if head.startswith("9903") else chap
            n = int(num)
            if sep in _RANGE and c == chap and n > last:
                out.update(f"9903.{chap}.{k:02d}" for k in range(last + 1, n + 1))
            else:
                out.add(f"9903.{c}.{n:02d}")
            chap, last = c, n
    return out


@cache
def rated_headings() -> dict[str, tuple[str, str, str]]:
    """Every rated 9903 heading of every edition → (first edition, last edition, last general text)."""
    import polars as pl

    from tariffsim.data.hts import editions, load_revision

    seen: dict[str, tuple[str, str, str]] = {}
    for ed in editions():
        df = load_revision(ed).filter(pl.col("htsno").str.starts_with("9903."))
        for h, g in zip(df["htsno"], df["general"].fill_null(""), strict=True):
            if _PCT.search(g):
                first = seen[h][0] if h in seen else ed
                seen[h] = (first, ed, g)
    return seen


@cache
def library_citations() -> dict[str, frozenset[str]]:
    """Heading → ids of the measures that carry it (heading fields, references, scope lists)."""
    lists: dict[str, dict] = {}
    for p in sorted(LIBRARY.glob("lists*.yaml")):
        lists.update((yaml.safe_load(p.read_text()) or {}).get("lists") or {})
    found: dict[str, set[str]] = {}

    def add(text: object, mid: str) -> None:
        for h in cited_headings(str(text or "")):
            found.setdefault(h, set()).add(mid)

    for p in sorted((LIBRARY / "measures").glob("*.yaml")):
        m = yaml.safe_load(p.read_text())
        mid = m["id"]
        for v in m.get("values") or []:
            add(v.get("heading"), mid)
            add(v.get("reference"), mid)
            for spec in (v.get("rates") or {}).values():
                if isinstance(spec, dict):
                    add(spec.get("heading"), mid)
                    add(spec.get("reference"), mid)
        for s in m.get("suspensions") or []:
            add(s.get("reference"), mid)
        for item in (m.get("scope") or {}).get("products") or []:
            if isinstance(item, dict) and item.get("list") in lists:
                add(lists[item["list"]].get("reference"), mid)
    for h, (mid, _) in REPRESENTED_BY.items():
        found.setdefault(h, set()).add(mid)
    return {h: frozenset(v) for h, v in found.items()}


def _not_modelled_reason(heading: str) -> str | None:
    if heading in NOT_MODELLED:
        return NOT_MODELLED[heading]
    for key, reason in NOT_MODELLED.items():
        if key.endswith(".") and heading.startswith(key):
            return reason
    return None


def classify() -> dict[str, list[str]]:
    """Rated headings split into represented / not_modelled / missing (sorted)."""
    cites = library_citations()
    out: dict[str, list[str]] = {"represented": [], "not_modelled": [], "missing": []}
    for h in sorted(rated_headings()):
        if h in cites:
            out["represented"].append(h)
        elif _not_modelled_reason(h) is not None:
            out["not_modelled"].append(h)
        else:
            out["missing"].append(h)
    return out


# ---------------------------------------------------------------------------------------- tests


def test_citation_parser_expands_ranges_and_abbreviations() -> None:
    # Hand-expanded: the EO 14257 Annex I headings run 9903.01.43 to .76 (34 headings).
    r = cited_headings("HTS 2025 rev 7, 9903.01.43–.76 (Japan 24%, 9903.01.52)")
    assert len(r) == 34 and "9903.01.60" in r and "9903.01.77" not in r
    assert cited_headings("HTS 9903.88.01, .02, .03, .04") == {
        "9903.88.01",
        "9903.88.02",
        "9903.88.03",
        "9903.88.04",
    }
    assert cited_headings("9903.02.82/.83 and 9903.94.42-.43") == {
        "9903.02.82",
        "9903.02.83",
        "9903.94.42",
        "9903.94.43",
    }
    assert cited_headings("see 9903.81.91 or 9903.85.08") == {"9903.81.91", "9903.85.08"}
    # a rate after a heading is not a heading
    assert cited_headings("9903.01.25 (+10.5%)") == {"9903.01.25"}


def test_universe_of_rated_headings(shared_data: Path) -> None:
    # Counted from the USITC exports: the reciprocal country headings of EO 14257 (9903.01.43-.76)
    # are all rated; the Section 122 surcharge heading 9903.03.01 first appears in 2026 rev 4.
    rated = rated_headings()
    assert all(f"9903.01.{k}" in rated for k in range(43, 77))
    assert rated["9903.03.01"][0] == "2026_rev_4"
    assert "+ 10%" in rated["9903.03.01"][2]
    # 9903.01.32 (Annex II) is an exemption: "The duty provided in the applicable subheading".
    assert "9903.01.32" not in rated
    assert len(rated) >= 290


def test_every_rated_heading_is_represented_or_listed(shared_data: Path) -> None:
    missing = classify()["missing"]
    rated = rated_headings()
    lines = [f"{h} ({rated[h][0]}..{rated[h][1]}): {rated[h][2][:70]}" for h in missing]
    assert not missing, (
        "chapter-99 headings with a rate that no measure carries and NOT_MODELLED does not list:\n"
        + "\n".join(lines)
    )


def test_not_modelled_entries_name_real_headings(shared_data: Path) -> None:
    rated = rated_headings()
    stale = [
        k
        for k in NOT_MODELLED
        if not (any(h.startswith(k) for h in rated) if k.endswith(".") else k in rated)
    ]
    assert not stale, f"NOT_MODELLED entries matching no rated heading: {stale}"


def test_represented_by_names_library_measures() -> None:
    for heading, (mid, _) in REPRESENTED_BY.items():
        assert (LIBRARY / "measures" / f"{mid}.yaml").is_file(), f"{heading}: no measure {mid}"


# Every date on which the compiled schedule changes must be a dated legal event (entries on or after
# 12:01 a.m. of that day). Sources: the instruments cited, HTS revision texts, and for retroactive
# deals the implementing notices; docs/ch99-coverage.md lists them.
LEGAL_EVENTS: dict[str, str] = {
    "2025-01-01": "HTS 2025 basic edition; Section 301 four-year-review step-ups of 1 Jan 2025",
    "2025-02-04": "EO 14195: China fentanyl +10%",
    "2025-02-07": "Proclamation 10339: Section 201 CSPV safeguard steps down to 14% (9903.45.22/.25)",
    "2025-03-04": "EO 14193/14194/14228: Canada and Mexico +25%, China +20%",
    "2025-03-07": "EO 14231/14232: USMCA goods exempt, potash 10%",
    "2025-03-12": "Proclamations 10895/10896: steel and aluminum 25%, derivatives, no exemptions",
    "2025-04-03": "Proclamation 10908: autos 25%",
    "2025-04-05": "EO 14257: reciprocal 10% baseline",
    "2025-04-09": "EO 14257 Annex I country rates; EO 14259 China 84%",
    "2025-04-10": "EO 14266: 90-day pause; China 125%",
    "2025-05-03": "Proclamation 10908: auto parts 25%",
    "2025-05-14": "EO 14298: Geneva, China 10%",
    "2025-06-04": "Proclamation 10947: steel and aluminum 50% (UK 25%)",
    "2025-06-23": "BIS notice 90 FR 25208: household appliances become steel derivatives",
    "2025-06-30": "EO 14309: UK autos 10% in quota, UK auto parts",
    "2025-08-01": "EO 14325 Canada 35%; Proclamation 10962 copper 50%; EU autos 15% (retroactive)",
    "2025-08-06": "EO 14323: Brazil +40%",
    "2025-08-07": "EO 14326: new reciprocal rates and the EU/Japan floors",
    "2025-08-18": "BIS inclusions notice 90 FR 40326: 407 derivative codes",
    "2025-08-27": "EO 14329: India +25%",
    "2025-09-01": "US-EU framework: PTAAP, civil aircraft and generic pharma exemptions (retroactive)",
    "2025-09-08": "EO 14346: Annex II amendment",
    "2025-09-16": "EO 14345: Japan autos and parts 15%",
    "2025-10-14": "Proclamation 10976: lumber 10%, upholstered furniture and kitchen cabinets 25%",
    "2025-11-01": "Proclamation 10984 trucks and buses; Korea autos and parts 15% (retroactive)",
    "2025-11-09": "USTR maritime Section 301: cranes and chassis 100% (suspended the next day)",
    "2025-11-10": "EO of 4 Nov 2025: China fentanyl 10%; maritime 301 suspended",
    "2025-11-13": "EO of 14 Nov 2025: agricultural Annex II additions; Brazil relief (retroactive)",
    "2025-11-14": "Korea 15% floor (90 FR 55964) and Swiss/Liechtenstein 15% floor (90 FR 59281)",
    "2026-01-01": "HTS 2026 basic edition; Section 301 review step-ups of 1 Jan 2026",
    "2026-01-15": "Proclamation of 14 Jan 2026: semiconductors 25% (9903.79.01)",
    "2026-02-07": "India Russian-oil duty terminated (9903.01.84 compiler's note); Section 201 CSPV "
    "safeguard expired (Proclamation 10339)",
    "2026-02-24": "IEEPA collection stops; Proclamation 11012: Section 122 10%",
    "2026-04-06": "Proclamation of 2 Apr 2026: metal annexes 1a/1b/2/3 (HTS 2026 rev 5)",
    "2026-05-01": "US-Taiwan agreement: Taiwan auto parts and vehicles 15%",
    "2026-06-08": "Proclamation 11032 metal tiers (HTS 2026 rev 10)",
}


def test_schedule_changes_only_on_legal_event_dates(shared_data: Path) -> None:
    import datetime as dt

    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    f = default_flows()
    c = load_schedule().compile(
        hs10=f.hs10,
        origin=f.origin,
        start=dt.date(2025, 1, 1),
        end=dt.date(2026, 7, 1),
        shares=f.shares,
    )
    unexplained = [str(b) for b in c.breaks if str(b) not in LEGAL_EVENTS]
    assert not unexplained, f"schedule changes on dates with no legal event: {unexplained}"
    # Spot values (hand-computed, import-weighted over 2024 flows, not asserted exactly): China's
    # rate must jump on 9 Apr 2025 and fall on 14 May 2025 (EO 14259/14266, EO 14298).
    import numpy as np

    i = f.origin == "CHN"
    w = f.value_usd[i] / f.value_usd[i].sum()
    r = {str(b): float(c.total[k, i] @ w) for k, b in enumerate(c.breaks)}
    assert r["2025-04-10"] > r["2025-04-09"] > r["2025-04-05"] + 0.3
    assert r["2025-05-14"] < r["2025-04-10"] - 0.5
    assert np.isfinite(list(r.values())).all()
