"""Cross-check of the MFN / Section 301 / Section 232 measures with chapter 99 of the official HTS.

Expected values come from the USITC JSON exports in ``../shared/data/usitc_hts`` (read through
:func:`tariffsim.data.hts.load_revision`) and their publication dates (``revision_dates.csv``):
every rate of the measures ``s301_*`` and ``s232_*`` that names a chapter-99 ``heading`` must

* find that heading in an HTS revision published no later than 75 days after the value's start
  (retroactive implementations such as the EU auto rate of 1 Aug 2025, published 25 Sep 2025, are
  within that window; values dated in 2024 are checked against the 2025 basic edition, the first
  edition in the data), and
* carry the same percentage there: an additive rate r is a "+ r%" text ("The duty provided in the
  applicable subheading + 25%", or "a duty of 50% upon the value of the steel content"); an all-in
  floor f is a bare "f%" column-1 text (e.g. 9903.94.41 "15%").

The lists behind the measures are checked by size and by a few members whose status the HTS
footnotes state (e.g. 7208.51.00 "See note 16 to subchapter III").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

MEASURES = (
    Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "jurisdictions" / "us" / "measures"
)
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_BARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
WINDOW = dt.timedelta(days=75)


def _editions(shared: Path) -> list[tuple[str, dt.date]]:
    """(edition, publication date) in publication order, from revision_dates.csv."""
    out = []
    with open(shared / "usitc_hts" / "revision_dates.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rev = row["revision"]
            name = (
                "2025_basic"
                if rev == "basic"
                else (rev if rev.startswith("2026") else f"2025_{rev}")
            )
            out.append((name, dt.date.fromisoformat(row["effective_date"])))
    return out


@cache
def _ch99(edition: str) -> dict[str, str]:
    import polars as pl

    from tariffsim.data.hts import load_revision

    df = load_revision(edition).filter(pl.col("htsno").str.starts_with("9903."))
    return dict(
        zip(
            df.get_column("htsno").to_list(),
            df.get_column("general").fill_null("").to_list(),
            strict=True,
        )
    )


def _rates() -> list[tuple[str, dt.date, str, str, float]]:
    """(measure, start, heading, kind, value) for every rate of s301_*/s232_* that names a heading."""
    out = []
    for path in sorted([*MEASURES.glob("s301_*.yaml"), *MEASURES.glob("s232_*.yaml")]):
        m = yaml.safe_load(path.read_text())
        for v in m["values"]:
            start = v["start"]
            if v.get("rate") is not None and v.get("heading"):
                out.append((m["id"], start, v["heading"], "rate", float(v["rate"])))
            for spec in (v.get("rates") or {}).values():
                if isinstance(spec, dict) and spec.get("heading"):
                    kind = "floor" if "floor" in spec else "rate"
                    out.append((m["id"], start, spec["heading"], kind, float(spec[kind])))
    return out


def _matches(text: str, kind: str, value: float) -> bool:
    pct = round(value * 100, 4)
    if kind == "floor":
        m = _BARE.match(text)
        return bool(m) and abs(float(m.group(1)) - pct) < 1e-9
    if _BARE.match(text) and kind == "rate":
        # a bare column-1 text replaces the general rate; only the UK auto-parts 10% is written as
        # a floor in the library, so an additive rate must not match a bare text
        return False
    return any(abs(float(x) - pct) < 1e-9 for x in _PCT.findall(text))


RATES = _rates()


def test_every_measure_rate_is_collected() -> None:
    # The s301_*/s232_* files name a heading on 94 rates (count of `heading:` fields of rates that are
    # not null, Nov 2026); a floor of 90 guards against a parser slip that would skip most of them.
    assert len(RATES) >= 90
    ids = {r[0] for r in RATES}
    assert {
        "s301_china",
        "s301_china_4a",
        "s232_autos",
        "s232_steel",
        "s232_copper",
        "s232_semiconductors",
    } <= ids


@pytest.mark.parametrize(
    ("measure", "start", "heading", "kind", "value"), RATES, ids=lambda x: str(x)
)
def test_heading_carries_the_rate(
    shared_data: Path, measure: str, start: dt.date, heading: str, kind: str, value: float
) -> None:
    eds = _editions(shared_data)
    limit = max(start, dt.date(2025, 1, 1)) + WINDOW
    seen = []
    for name, published in eds:
        if published > limit:
            break
        text = _ch99(name).get(heading)
        if text is None:
            continue
        seen.append((name, text))
        if _matches(text, kind, value):
            return
    assert seen, f"{measure} {start}: heading {heading} is in no HTS revision published by {limit}"
    pytest.fail(
        f"{measure} {start}: {kind} {value} not in the texts of {heading}: {sorted({t for _, t in seen})}"
    )


def test_lists_resolve_with_expected_members() -> None:
    """Sizes and members of the lists, as the engine resolves them (source tables and inline items)."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    day = dt.date(2025, 9, 1)
    # 7208.51.00: "See note 16 to subchapter III, chapter 99" (HTS 2025 basic footnote) -> steel article
    assert s.rate("TUR", "7208510030", on=day).nonzero == {"s232_steel": 0.5}
    # 7610.10.00: chapter-76 derivative added 12 Mar 2025 (footnote to note 19 from rev 5), full value
    assert (
        s.rate("ARE", "7610100010", on=dt.date(2025, 3, 11)).nonzero.get("s232_aluminum", 0.0)
        == 0.0
    )
    assert s.rate("ARE", "7610100010", on=dt.date(2025, 3, 12)).nonzero.get("s232_aluminum") == 0.25
    # 8471 is a 4-digit entry of s232_auto_parts.txt but computers are not auto parts (excluded)
    assert "s232_auto_parts" not in s.rate("MYS", "8471300100", on=day).nonzero
