"""Property tests: the vectorised compiler equals the entry-by-entry engine.

``Schedule.rate`` (plain Python, one entry) and ``Schedule.compile`` (arrays, segments) are
independent implementations of the same rules (docs/measure-format.md); on random rows and dates of
the synthetic library they must agree, and totals must equal the sum of the parts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffsim.schedule import testing

HS = [r[0] for r in testing.MFN_ROWS]
ORIGINS = ["JPN", "DEU", "FRA", "ITA", "CAN", "MEX", "CHN", "GBR", "BRA", "USA", "KOR"]
START, END = dt.date(2024, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def sched(tmp_path_factory: pytest.TempPathFactory):
    return testing.load(tmp_path_factory.mktemp("lib"))


rows_st = st.lists(
    st.tuples(st.sampled_from(HS), st.sampled_from(ORIGINS)), min_size=1, max_size=25
)
dates_st = st.lists(st.dates(min_value=START, max_value=END), min_size=1, max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_st, days=dates_st)
def test_compiled_equals_single_entry(sched, rows, days) -> None:
    hs = np.array([h for h, _ in rows])
    org = np.array([o for _, o in rows])
    lo, hi = min(days), max(days) + dt.timedelta(days=1)
    c = sched.compile(hs, org, lo, hi)
    idx = c.segment_index(np.array(days, dtype="datetime64[D]"))
    for d, i in zip(days, idx, strict=True):
        for j, (h, o) in enumerate(rows):
            r = sched.rate(o, h, d)
            assert c.total[i, j] == pytest.approx(r.total_rate, abs=1e-12)
            for a, arr in c.by_authority.items():
                assert arr[i, j] == pytest.approx(r.by_authority().get(a, 0.0), abs=1e-12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_st, day=st.dates(min_value=START, max_value=END), usmca=st.floats(0, 1))
def test_total_is_sum_of_parts(sched, rows, day, usmca) -> None:
    hs = np.array([h for h, _ in rows])
    org = np.array([o for _, o in rows])
    c = sched.compile(hs, org, day, shares={"usmca": np.full(len(rows), usmca)})
    np.testing.assert_allclose(sum(c.parts.values()), c.total, atol=1e-12)
    np.testing.assert_allclose(sum(c.by_authority.values()), c.total, atol=1e-12)
    for j, (h, o) in enumerate(rows):
        r = sched.rate(o, h, day, shares={"usmca": usmca})
        assert r.total_rate == pytest.approx(sum(p.rate for p in r.parts), abs=1e-15)
        assert c.total[0, j] == pytest.approx(r.total_rate, abs=1e-12)


# --- the extended synthetic library (column 2, list exceptions, declared and origin shares,
# value-level excluded_by, HTS8/HS6 fallbacks): the two evaluators must still agree ---------------

HS_EXT = HS + testing.FALLBACK_HS
ORIGINS_EXT = [*ORIGINS, "RUS"]


@pytest.fixture(scope="module")
def ext(tmp_path_factory: pytest.TempPathFactory):
    return testing.load_extended(tmp_path_factory.mktemp("ext"))


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(HS_EXT), st.sampled_from(ORIGINS_EXT)), min_size=1, max_size=20
    ),
    days=dates_st,
    usmca=st.floats(0, 1),
    adv=st.one_of(st.none(), st.floats(0, 1)),
)
def test_extended_compiled_equals_single_entry(ext, rows, days, usmca, adv) -> None:
    hs = np.array([h for h, _ in rows])
    org = np.array([o for _, o in rows])
    given_shares = {"usmca": usmca} | ({"advanced_semiconductor": adv} if adv is not None else {})
    lo, hi = min(days), max(days) + dt.timedelta(days=1)
    c = ext.compile(
        hs, org, lo, hi, shares={k: np.full(len(rows), v) for k, v in given_shares.items()}
    )
    assert c.missing_mfn == 0  # every code has a line, an HTS8 or a one-rate HS6 family
    idx = c.segment_index(np.array(days, dtype="datetime64[D]"))
    for d, i in zip(days, idx, strict=True):
        for j, (h, o) in enumerate(rows):
            r = ext.rate(o, h, d, shares=given_shares, allow_family=True)
            assert c.total[i, j] == pytest.approx(r.total_rate, abs=1e-12)
            for a, arr in c.by_authority.items():
                assert arr[i, j] == pytest.approx(r.by_authority().get(a, 0.0), abs=1e-12)
