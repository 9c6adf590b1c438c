"""Exact Pareto frontiers of two-party (and few-objective) package spaces.

Dominance convention (strict Pareto). Package ``q`` dominates ``p`` when ``u(q) ≥ u(p)`` in every
objective and ``u(q) ≠ u(p)``. The frontier is the set of *distinct utility vectors* that no package
dominates; packages tied on every utility are interchangeable for both parties, so each frontier point
carries one representative package. Comparisons are exact floating-point comparisons (no tolerance):
the merge adds the tables in the same order as :meth:`AdditiveUtility.evaluate`, so both give
bit-identical sums.

Additive merge (exact, never enumerates). For additive utilities ``u = c + Σ_i T_i[l_i]``:

* a package using a level that is dominated *within its issue* is dominated (swap that level), so
  each issue contributes only its own non-dominated levels;
* the restriction of a Pareto-optimal package to issues ``1..j`` is Pareto-optimal for the sub-agenda
  ``1..j`` (otherwise swapping the prefix gives a dominating package).

Hence ``F_j = ND(F_{j-1} ⊕ L_j)`` where ``⊕`` is the Minkowski sum of utility points and ``ND`` the
non-dominated filter; ``F_k`` is the exact frontier. Each merge is one outer sum and one sort; back
pointers (parent point, level) recover every frontier point's package. For two objectives ``ND`` is
the classic sort-and-running-maximum (Kung, Luccio & Preparata 1975, J. ACM 22(4)): sort by ``u_a``
descending (ties: ``u_b`` descending) and keep a point iff its ``u_b`` is strictly above the running
maximum of the ``u_b`` before it. For ``d ≥ 3`` objectives (used by
:func:`tariffsim.negotiation.solutions.best_for` with several ratification pivots) ``ND`` is a
blocked pairwise test, ``O(n^2 d)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import (
    ENUMERATION_LIMIT,
    AdditiveUtility,
    Agenda,
    BargainingProblem,
)


@dataclass(frozen=True, eq=False)
class Frontier:
    """Pareto-optimal packages and their utilities.

    ``packages`` is ``(n, k)``; ``utilities`` is ``(n, d)`` (``d = 2`` for a bargaining problem:
    column 0 is the first party). Two-objective frontiers are sorted by column 0 descending, so
    column 1 is strictly increasing. ``space_size`` is the number of packages the frontier
    summarises; ``method`` says how it was computed (``"additive-merge"``, ``"candidates"``,
    ``"brute-force"``).
    """

    agenda: Agenda
    packages: np.ndarray
    utilities: np.ndarray
    space_size: int
    method: str

    def __len__(self) -> int:
        return int(self.packages.shape[0])

    def describe(self, i: int) -> dict:
        """Frontier point ``i`` as ``{issue: level value}``."""
        return self.agenda.describe(self.packages[i])


# --------------------------------------------------------------------------------------------
# Non-dominated filters on point sets
# --------------------------------------------------------------------------------------------
def nondominated_2d(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Indices of the strictly non-dominated, distinct points of ``(ua, ub)``.

    Returned in order of ``ua`` descending (``ub`` strictly increasing). Among points with
    identical ``(ua, ub)`` the one with the smallest index is kept. ``O(n log n)``.
    """
    ua = np.asarray(ua, dtype=float)
    ub = np.asarray(ub, dtype=float)
    n = ua.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.intp)
    if n > _PREFILTER_MIN:
        # Exact pre-filter: the frontier of a strided sample is a staircase of real points; a point
        # strictly dominated by a staircase point cannot be on the frontier. One binary search per
        # point (O(n log s)) replaces most of the O(n log n) sort.
        step = max(1, n // _PREFILTER_SAMPLE)
        anchors = np.arange(0, n, step)
        fa_idx = anchors[_nondominated_2d_sorted(ua[anchors], ub[anchors])]
        fa, fb = ua[fa_idx][::-1], ub[fa_idx][::-1]  # ua ascending, ub descending
        pos = np.searchsorted(fa, ua, side="left")  # first anchor with fa ≥ ua
        has = pos < fa.shape[0]
        posc = np.minimum(pos, fa.shape[0] - 1)
        ab, aa = fb[posc], fa[posc]
        dominated = has & ((ab > ub) | ((ab >= ub) & (aa > ua)))
        survivors = np.flatnonzero(~dominated)
        return survivors[_nondominated_2d_sorted(ua[survivors], ub[survivors])]
    return _nondominated_2d_sorted(ua, ub)


_PREFILTER_MIN = 200_000
_PREFILTER_SAMPLE = 8192


def _nondominated_2d_sorted(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    n = ua.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.intp)
    # lexsort: last key primary → ua desc, then ub desc, then index asc (stable)
    order = np.lexsort((np.arange(n), -ub, -ua))
    sb = ub[order]
    prev_max = np.empty(n)
    prev_max[0] = -np.inf
    np.maximum.accumulate(sb[:-1], out=prev_max[1:])
    keep = sb > prev_max
    return order[keep]


def nondominated_nd(points: np.ndarray, *, block: int | None = None) -> np.ndarray:
    """Indices of the strictly non-dominated, distinct rows of ``points`` (``(n, d)``).

    ``d ≤ 2``: :func:`nondominated_2d`. ``d ≥ 3``: sort lexicographically descending (then only an
    earlier point can dominate a later one, and an earlier *distinct* point that is ``≥`` in
    coordinates ``2..d`` dominates, since it is ``≥`` in the first) and sweep in blocks. By
    transitivity only the non-dominated points found so far (``F``) need to be tested against:

    * ``d = 3``: the 2-D staircase of ``F`` in coordinates (2, 3), kept up to date block by block,
      answers "is there a point of ``F`` with ``y ≥ y_i`` and ``z ≥ z_i``" by one binary search per
      point (the staircase point with the smallest ``y ≥ y_i`` has the largest such ``z``);
    * ``d ≥ 4``: a dense comparison with ``F``;

    plus a dense comparison inside the block. Returned in lexicographic-descending order.
    """
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2:
        raise InputError("points must be a 2-D array (n, d)")
    n, d = pts.shape
    if n == 0:
        return np.empty(0, dtype=np.intp)
    if d == 1:
        return np.asarray([int(np.argmax(pts[:, 0]))], dtype=np.intp)
    if d == 2:
        return nondominated_2d(pts[:, 0], pts[:, 1])
    if block is None:
        block = 64 if d == 3 else 512  # measured: the in-block test is O(b²), the sweep O(m/b)
    order = np.lexsort(tuple([np.arange(n)] + [-pts[:, j] for j in range(d - 1, -1, -1)]))
    sp = pts[order]
    # drop exact duplicates (keep the first in sorted order)
    dup = np.zeros(n, dtype=bool)
    dup[1:] = (sp[1:] == sp[:-1]).all(axis=1)
    sp = sp[~dup]
    order = order[~dup]
    m = sp.shape[0]
    kept: list[np.ndarray] = []  # positions (in sp) of non-dominated points, block by block
    front = np.empty((0, d))  # d ≥ 4: the non-dominated points so far
    stair = np.empty((0, 2))  # d = 3: their 2-D staircase in (y, z), y ascending, z descending
    for s in range(0, m, block):
        e = min(m, s + block)
        cand = sp[s:e]  # (b, d)
        dom = np.zeros(e - s, dtype=bool)
        if d == 3 and stair.shape[0]:
            pos = np.searchsorted(stair[:, 0], cand[:, 1], side="left")
            has = pos < stair.shape[0]
            dom = has & (stair[np.minimum(pos, stair.shape[0] - 1), 1] >= cand[:, 2])
        elif d > 3:
            for f0 in range(0, front.shape[0], block):
                fb = front[f0 : f0 + block, 1:]
                ge = np.all(fb[None, :, :] >= cand[:, None, 1:], axis=2)
                dom |= ge.any(axis=1)
        # inside the block: a distinct point ≥ in every coordinate dominates (it is necessarily
        # earlier in the lexicographic-descending order)
        geq = np.all(cand[None, :, :] >= cand[:, None, :], axis=2)  # geq[i, j]: j ≥ i everywhere
        np.fill_diagonal(geq, False)
        dom |= geq.any(axis=1)
        idx = np.flatnonzero(~dom) + s
        kept.append(idx)
        if d == 3:
            yz = np.concatenate([stair, sp[idx][:, 1:]], axis=0)
            st = _nondominated_2d_sorted(yz[:, 0], yz[:, 1])[::-1]
            stair = yz[st]
        else:
            front = np.concatenate([front, sp[idx]], axis=0)
    return order[np.concatenate(kept)]


# --------------------------------------------------------------------------------------------
# Frontiers
# --------------------------------------------------------------------------------------------
def additive_frontier(
    utilities: Sequence[AdditiveUtility], *, max_points: int = 20_000_000
) -> Frontier:
    """Exact strict Pareto frontier of additive utilities over the whole agenda, by issue-wise merge.

    ``utilities`` are 2 (a bargaining problem) or more objectives on one agenda. ``max_points``
    bounds the size of one merge (points before pruning) to protect memory; exceeded → InputError.
    """
    utilities = tuple(utilities)
    if not utilities:
        raise InputError("need at least one utility")
    agenda = utilities[0].agenda
    if any(u.agenda != agenda for u in utilities):
        raise InputError("all utilities must share one agenda")
    d = len(utilities)
    pts = np.asarray([[u.constant for u in utilities]], dtype=float)  # (1, d)
    parents: list[np.ndarray] = []
    levels: list[np.ndarray] = []
    for j in range(agenda.k):
        lv = np.stack([u.tables[j] for u in utilities], axis=1)  # (L, d)
        lv_keep = nondominated_nd(lv)  # only within-issue non-dominated levels matter
        lv_keep = np.sort(lv_keep)
        n, L = pts.shape[0], lv_keep.shape[0]
        if n * L > max_points:
            raise InputError(
                f"Pareto merge at issue {agenda.names[j]!r} would hold {n * L:,} points "
                f"(limit {max_points:,})",
                hint="coarsen the issue levels or raise max_points",
            )
        merged = pts[:, None, :] + lv[lv_keep][None, :, :]  # (n, L, d)
        merged = merged.reshape(n * L, d)
        keep = nondominated_nd(merged)
        pts = merged[keep]
        parents.append((keep // L).astype(np.int64))
        levels.append(lv_keep[keep % L].astype(agenda.dtype))
    # back-track packages
    m = pts.shape[0]
    packages = np.empty((m, agenda.k), dtype=agenda.dtype)
    idx = np.arange(m)
    for j in range(agenda.k - 1, -1, -1):
        packages[:, j] = levels[j][idx]
        idx = parents[j][idx]
    return Frontier(agenda, packages, pts, agenda.n_packages, "additive-merge")


def candidate_frontier(
    agenda: Agenda, packages: np.ndarray, utilities: np.ndarray, *, method: str = "candidates"
) -> Frontier:
    """Strict Pareto frontier of an explicit candidate set (any utilities, not only additive).

    ``packages`` ``(m, k)``, ``utilities`` ``(m, d)``. ``O(m log m)`` for ``d = 2``.
    """
    pk = agenda.validate(packages)
    ut = np.asarray(utilities, dtype=float)
    if ut.ndim != 2 or ut.shape[0] != pk.shape[0]:
        raise InputError("utilities must be (m, d) with one row per package")
    keep = nondominated_nd(ut)
    return Frontier(agenda, pk[keep], ut[keep], int(pk.shape[0]), method)


def brute_force_frontier(
    utilities: Sequence[AdditiveUtility], *, limit: int = ENUMERATION_LIMIT
) -> Frontier:
    """Frontier by enumerating every package (small agendas only; the reference for tests)."""
    utilities = tuple(utilities)
    agenda = utilities[0].agenda
    pk = agenda.all_packages(limit=limit)
    ut = np.stack([u.evaluate(pk) for u in utilities], axis=1)
    return candidate_frontier(agenda, pk, ut, method="brute-force")


def pareto_frontier(problem: BargainingProblem, *, limit: int = ENUMERATION_LIMIT) -> Frontier:
    """The frontier of a bargaining problem's agreeable packages.

    Unrestricted problems use the exact additive merge (any size). With a candidate set or a
    feasibility filter the frontier is computed over the explicit feasible candidates (the whole
    agenda filtered, when it has at most ``limit`` packages).
    """
    if problem.is_unrestricted:
        return additive_frontier(problem.utilities)
    if problem.candidates is None and problem.agenda.n_packages > limit:
        raise InputError(
            f"a feasibility filter on {problem.agenda.n_packages:,} packages needs an explicit "
            "candidate set",
            hint="pass candidates= (e.g. the additive frontier's packages or a filtered sample)",
        )
    pk = problem.candidate_packages(limit=limit)
    return candidate_frontier(problem.agenda, pk, problem.evaluate(pk))


def pareto_layers(
    problem: BargainingProblem, n_layers: int, *, limit: int = ENUMERATION_LIMIT
) -> list[Frontier]:
    """Successive non-dominated layers of an explicit candidate set (layer 0 = the frontier)."""
    pk = problem.candidate_packages(limit=limit)
    ut = problem.evaluate(pk)
    out: list[Frontier] = []
    alive = np.arange(pk.shape[0])
    for _ in range(n_layers):
        if alive.size == 0:
            break
        keep_local = nondominated_2d(ut[alive, 0], ut[alive, 1])
        # also drop exact utility duplicates of layer points from later layers? keep them: they are
        # equivalent packages and belong in the next layer's tie class.
        sel = alive[keep_local]
        out.append(Frontier(problem.agenda, pk[sel], ut[sel], int(pk.shape[0]), "layer"))
        mask = np.ones(alive.size, dtype=bool)
        mask[keep_local] = False
        alive = alive[mask]
    return out
