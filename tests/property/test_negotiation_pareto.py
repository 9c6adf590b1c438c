"""Property tests: the issue-wise Pareto merge and the solutions agree with brute force.

Reference: brute-force enumeration of every package of small random agendas (≤ 4^4 = 256 packages),
with integer-valued tables in a small range so that ties in utility are frequent.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.negotiation.domain import AdditiveUtility, Agenda, BargainingProblem, numeric_issue
from tariffsim.negotiation.pareto import (
    additive_frontier,
    brute_force_frontier,
    nondominated_2d,
    nondominated_nd,
)
from tariffsim.negotiation.solutions import (
    best_for,
    kalai_smorodinsky,
    max_joint_welfare,
    nash_solution,
    zopa,
)


@st.composite
def problems(draw, integer=None):
    k = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 4)) for _ in range(k)]
    ints = draw(st.booleans()) if integer is None else integer
    agenda = Agenda(tuple(numeric_issue(f"i{j}", range(n), "x") for j, n in enumerate(sizes)))

    def table(n):
        if ints:
            return np.asarray(draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), float)
        return np.asarray(
            draw(st.lists(st.floats(-1, 1, allow_nan=False, width=32), min_size=n, max_size=n)),
            float,
        )

    ua = AdditiveUtility(agenda, tuple(table(n) for n in sizes), draw(st.integers(-2, 2)))
    ub = AdditiveUtility(agenda, tuple(table(n) for n in sizes))
    d = (float(draw(st.integers(-4, 4))), float(draw(st.integers(-4, 4))))
    return BargainingProblem(agenda, (ua, ub), d, ("A", "B"))


def _naive_nd(pts):
    keep = []
    for i, p in enumerate(pts):
        dominated = any((q >= p).all() and (q > p).any() for q in pts)
        duplicate_earlier = any((pts[j] == p).all() for j in range(i))
        if not dominated and not duplicate_earlier:
            keep.append(i)
    return keep


@settings(max_examples=150, deadline=None)
@given(problems())
def test_merge_equals_brute_force(p):
    ua, ub = p.utilities
    merged = additive_frontier((ua, ub))
    brute = brute_force_frontier((ua, ub))
    assert sorted(map(tuple, merged.utilities.tolist())) == sorted(
        map(tuple, brute.utilities.tolist())
    )
    # every frontier point's back-tracked package really has those utilities (bit-exact)
    assert np.array_equal(ua.evaluate(merged.packages), merged.utilities[:, 0])
    assert np.array_equal(ub.evaluate(merged.packages), merged.utilities[:, 1])
    # strictly decreasing u_a, strictly increasing u_b along the frontier
    assert (np.diff(merged.utilities[:, 0]) < 0).all() and (
        np.diff(merged.utilities[:, 1]) > 0
    ).all()


@settings(max_examples=100, deadline=None)
@given(problems())
def test_solutions_on_frontier_equal_brute_force(p):
    # the solutions computed on the exact frontier equal their maximisation over every package
    pk = p.agenda.all_packages()
    ut = p.evaluate(pk)
    g = ut - np.asarray(p.reservation)
    pos = (g > 0).all(axis=1)
    nash = nash_solution(p)
    if not pos.any():
        assert nash is None
    else:
        best = (g[pos, 0] * g[pos, 1]).max()
        ga, gb = nash.utilities[0] - p.reservation[0], nash.utilities[1] - p.reservation[1]
        assert np.isclose(ga * gb, best, rtol=1e-12, atol=1e-12)
    ir = (g >= 0).all(axis=1)
    w = max_joint_welfare(p)
    if ir.any():
        assert np.isclose(sum(w.utilities), ut[ir].sum(axis=1).max(), rtol=1e-12, atol=1e-12)
    ks = kalai_smorodinsky(p)
    if ks is not None:
        ideal = ut[ir].max(axis=0)
        span = ideal - np.asarray(p.reservation)
        norm = g / span
        ok = (norm > 0).all(axis=1)
        best_min = norm[ok].min(axis=1).max()
        assert np.isclose(min(ks.details["normalized_gains"]), best_min, rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(problems(), st.floats(0.05, 0.95))
def test_best_for_frontier_argument_equals_exhaustive(p, threshold):
    # acceptance increasing in the other side's utility → the frontier search is exact
    ub = p.utilities[1]
    lo, hi = ub.min_value, ub.max_value

    def accept(pk):
        return (ub.evaluate(pk) - lo + 1e-9) / (hi - lo + 2e-9)

    exhaustive = best_for("A", p, accept, threshold)
    via_frontier = best_for("A", p, accept, threshold, limit=0)
    if exhaustive is None:
        assert via_frontier is None
    else:
        assert exhaustive.utilities[0] == via_frontier.utilities[0]


@settings(max_examples=60, deadline=None)
@given(problems(integer=True))
def test_zopa_bounds_without_enumeration(p):
    exact = zopa(p)
    fast = zopa(p, limit=0, samples=500)
    assert exact.issue_bounds == fast.issue_bounds
    assert exact.empty == fast.empty


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40
    )
)
def test_nondominated_nd_matches_naive(points):
    pts = np.asarray(points, dtype=float)
    assert sorted(nondominated_nd(pts).tolist()) == _naive_nd(pts)
    assert sorted(nondominated_2d(pts[:, 0], pts[:, 1]).tolist()) == _naive_nd(pts[:, :2])


def test_prefiltered_nondominated_2d_large():
    # the pre-filter (n > 200,000) must return exactly the plain sort-and-scan result
    from tariffsim.negotiation.pareto import _nondominated_2d_sorted

    rng = np.random.default_rng(0)
    for ints in (True, False):
        a = rng.integers(0, 40, 300_000).astype(float) if ints else rng.random(300_000)
        b = rng.integers(0, 40, 300_000).astype(float) if ints else rng.random(300_000)
        assert np.array_equal(
            np.sort(nondominated_2d(a, b)), np.sort(_nondominated_2d_sorted(a, b))
        )


@settings(max_examples=60, deadline=None)
@given(problems(integer=True), st.data())
def test_three_objective_merge_equals_brute_force(p, data):
    # a third additive objective (a ratification pivot's utility) — used by best_for
    sizes = p.agenda.sizes
    pivot = AdditiveUtility(
        p.agenda,
        tuple(
            np.asarray(data.draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n)), float)
            for n in sizes
        ),
    )
    objs = (*p.utilities, pivot)
    merged = additive_frontier(objs)
    brute = brute_force_frontier(objs)
    assert sorted(map(tuple, merged.utilities.tolist())) == sorted(
        map(tuple, brute.utilities.tolist())
    )

    # best_for with acceptance monotone in (u_b, pivot): frontier search equals exhaustive search
    def accept(pk):
        return ((p.utilities[1].evaluate(pk) >= 0) & (pivot.evaluate(pk) >= 0)).astype(float)

    ex = best_for("A", p, accept, 0.5)
    fr = best_for("A", p, accept, 0.5, acceptance_utilities=(p.utilities[1], pivot), limit=0)
    assert (ex is None) == (fr is None)
    if ex is not None:
        assert ex.utilities[0] == fr.utilities[0]


@settings(max_examples=100, deadline=None)
@given(
    st.integers(3, 4),
    st.sampled_from([1, 2, 5, None]),
    st.lists(st.lists(st.integers(0, 3), min_size=4, max_size=4), min_size=1, max_size=60),
)
def test_nondominated_nd_blocked_sweep(d, block, rows):
    # small blocks exercise the staircase (d = 3) and the dense front test (d = 4) across blocks
    pts = np.asarray(rows, dtype=float)[:, :d]
    assert sorted(nondominated_nd(pts, block=block).tolist()) == _naive_nd(pts)
