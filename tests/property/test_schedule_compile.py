"""Property tests: the vectorised compiler equals the entry-by-entry engine.

``Schedule.rate`` (plain Python, one entry) and ``Schedule.compile`` (arrays, segments) are
independent implementations of the same rules (docs/measure-format.md); on random rows and dates of
the synthetic library they must agree, and totals must equal the sum of the parts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
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
            r = sched.rate(o, h, d, basis="flows", alternatives=False)
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
        r = sched.rate(o, h, day, shares={"usmca": usmca}, basis="flows", alternatives=False)
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
            r = ext.rate(
                o, h, d, shares=given_shares, allow_family=True, basis="flows", alternatives=False
            )
            assert c.total[i, j] == pytest.approx(r.total_rate, abs=1e-12)
            for a, arr in c.by_authority.items():
                assert arr[i, j] == pytest.approx(r.by_authority().get(a, 0.0), abs=1e-12)


# --- the features library (claims, in-transit, publication dates, dated exceptions, product of
# shares): one entry at a time and the arrays must still agree, on the entry basis -------------

HS_FEAT = ["8409100000", "8802400070", "6110200000", "8703230190", "8471300100", "8429521010"]
HS_FEAT += [h for h in HS_EXT if h not in HS_FEAT]
FEAT_DAYS = st.lists(
    st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2025, 12, 31)), min_size=1, max_size=6
)
ORIGINS_FEAT = ["JPN", "DEU", "FRA", "CAN", "MEX", "CHN", "GBR", "BRA", "RUS", "VNM"]
CLAIMS_OF = {
    "JPN": [None, "japan", "civil_aircraft"],
    "CAN": [None, "usmca"],
    "MEX": [None, "usmca"],
}


@pytest.fixture(scope="module")
def feat(tmp_path_factory: pytest.TempPathFactory):
    return testing.load_features(tmp_path_factory.mktemp("feat"))


feature_rows = st.lists(
    st.tuples(
        st.sampled_from(HS_FEAT),
        st.sampled_from(ORIGINS_FEAT),
        st.integers(0, 2),  # claim index into CLAIMS_OF (None / the origin's program / C)
        st.one_of(
            st.none(), st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2025, 9, 1))
        ),
        st.one_of(st.none(), st.floats(0, 1)),  # declared steel content (None: not declared)
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=feature_rows,
    days=FEAT_DAYS,
    known=st.one_of(st.none(), st.dates(min_value=dt.date(2025, 1, 1), max_value=END)),
    content=st.one_of(st.none(), st.floats(0, 1)),
)
# in transit (loaded before the 9 Apr value, entered before 27 May); a claimed civil-aircraft part
@example(
    rows=[
        ("6110200000", "JPN", 1, dt.date(2025, 4, 1), None),
        ("6110200000", "JPN", 1, None, None),
    ],
    days=[dt.date(2025, 4, 9)],
    known=None,
    content=None,
)
@example(
    rows=[("8409100000", "DEU", 1, None, None), ("8409100000", "DEU", 0, None, 0.3)],
    days=[dt.date(2025, 9, 2), dt.date(2025, 10, 2)],
    known=None,
    content=0.3,
)
def test_entries_compiled_equal_single_entries(feat, rows, days, known, content) -> None:
    sched = feat.as_known_on(known) if known is not None else feat
    claims = []
    for _h, o, k, _l, _s in rows:
        opts = CLAIMS_OF.get(o, [None, "civil_aircraft"])
        claims.append(opts[k % len(opts)])
    hs = np.array([r[0] for r in rows])
    org = np.array([r[1] for r in rows])
    loaded = [r[3] for r in rows]
    steel = np.array([np.nan if r[4] is None else r[4] for r in rows])
    shares = {"steel_content": steel}
    if content is not None:
        shares["non_us_content"] = np.full(len(rows), content)
    lo, hi = min(days), max(days) + dt.timedelta(days=1)
    c = sched.compile(
        hs,
        org,
        lo,
        hi,
        shares=shares,
        claims=claims,
        basis="entry",
        loaded_on=[np.datetime64(x) if x else np.datetime64("NaT") for x in loaded],
    )
    idx = c.segment_index(np.array(days, dtype="datetime64[D]"))
    for d, i in zip(days, idx, strict=True):
        for j, (h, o, _k, ld, st_) in enumerate(rows):
            given = {} if st_ is None else {"steel_content": st_}
            if content is not None:
                given["non_us_content"] = content
            r = sched.rate(
                o,
                h,
                d,
                claim=claims[j],
                shares=given or None,
                loaded_on=ld,
                allow_family=True,
                alternatives=False,
            )
            assert c.total[i, j] == pytest.approx(r.total_rate, abs=1e-12), (h, o, d, claims[j])
            for a, arr in c.by_authority.items():
                assert arr[i, j] == pytest.approx(r.by_authority().get(a, 0.0), abs=1e-12)


def test_as_known_on_never_knows_more_than_the_full_law(feat) -> None:
    """A retroactive exemption published later is not known before its publication: the civil
    aircraft parts list (from 2025-09-01, published 2025-09-25) exempts a claimed French engine
    part from the reciprocal floor only as known from 2025-09-25 (synthetic: floor 15%, MFN 0 under
    the C claim → 15%)."""
    args = ("FRA", "8409100000", "2025-09-02")
    assert feat.as_known_on("2025-09-24").rate(*args, claim="C").total_rate == pytest.approx(0.15)
    assert feat.as_known_on("2025-09-25").rate(*args, claim="C").total_rate == 0.0
    assert feat.rate(*args, claim="C").total_rate == 0.0
    r = feat.rate(*args, claim="C", as_known_on="2025-09-10")
    assert r.as_known_on == dt.date(2025, 9, 10)


@settings(max_examples=300, deadline=None)
@given(
    codes=st.lists(
        st.text(
            alphabet=st.one_of(
                st.sampled_from("0123456789"),
                st.characters(codec="utf-8", exclude_categories=("Cs",)),
            ),
            min_size=0,
            max_size=10,
        ),
        min_size=1,
        max_size=8,
    )
)
@example(codes=["870323019\u0130"])  # U+0130: its low byte is the digit '0'
@example(codes=["\uff18\uff17\uff10\uff13\uff12\uff13\uff10\uff11\uff19\uff10"])  # full-width
def test_hs10_codes_reads_only_ten_ascii_digits(codes: list[str]) -> None:
    # Reference: Python's own reading, int(s) for a string of exactly ten ASCII digits; any other
    # string (fewer characters, a letter, a digit of another script) must be refused, never read.
    from tariffsim.core.errors import InputError
    from tariffsim.schedule.compile import hs10_codes

    arr = np.array(codes, dtype="<U10")
    valid = all(len(c) == 10 and c.isascii() and c.isdigit() for c in arr.tolist())
    if valid:
        assert hs10_codes(arr).tolist() == [int(c) for c in arr.tolist()]
    else:
        with pytest.raises(InputError):
            hs10_codes(arr)
