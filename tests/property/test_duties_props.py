"""Properties of the ETR aggregation on random tables (hypothesis): identities of the definitions.

ETR_G = Σ_G τ v / Σ_G v, so group duties sum to the total, authority points sum to the ETR, and the
daily series equals the one-day result on every day (docs/duties.md).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.duties.etr import duties_from_compiled, series_from_compiled
from tariffsim.duties.flows import Flows

ORIGINS = np.array(["JPN", "DEU", "FRA", "CHN", "MEX"])
HS = np.array(["8703230190", "2204210000", "9503000090", "0101210010", "7208100000"])


class RandomCompiled:
    def __init__(self, rng: np.random.Generator, n: int, k: int) -> None:
        days = np.sort(rng.choice(np.arange(1, 60), size=k - 1, replace=False))
        self.breaks = np.datetime64("2025-01-01") + np.concatenate([[0], days]).astype(
            "timedelta64[D]"
        )
        self.by_authority = {a: rng.uniform(0, 0.5, (k, n)) for a in ("mfn", "s232", "s301")}
        self.total = sum(self.by_authority.values())

    def segment_index(self, dates):
        d = np.asarray(dates, dtype="datetime64[D]")
        return np.searchsorted(self.breaks, d, side="right") - 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 40), k=st.integers(1, 6))
def test_identities(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    flows = Flows(
        hs10=rng.choice(HS, n),
        origin=rng.choice(ORIGINS, n),
        value_usd=rng.uniform(0, 1e6, n),
    )
    c = RandomCompiled(rng, n, k)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 3, 5)
    s = series_from_compiled(
        c, flows, start, end, by=("partner", "group"), eu_members=["DEU", "FRA"]
    )
    for day in (start, dt.date(2025, 2, 1), end - dt.timedelta(days=1)):
        r = duties_from_compiled(c, flows, day)
        row = s.daily.filter(s.daily["date"] == day).row(0, named=True)
        assert row["etr"] == pytest.approx(r.etr, rel=1e-9, abs=1e-12)
        for key in ("partner", "group", "chapter", "section"):
            assert r.by(key)["duty_usd"].sum() == pytest.approx(r.duty_usd, rel=1e-9, abs=1e-6)
        assert r.by("authority")["etr"].sum() == pytest.approx(r.etr, rel=1e-9, abs=1e-12)
        day_groups = s.by_group.filter((s.by_group["date"] == day) & (s.by_group["by"] == "group"))
        assert day_groups["duty_usd"].sum() == pytest.approx(r.duty_usd, rel=1e-9, abs=1e-6)
