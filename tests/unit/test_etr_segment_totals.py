"""``duties.etr.segment_totals`` (the per-segment tables the web keeps warm) against
``duties_on`` of the same rows on a day of each segment, and chunks adding up to the whole."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.duties.etr import duties_on, segment_totals
from tariffsim.duties.flows import Flows
from tariffsim.schedule import load_schedule


@pytest.fixture(scope="module")
def setup():
    s = load_schedule()
    flows = Flows(
        hs10=np.array(["8703230190", "8507600020", "7208390015", "2204215050", "8703230190"]),
        origin=np.array(["JPN", "CHN", "CAN", "DEU", "FRA"]),
        value_usd=np.array([3.0e10, 1.2e10, 2.0e9, 1.0e9, 4.0e9]),
        source="test rows",
    )
    lo, hi = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    starts = np.array([lo, *s.change_days(lo, hi)], dtype="datetime64[D]")
    c = s.compile(flows.hs10, flows.origin, lo, hi)
    return s, flows, starts, c


def test_totals_equal_duties_on_each_segment(setup):
    s, flows, starts, c = setup
    t = segment_totals(c, flows, starts, by=("partner", "group"), by_authority=("partner",))
    for k in (0, len(starts) // 2, len(starts) - 1):
        day = starts[k].astype(dt.date)
        ref = duties_on(day, flows=flows, schedule=s)
        assert t.duty_usd[k] == pytest.approx(ref.duty_usd, rel=1e-12)
        by_p = {r["key"]: r["duty_usd"] for r in ref.by("partner").iter_rows(named=True)}
        g = t.groups["partner"]
        for j, key in enumerate(g.keys):
            assert g.duty_usd[k, j] == pytest.approx(by_p[key], rel=1e-12)
        # points by authority add up to the total, per partner too
        assert t.duty_by_authority[k].sum() == pytest.approx(t.duty_usd[k], rel=1e-12)
        assert g.by_authority is not None
        np.testing.assert_allclose(g.by_authority[:, k, :].sum(axis=0), g.duty_usd[k], rtol=1e-12)
        # the group grouping: DEU + FRA form one "EU" key
        eu = list(t.groups["group"].keys).index("EU")
        assert t.groups["group"].duty_usd[k, eu] == pytest.approx(
            by_p["DEU"] + by_p["FRA"], rel=1e-12
        )
    assert t.imports_usd == pytest.approx(4.9e10)


def test_chunks_add_up(setup):
    s, flows, starts, c = setup
    keys = {"partner": np.unique(flows.origin.astype(str))}
    whole = segment_totals(c, flows, starts, by=("partner",), by_authority=("partner",), keys=keys)
    parts = []
    for rows in (np.arange(0, 2), np.arange(2, 5)):
        sub = flows.subset(rows)
        cc = s.compile(sub.hs10, sub.origin, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        parts.append(
            segment_totals(cc, sub, starts, by=("partner",), by_authority=("partner",), keys=keys)
        )
    both = parts[0] + parts[1]
    np.testing.assert_allclose(both.duty_usd, whole.duty_usd, rtol=1e-12)
    np.testing.assert_allclose(both.groups["partner"].duty_usd, whole.groups["partner"].duty_usd)
    np.testing.assert_allclose(
        both.groups["partner"].by_authority, whole.groups["partner"].by_authority
    )
    with pytest.raises(ValueError, match="not in keys"):
        segment_totals(c, flows, starts, by=("partner",), keys={"partner": np.array(["JPN"])})
