"""Inline product lists of the library that transcribe HTS footnotes are what the HTS footnotes say.

Expected values come from the official record: the USITC JSON exports of every edition in
``../shared/data/usitc_hts`` (2025 basic ... 2026 rev 10), read through
:func:`tariffsim.data.hts.load_revision`. A line whose footnote reads "See 9903.90.08." is enumerated
in U.S. note 30(b) to subchapter III of chapter 99 (Russia, 35% in lieu of column 2); "See
9903.90.09." in note 30(d) (70%). The notes themselves are not in the exports.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "tariffsim" / "jurisdictions" / "us"


def footnoted_lines(heading: str) -> set[str]:
    """Digits of the chapter 1-97 lines footnoted 'See <heading>' in any edition (shortest prefix)."""
    from tariffsim.data.hts import editions, load_revision

    pat = heading.replace(".", r"\.") + r"(\D|$)"
    found: set[str] = set()
    for ed in editions():
        rev = load_revision(ed)
        hit = rev.filter(
            pl.col("footnotes").str.contains(pat) & ~pl.col("digits").str.starts_with("99")
        )
        found.update(hit["digits"].to_list())
    return {x for x in found if not any(x != y and x.startswith(y) for y in found)}


def library_list(file: str, name: str) -> set[str]:
    lists = yaml.safe_load((LIBRARY / file).read_text())["lists"]
    return {str(i) for i in lists[name]["items"]}


@pytest.mark.parametrize(
    ("heading", "name", "count"),
    [("9903.90.08", "column2_russia_35", 553), ("9903.90.09", "column2_russia_70", 127)],
)
def test_russia_column2_lists_are_the_footnoted_lines(
    shared_data: Path, heading: str, name: str, count: int
) -> None:
    lines = footnoted_lines(heading)
    assert library_list("lists_column2.yaml", name) == lines
    # counted from the exports: 553 provisions (8- or 10-digit) for note 30(b), 127 for note 30(d)
    assert len(lines) == count


def civil_split(edition: str, subheadings: set[str]) -> tuple[set[str], set[str]]:
    """Statistical lines of ``subheadings`` that are civil / not civil by their HTS description."""
    from tariffsim.data.hts import mfn_table

    m = mfn_table(edition).filter(
        pl.col("hts10").str.slice(0, 8).is_in(list(subheadings)) & ~pl.col("hts8_only")
    )
    by8: dict[str, list[tuple[str, str]]] = {}
    for h, d in m.select("hts10", "description_full").rows():
        by8.setdefault(h[:8], []).append((h, d.lower()))
    civil: set[str] = set()
    other: set[str] = set()
    for h8, rows in by8.items():
        split = any("civil aircraft" in d for _, d in rows)
        for h, d in rows:
            if h8.startswith(("8801", "8802")):  # aircraft: civil = "other than military"
                (other if "military" in d else civil).add(h)
            elif "civil aircraft" in d:
                civil.add(h)
            elif split:
                other.add(h)
    return civil, other


def test_civil_aircraft_lines_follow_the_hts_descriptions(shared_data: Path) -> None:
    from tariffsim.data.lists import product_list

    fe = product_list("floor_exempt_products")
    atca = set(
        fe.filter((pl.col("category") == "civil_aircraft") & (pl.col("country_group") == "korea"))[
            "prefix"
        ]
    )
    assert len(atca) == 554
    civil: set[str] = set()
    other: set[str] = set()
    for ed in ("2025_basic", "2026_basic"):
        c, o = civil_split(ed, atca)
        civil |= c
        other |= o
    assert library_list("lists_civil_aircraft.yaml", "civil_aircraft_civil_lines") == civil
    assert library_list("lists_civil_aircraft.yaml", "civil_aircraft_noncivil_lines") == other
    # hand-checked examples: 8802.40.01.40 "Passenger transports" (not under "Military aircraft"),
    # 8409.10.00.40 "For use in civil aircraft"; 8802.40.01.15 "Fighters"; 8807.30.00.60 "Other"
    assert {"8802400140", "8409100040"} <= civil
    assert {"8802400115", "8807300060"} <= other
    assert len(civil) == 51 and len(other) == 39
