"""Section 301 product exclusions: HTS heading dates, footnoted lines, and the library list built on them.

Expected values come from the HTS editions of ../shared/data/usitc_hts (article descriptions of
9903.88.69 / 9903.88.70 and the "See 9903.88.69." footnotes) and the USTR notices cited in
docs/s301-exclusions.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tariffsim.core.errors import InputError
from tariffsim.data import s301_exclusions as sx

LIB = (
    Path(__file__).resolve().parents[2]
    / "src/tariffsim/jurisdictions/us/lists_s301_exclusions.yaml"
)
D = dt.date


def test_parse_period_through_and_before() -> None:
    # HTS 2025 basic 9903.88.69: "on or after June 15, 2024 and through May 31, 2025" -> the last
    # day is included, so the half-open end is 1 Jun 2025.
    assert sx.parse_period(
        "Effective with respect to entries on or after June 15, 2024 and through May 31, 2025, "
        "articles the product of China"
    ) == (D(2024, 6, 15), D(2025, 6, 1))
    # HTS 2025 basic 9903.88.70: "on or after January 1, 2024, and before June 1, 2025".
    assert sx.parse_period(
        "Effective with respect to entries on or after January 1, 2024, and before June 1, 2025,"
    ) == (D(2024, 1, 1), D(2025, 6, 1))


def test_parse_period_rejects_text_without_dates() -> None:
    with pytest.raises(InputError):
        sx.parse_period("Articles the product of China, as provided for in U.S. note 20(vvv)")


def test_heading_periods_follow_the_extensions(shared_data) -> None:
    # The end written in 9903.88.69 moves with each USTR extension: 31 May 2025 (89 FR 46948),
    # 31 Aug 2025 (rev 14), 29 Nov 2025 (rev 21, 90 FR 42500), 9 Nov 2026 (rev 31).
    ends = {
        e: sx.heading_period(e, "9903.88.69").end
        for e in ("2025_basic", "2025_rev_14", "2025_rev_21", "2025_rev_31", "2026_rev_10")
    }
    assert ends == {
        "2025_basic": D(2025, 6, 1),
        "2025_rev_14": D(2025, 9, 1),
        "2025_rev_21": D(2025, 11, 30),
        "2025_rev_31": D(2026, 11, 10),
        "2026_rev_10": D(2026, 11, 10),
    }
    www = sx.heading_period("2025_rev_14", "9903.88.70")
    assert (www.start, www.end) == (D(2024, 1, 1), D(2025, 9, 1))
    # the reinstated exclusions' heading, still printed in 2025 basic: 12 Oct 2021 through 14 Jun 2024
    ttt = sx.heading_period("2025_basic", "9903.88.67")
    assert (ttt.start, ttt.end) == (D(2021, 10, 12), D(2024, 6, 15))


def test_footnoted_lines(shared_data) -> None:
    # 141 lines cite 9903.88.69 and 3 cite 9903.88.70 in the 2025 basic edition, e.g. the
    # printed circuit assemblies 8473.30.11.80 and the wafer-making machines 8486.10.00.00.
    vvv = sx.footnoted_lines("2025_basic", "9903.88.69")
    www = sx.footnoted_lines("2025_basic", "9903.88.70")
    assert len(vvv) == 141 and len(www) == 3
    assert "8473301180" in vvv and "8473301140" not in vvv
    assert www == ["8486100000", "8486200000", "8486400030"]


def test_library_list_matches_the_hts(shared_data) -> None:
    # The inline list shipped in the library equals what the HTS editions say, lines and dates.
    m = sx.exclusion_membership()
    lib = yaml.safe_load(LIB.read_text(encoding="utf-8"))["lists"]
    for name, heading in (
        ("s301_exclusions_vvv", "9903.88.69"),
        ("s301_exclusions_www", "9903.88.70"),
    ):
        sub = m.filter(m["heading"] == heading)
        items = sorted(str(x).replace(".", "") for x in lib[name]["items"])
        assert items == sorted(sub["hts10"].to_list())
        assert {lib[name]["start"]} == set(sub["start"].to_list())
        assert {lib[name]["end"]} == set(sub["end"].to_list())
    # 9903.88.69 continues 9903.88.67 (from 12 Oct 2021); both end with entries through 9 Nov 2026
    assert lib["s301_exclusions_vvv"]["start"] == D(2021, 10, 12)
    assert lib["s301_exclusions_www"]["start"] == D(2024, 1, 1)
    assert lib["s301_exclusions_vvv"]["end"] == lib["s301_exclusions_www"]["end"] == D(2026, 11, 10)


def test_yaml_items_prints_dotted_codes(shared_data) -> None:
    block = sx.yaml_items("9903.88.70")
    assert '"8486.10.00.00", "8486.20.00.00", "8486.40.00.30"' in block


def test_exclusion_applies_from_the_bundle_alone(tmp_path) -> None:
    # With TARIFFSIM_DATA pointed at an empty folder the schedule runs on the default bundle: the
    # excluded line 8473.30.11.80 pays no Section 301 on 1 Jul 2024 (HTS 9903.88.69), its list-3
    # sibling 8473.30.11.40 pays 25% (HTS 9903.88.03; 8473.30.11 general Free).
    env = {**os.environ, "TARIFFSIM_DATA": str(tmp_path)}
    code = (
        "import datetime as d, json; from tariffsim.schedule import load_schedule; "
        "s = load_schedule(cache=False); "
        "print(json.dumps([s.rate('CHN', h, on=d.date(2024, 7, 1)).total_rate "
        "for h in ('8473301180', '8473301140')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == pytest.approx([0.0, 0.25])
