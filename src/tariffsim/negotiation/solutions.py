"""Bargaining solutions on a frontier: Nash, Kalai–Smorodinsky, joint welfare; the ZOPA; best-for.

Let ``d = (d_a, d_b)`` be the reservation (no-deal) utilities and ``g = u − d`` the gains.

* **Nash (1950)**: ``argmax (u_a − d_a)(u_b − d_b)`` over packages with both gains strictly
  positive; with bargaining power ``α`` (Kalai 1977; Roth 1979) ``argmax g_a^α g_b^(1−α)``, computed
  as ``α log g_a + (1−α) log g_b``.
* **Kalai–Smorodinsky (1975)**: on a continuous frontier, the point where the segment from ``d`` to
  the ideal point ``I = (max u_a, max u_b)`` (maxima over individually rational packages) meets the
  frontier, i.e. equal normalised gains ``ĝ_i = g_i / (I_i − d_i)``. On a *discrete* frontier no
  point need lie on that segment; we take the leximin point: ``argmax min(ĝ_a, ĝ_b)``, ties broken by
  the larger ``ĝ_a + ĝ_b``. It coincides with the continuous KS point whenever a frontier point lies
  on the segment, and it is always Pareto-optimal.
* **Joint welfare**: ``argmax w_a u_a + w_b u_b`` (default weights 1) over individually rational
  packages.

Each maximiser is strictly Pareto-optimal (the objectives increase in each utility, strictly on the
sets where they are taken), so evaluating them on the exact frontier is exact for the whole package
space. Individual rationality here is ``u_i ≥ d_i``; Nash and KS additionally need a point with both
gains ``> 0`` and return ``None`` otherwise (no agreement is better than no deal for both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import (
    ENUMERATION_LIMIT,
    AdditiveUtility,
    BargainingProblem,
)
from tariffsim.negotiation.pareto import Frontier, additive_frontier, pareto_frontier

AcceptFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class Solution:
    """A solution concept's package: level indices, utilities (one per party) and a description."""

    concept: str
    package: np.ndarray
    utilities: tuple[float, float]
    levels: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: levels in issue units plus utilities."""
        return {
            "concept": self.concept,
            "levels": self.levels,
            "utilities": list(self.utilities),
            **self.details,
        }


def _frontier(problem: BargainingProblem, frontier: Frontier | None) -> Frontier:
    return frontier if frontier is not None else pareto_frontier(problem)


def _solution(concept: str, problem: BargainingProblem, f: Frontier, i: int, **details: Any):
    pk = np.asarray(f.packages[i]).copy()
    return Solution(
        concept,
        pk,
        (float(f.utilities[i, 0]), float(f.utilities[i, 1])),
        problem.agenda.describe(pk),
        details,
    )


def nash_solution(
    problem: BargainingProblem, *, alpha: float = 0.5, frontier: Frontier | None = None
) -> Solution | None:
    """Nash bargaining solution; ``alpha`` is the first party's bargaining power (0.5 = symmetric).

    Returns ``None`` when no package gives both parties a strictly positive gain over no deal.
    """
    if not 0.0 < alpha < 1.0:
        raise InputError(f"bargaining power alpha must be in (0, 1), got {alpha}")
    f = _frontier(problem, frontier)
    da, db = problem.reservation
    ga = f.utilities[:, 0] - da
    gb = f.utilities[:, 1] - db
    ok = (ga > 0) & (gb > 0)
    if not ok.any():
        return None
    obj = np.full(ga.shape[0], -np.inf)
    obj[ok] = alpha * np.log(ga[ok]) + (1.0 - alpha) * np.log(gb[ok])
    i = int(np.argmax(obj))
    return _solution(
        "nash" if alpha == 0.5 else "nash_asymmetric",
        problem,
        f,
        i,
        alpha=alpha,
        nash_product=float(ga[i] ** alpha * gb[i] ** (1.0 - alpha)),
    )


def ideal_point(
    problem: BargainingProblem, *, frontier: Frontier | None = None
) -> tuple[float, float] | None:
    """``(max u_a, max u_b)`` over individually rational packages (``u ≥ d``); None if there are none."""
    f = _frontier(problem, frontier)
    da, db = problem.reservation
    ir = (f.utilities[:, 0] >= da) & (f.utilities[:, 1] >= db)
    if not ir.any():
        return None
    return float(f.utilities[ir, 0].max()), float(f.utilities[ir, 1].max())


def kalai_smorodinsky(
    problem: BargainingProblem, *, frontier: Frontier | None = None
) -> Solution | None:
    """Kalai–Smorodinsky solution on a discrete frontier: leximin of normalised gains (see module)."""
    f = _frontier(problem, frontier)
    ideal = ideal_point(problem, frontier=f)
    if ideal is None:
        return None
    da, db = problem.reservation
    span_a, span_b = ideal[0] - da, ideal[1] - db
    if span_a <= 0 or span_b <= 0:
        return None
    na = (f.utilities[:, 0] - da) / span_a
    nb = (f.utilities[:, 1] - db) / span_b
    ok = (na > 0) & (nb > 0)
    if not ok.any():
        return None
    mn = np.where(ok, np.minimum(na, nb), -np.inf)
    best = mn.max()
    tied = np.flatnonzero(mn == best)
    i = int(tied[np.argmax((na + nb)[tied])])
    return _solution(
        "kalai_smorodinsky",
        problem,
        f,
        i,
        normalized_gains=[float(na[i]), float(nb[i])],
        ideal=list(ideal),
    )


def max_joint_welfare(
    problem: BargainingProblem,
    *,
    weights: tuple[float, float] = (1.0, 1.0),
    individually_rational: bool = True,
    frontier: Frontier | None = None,
) -> Solution | None:
    """Utilitarian solution ``argmax w_a u_a + w_b u_b`` (weights ``> 0``)."""
    wa, wb = (float(w) for w in weights)
    if wa <= 0 or wb <= 0:
        raise InputError(f"welfare weights must be positive, got {weights}")
    f = _frontier(problem, frontier)
    obj = wa * f.utilities[:, 0] + wb * f.utilities[:, 1]
    if individually_rational:
        da, db = problem.reservation
        ir = (f.utilities[:, 0] >= da) & (f.utilities[:, 1] >= db)
        if not ir.any():
            return None
        obj = np.where(ir, obj, -np.inf)
    i = int(np.argmax(obj))
    return _solution("max_joint_welfare", problem, f, i, welfare=float(obj[i]), weights=[wa, wb])


# --------------------------------------------------------------------------------------------
# ZOPA
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Zopa:
    """Zone of possible agreement: packages both parties strictly prefer to no deal.

    ``size`` is exact when ``size_exact`` (enumerated), otherwise a Monte Carlo estimate with
    standard error ``size_se``. ``issue_bounds`` are exact in every case: for numeric issues
    ``{"min", "max", "unit"}``, for categorical ``{"levels": [...]}``. ``frontier`` is the part of
    the Pareto frontier inside the ZOPA.
    """

    size: float
    size_exact: bool
    size_se: float
    issue_bounds: dict[str, dict[str, Any]]
    frontier: Frontier

    @property
    def empty(self) -> bool:
        return len(self.frontier) == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "size_exact": self.size_exact,
            "size_se": self.size_se,
            "empty": self.empty,
            "issue_bounds": self.issue_bounds,
            "pareto_points": len(self.frontier),
        }


def _bounds_from_levels(problem: BargainingProblem, present: list[np.ndarray]) -> dict:
    out: dict[str, dict[str, Any]] = {}
    for j, issue in enumerate(problem.agenda.issues):
        idx = np.flatnonzero(present[j])
        if issue.kind == "numeric":
            vals = [issue.levels[i] for i in idx]
            out[issue.name] = {
                "min": min(vals) if vals else None,
                "max": max(vals) if vals else None,
                "unit": issue.unit,
            }
        else:
            out[issue.name] = {"levels": [issue.levels[i] for i in idx], "unit": issue.unit}
    return out


def zopa(
    problem: BargainingProblem,
    *,
    frontier: Frontier | None = None,
    limit: int = ENUMERATION_LIMIT,
    samples: int = 200_000,
    seed: int = 0,
) -> Zopa:
    """The ZOPA ``{p : u_a(p) > d_a and u_b(p) > d_b}`` of a bargaining problem.

    Explicit candidate sets and agendas of at most ``limit`` packages are enumerated (exact size and
    bounds). Larger unrestricted agendas: per-issue bounds are exact — level ``l`` of issue ``i``
    occurs in the ZOPA iff some point of the frontier of the *other* issues, plus ``l``'s utilities,
    clears both reservations (a dominating completion clears them too) — and the size is estimated
    from ``samples`` uniformly drawn packages.
    """
    f = _frontier(problem, frontier)
    da, db = problem.reservation
    inside = (f.utilities[:, 0] > da) & (f.utilities[:, 1] > db)
    fz = Frontier(
        f.agenda, f.packages[inside], f.utilities[inside], f.space_size, f.method + "+zopa"
    )
    ag = problem.agenda
    if not problem.is_unrestricted or ag.n_packages <= limit:
        pk = problem.candidate_packages(limit=limit)
        ut = problem.evaluate(pk)
        z = (ut[:, 0] > da) & (ut[:, 1] > db)
        present = [np.bincount(pk[z, j], minlength=ag.sizes[j]) > 0 for j in range(ag.k)]
        return Zopa(float(z.sum()), True, 0.0, _bounds_from_levels(problem, present), fz)
    ua, ub = problem.utilities
    present = []
    for j in range(ag.k):
        zero = np.zeros(ag.sizes[j])
        rest_a = AdditiveUtility(ag, (*ua.tables[:j], zero, *ua.tables[j + 1 :]), ua.constant)
        rest_b = AdditiveUtility(ag, (*ub.tables[:j], zero, *ub.tables[j + 1 :]), ub.constant)
        fr = additive_frontier((rest_a, rest_b)).utilities  # (n, 2)
        ok = (fr[None, :, 0] + ua.tables[j][:, None] > da) & (
            fr[None, :, 1] + ub.tables[j][:, None] > db
        )
        present.append(ok.any(axis=1))
    rng = np.random.default_rng(seed)
    sample = np.stack([rng.integers(0, s, samples) for s in ag.sizes], axis=1).astype(ag.dtype)
    ut = problem.evaluate(sample)
    share = float(((ut[:, 0] > da) & (ut[:, 1] > db)).mean())
    n = ag.n_packages
    se = float(np.sqrt(share * (1 - share) / samples)) * n
    return Zopa(share * n, False, se, _bounds_from_levels(problem, present), fz)


# --------------------------------------------------------------------------------------------
# Best package for one side subject to the other's acceptance
# --------------------------------------------------------------------------------------------
def best_for(
    party: str | int,
    problem: BargainingProblem,
    accept_prob: AcceptFn,
    min_acceptance: float,
    *,
    acceptance_utilities: Sequence[AdditiveUtility] | None = None,
    limit: int = ENUMERATION_LIMIT,
) -> Solution | None:
    """The package maximising ``party``'s utility subject to ``accept_prob(package) ≥ min_acceptance``.

    ``accept_prob`` is vectorised: ``(m, k)`` packages → ``(m,)`` probabilities (e.g. the product of
    ratification probabilities ``Φ((U_pivot − U_pivot(no deal))/σ)``).

    Exactness:

    * explicit candidate sets and agendas of at most ``limit`` packages: exhaustive, exact for any
      ``accept_prob``;
    * larger unrestricted agendas: if ``accept_prob`` is non-decreasing in each of the additive
      utilities ``acceptance_utilities`` (default: the other party's utility), the optimum lies on
      the Pareto frontier of ``(u_party, *acceptance_utilities)`` — a package dominated in those
      objectives is no more acceptable and no better for ``party`` than the one dominating it — and
      that frontier is computed exactly by the issue-wise merge. The result's ``details["exact"]``
      states which argument applied.

    Returns ``None`` when no package reaches the acceptance threshold.
    """
    if not 0.0 <= min_acceptance <= 1.0:
        raise InputError(f"min_acceptance must be in [0, 1], got {min_acceptance}")
    p = problem.party(party)
    u_self = problem.utilities[p]
    ag = problem.agenda
    if not problem.is_unrestricted or ag.n_packages <= limit:
        pk = problem.candidate_packages(limit=limit)
        method, assumption = "exhaustive", None
    else:
        acc = (
            tuple(acceptance_utilities)
            if acceptance_utilities is not None
            else (problem.utilities[1 - p],)
        )
        pk = additive_frontier((u_self, *acc)).packages
        method = "frontier-of-acceptance-objectives"
        assumption = "accept_prob non-decreasing in the acceptance utilities"
    if pk.shape[0] == 0:
        return None
    prob = np.asarray(accept_prob(pk), dtype=float).reshape(-1)
    if prob.shape[0] != pk.shape[0]:
        raise InputError("accept_prob must return one probability per package")
    ok = prob >= min_acceptance
    if not ok.any():
        return None
    us = u_self.evaluate(pk)
    obj = np.where(ok, us, -np.inf)
    best = obj.max()
    tied = np.flatnonzero(obj == best)
    i = int(tied[np.argmax(prob[tied])])  # among equals, the most acceptable
    row = pk[i]
    ut = problem.evaluate(row)[0]
    return Solution(
        f"best_for_{problem.names[p]}",
        np.asarray(row).copy(),
        (float(ut[0]), float(ut[1])),
        ag.describe(row),
        {
            "acceptance_probability": float(prob[i]),
            "min_acceptance": float(min_acceptance),
            "searched": int(pk.shape[0]),
            "method": method,
            "exact": True if assumption is None else f"exact if {assumption}",
        },
    )
