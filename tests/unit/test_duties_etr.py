"""ETR aggregation on a tiny table computed by hand (no data, no schedule engine).

A fake compiled schedule with two segments ([2025-01-01, 2025-03-01) and [2025-03-01, …)) and four
rows; every expected number below is worked out in the comments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fakes import FakeCompiled
from fakes import four_flows as _flows
from tariffsim.core.errors import InputError
from tariffsim.duties.etr import duties_from_compiled, group_matrix, series_from_compiled
from tariffsim.duties.sections import section_of_chapter, sections_of_chapters

EU = ["DEU", "FRA"]


def test_one_date_totals_and_groups() -> None:
    r = duties_from_compiled(FakeCompiled(), _flows(), dt.date(2025, 4, 1))
    # duties: JPN 100*0.275=27.5; DEU 200*0.275=55; FRA 50*0.15=7.5; CHN 150*0.10=15 -> 105 on 500
    assert r.duty_usd == pytest.approx(105.0)
    assert r.imports_usd == pytest.approx(500.0)
    assert r.etr == pytest.approx(0.21)
    g = {row["key"]: row for row in r.by("group", eu_members=EU).iter_rows(named=True)}
    # EU = DEU + FRA: (55 + 7.5) / 250 = 0.25
    assert g["EU"]["etr"] == pytest.approx(0.25)
    assert g["EU"]["duty_usd"] == pytest.approx(62.5)
    ch = {row["key"]: row["etr"] for row in r.by("chapter").iter_rows(named=True)}
    # chapter 87: (27.5+55)/300 = 0.275; 22: 0.15; 95: 0.10
    assert ch == pytest.approx({"87": 0.275, "22": 0.15, "95": 0.10})
    sec = {row["key"]: row["etr"] for row in r.by("section").iter_rows(named=True)}
    # 87 -> XVII, 22 -> IV, 95 -> XX (WCO sections)
    assert sec == pytest.approx({"XVII": 0.275, "IV": 0.15, "XX": 0.10})
    a = {row["key"]: row["etr"] for row in r.by("authority").iter_rows(named=True)}
    # mfn: (2.5+5+2.5)/500 = 0.02; s232: (25+50)/500 = 0.15; reciprocal: (5+15)/500 = 0.04; sum 0.21
    assert a == pytest.approx({"mfn": 0.02, "s232": 0.15, "ieepa_reciprocal": 0.04})
    assert sum(a.values()) == pytest.approx(r.etr)
    js = r.to_json("partner", top=2)
    assert [b["key"] for b in js["by"]] == ["DEU", "JPN"]  # largest duty first: 55, 27.5


def test_daily_series_maps_days_to_segments() -> None:
    s = series_from_compiled(
        FakeCompiled(),
        _flows(),
        dt.date(2025, 2, 27),
        dt.date(2025, 3, 3),
        by=("partner", "group"),
        eu_members=EU,
    )
    etr = s.daily["etr"].to_list()
    # 27, 28 Feb: segment 0 -> MFN only: (2.5+5+2.5+0)/500 = 0.02; 1, 2 Mar: 0.21 (see above)
    assert etr == pytest.approx([0.02, 0.02, 0.21, 0.21])
    assert s.daily["etr_s232"].to_list() == pytest.approx([0, 0, 0.15, 0.15])
    eu = s.by_group.filter((s.by_group["by"] == "group") & (s.by_group["key"] == "EU"))
    # EU before: (5 + 2.5)/250 = 0.03; after 0.25
    assert eu["etr"].to_list() == pytest.approx([0.03, 0.03, 0.25, 0.25])
    # revenue over the 4 days at annual duty 10, 10, 105, 105 -> 230/365
    assert s.revenue_usd() == pytest.approx(230 / 365)
    js = s.to_json()
    assert js[2]["by_authority"]["s232"] == pytest.approx(0.15)


def test_empty_range_is_an_input_error() -> None:
    with pytest.raises(InputError):
        series_from_compiled(FakeCompiled(), _flows(), dt.date(2025, 3, 1), dt.date(2025, 3, 1))


def test_group_matrix_is_one_hot() -> None:
    keys, s = group_matrix(np.array(["b", "a", "b"]))
    assert list(keys) == ["a", "b"]
    assert s.toarray().tolist() == [[0, 1], [1, 0], [0, 1]]


def test_sections_follow_wco_table() -> None:
    # WCO HS 2022: ch 01 -> I, 15 -> III, 27 -> V, 71 -> XIV, 77 (reserved) -> XV, 97 -> XXI
    assert [section_of_chapter(c) for c in (1, 15, 27, 71, 77, 97)] == [
        "I",
        "III",
        "V",
        "XIV",
        "XV",
        "XXI",
    ]
    assert list(sections_of_chapters(np.array([84, 85, 86, 0]))) == ["XVI", "XVI", "XVII", ""]
