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
