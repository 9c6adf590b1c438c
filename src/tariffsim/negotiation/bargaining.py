"""Rubinstein alternating offers: SPE shares, time pressure, outside options, mapping onto a frontier.

Pie of size 1; players discount one bargaining round by ``δ_a, δ_b ∈ [0, 1)``. The unique subgame
perfect equilibrium (Rubinstein 1982, Econometrica 50(1)) gives the first mover

    x* = (1 − δ_r) / (1 − δ_p δ_r)            (p = proposer, r = responder)

and the responder ``1 − x* = δ_r (1 − δ_p)/(1 − δ_p δ_r)``, agreed immediately.

**Time pressure.** With a round every ``Δ`` years, an interest/impatience rate ``r`` and a hazard
``h`` per year that talks break down exogenously (a deadline whose date is uncertain: a tariff
threat taking effect), continuing one round is worth ``δ = exp(−(r + h) Δ)`` (Binmore, Rubinstein
& Wolinsky 1986, RAND J. Econ. 17(2), §4: a breakdown risk acts like discounting). A known per-round
breakdown probability ``q`` gives ``δ = (1 − q) exp(−r Δ)``.

**Outside options** (Binmore, Shaked & Sutton 1989; Muthoo 1999, *Bargaining Theory with
Applications*, ch. 5): a responder may quit and take ``w_i``. With stationary proposer shares ``a``
(A proposes) and ``b`` (B proposes)

    a = 1 − max(w_b, δ_b b),    b = 1 − max(w_a, δ_a a),

a contraction with a unique fixed point. The *outside-option principle*: ``w_b`` matters only when it
exceeds what B gets by continuing, ``δ_b b``; otherwise the Rubinstein shares stand. When both
bind, ``a = 1 − w_b``.

**Limit.** As ``Δ → 0`` the SPE split converges to the asymmetric Nash solution with power
``α_a = r_b / (r_a + r_b)`` (Binmore, Rubinstein & Wolinsky 1986, Prop. 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import BargainingProblem
from tariffsim.negotiation.pareto import Frontier, pareto_frontier
from tariffsim.negotiation.solutions import Solution, ideal_point, nash_solution


def _check_delta(name: str, delta: float) -> float:
    d = float(delta)
    if not 0.0 <= d < 1.0:
        raise InputError(f"discount factor {name} must be in [0, 1), got {delta}")
    return d


def rubinstein_shares(
    delta_a: float, delta_b: float, *, first: Literal["a", "b"] = "a"
) -> tuple[float, float]:
    """SPE shares ``(x_a, x_b)`` of a unit pie when ``first`` proposes (Rubinstein 1982)."""
    da, db = _check_delta("delta_a", delta_a), _check_delta("delta_b", delta_b)
    if first == "a":
        xa = (1.0 - db) / (1.0 - da * db)
        return xa, 1.0 - xa
    if first == "b":
        xb = (1.0 - da) / (1.0 - da * db)
        return 1.0 - xb, xb
    raise InputError(f"first must be 'a' or 'b', got {first!r}")


def discount_factor(
    *,
    round_years: float,
    rate: float = 0.0,
    breakdown_hazard: float = 0.0,
    breakdown_probability: float | None = None,
) -> float:
    """``δ = exp(−(r + h) Δ)``, or ``(1 − q) exp(−r Δ)`` with a per-round breakdown probability ``q``.

    ``round_years``: time between offers (e.g. 14/365 for fortnightly rounds); ``rate``: impatience
    per year; ``breakdown_hazard``: expected breakdowns per year (1/expected years to the deadline).
    """
    if round_years <= 0 or rate < 0 or breakdown_hazard < 0:
        raise InputError("round_years must be > 0, rate and breakdown_hazard ≥ 0")
    if breakdown_probability is not None:
        if not 0.0 <= breakdown_probability < 1.0:
            raise InputError("breakdown_probability must be in [0, 1)")
        return (1.0 - breakdown_probability) * math.exp(-rate * round_years)
    return math.exp(-(rate + breakdown_hazard) * round_years)


def discount_from_deadline(*, round_days: float, expected_days: float, rate: float = 0.0) -> float:
    """Discount factor when talks may end at a deadline expected ``expected_days`` away
    (exponential hazard ``1/expected_days``), rounds every ``round_days``, impatience ``rate``/yr."""
    if expected_days <= 0:
        raise InputError("expected_days must be positive")
    return discount_factor(
        round_years=round_days / 365.0, rate=rate, breakdown_hazard=365.0 / expected_days
    )


def shares_with_outside_options(
    delta_a: float,
    delta_b: float,
    *,
    outside_a: float = 0.0,
    outside_b: float = 0.0,
    first: Literal["a", "b"] = "a",
    tol: float = 1e-14,
) -> tuple[float, float]:
    """SPE shares with outside options ``w_a, w_b`` (shares of the pie, ``w_a + w_b < 1``).

    Fixed point of ``a = 1 − max(w_b, δ_b b)``, ``b = 1 − max(w_a, δ_a a)`` (module docstring);
    returns ``(x_a, x_b)`` for the first proposer's offer, accepted at once.
    """
    da, db = _check_delta("delta_a", delta_a), _check_delta("delta_b", delta_b)
    wa, wb = float(outside_a), float(outside_b)
    if wa < 0 or wb < 0 or wa + wb >= 1.0:
        raise InputError(
            f"outside options must be ≥ 0 with w_a + w_b < 1 (a surplus to share), got {wa}, {wb}"
        )
    a = 1.0
    for _ in range(10_000):  # contraction with modulus δ_a δ_b
        b = 1.0 - max(wa, da * a)
        a_new = 1.0 - max(wb, db * b)
        if abs(a_new - a) <= tol:
            a = a_new
            break
        a = a_new
    b = 1.0 - max(wa, da * a)
    # polish: closed form of the regime the iteration landed in (which options bind)
    bind_a, bind_b = wa > da * a, wb > db * b
    if bind_a and bind_b:
        a, b = 1.0 - wb, 1.0 - wa
    elif bind_b:
        a = 1.0 - wb
        b = 1.0 - da * a
    elif bind_a:
        b = 1.0 - wa
        a = 1.0 - db * b
    else:
        a = (1.0 - db) / (1.0 - da * db)
        b = (1.0 - da) / (1.0 - da * db)
    if first == "a":
        return a, 1.0 - a
    if first == "b":
        return 1.0 - b, b
    raise InputError(f"first must be 'a' or 'b', got {first!r}")


def shares_with_fixed_costs(
    cost_a: float, cost_b: float, *, first: Literal["a", "b"] = "a"
) -> tuple[float, float] | tuple[tuple[float, float], tuple[float, float]]:
    """SPE shares when each round costs ``c_i`` (a share of the pie) instead of discounting.

    Rubinstein (1982, §5; Osborne & Rubinstein 1990, *Bargaining and Markets*, §3.9.2), pie 1, with
    the first proposer ``p`` and responder ``r``: if ``c_p < c_r`` the proposer takes everything
    ``(1, 0)``; if ``c_p > c_r`` the proposer gets ``c_r``; if ``c_p = c_r = c < 1`` every split
    with proposer share in ``[c, 1]`` is an SPE — then the pair of extreme splits is returned
    ``((c, 1 − c), (1, 0))`` (in (a, b) order).
    """
    ca, cb = float(cost_a), float(cost_b)
    if not (0.0 < ca < 1.0 and 0.0 < cb < 1.0):
        raise InputError(f"per-round costs must be in (0, 1), got {cost_a}, {cost_b}")
    if first not in ("a", "b"):
        raise InputError(f"first must be 'a' or 'b', got {first!r}")
    cp, cr = (ca, cb) if first == "a" else (cb, ca)

    def ab(xp: float) -> tuple[float, float]:
        return (xp, 1.0 - xp) if first == "a" else (1.0 - xp, xp)

    if cp < cr:
        return ab(1.0)
    if cp > cr:
        return ab(cr)
    return ab(cp), ab(1.0)


def nash_limit_power(rate_a: Any, rate_b: Any) -> Any:
    """Bargaining power of A in the Δ → 0 limit: ``r_b / (r_a + r_b)`` (BRW 1986).

    Scalars or arrays (elementwise); every rate must be positive."""
    ra, rb = np.asarray(rate_a, dtype=float), np.asarray(rate_b, dtype=float)
    if np.any(ra <= 0) or np.any(rb <= 0):
        raise InputError("rates must be positive")
    out = rb / (ra + rb)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class RubinsteinResult:
    shares: tuple[float, float]
    outside_binds: tuple[bool, bool]
    solution: Solution | None


def rubinstein_on_frontier(
    problem: BargainingProblem,
    *,
    delta_a: float,
    delta_b: float,
    first: Literal["a", "b"] = "a",
    outside: tuple[float, float] | None = None,
    frontier: Frontier | None = None,
) -> RubinsteinResult:
    """Map the SPE split onto a package frontier.

    Normalised gains ``ĝ_i = (u_i − d_i)/(I_i − d_i)`` (``I`` the ideal point) turn the frontier into
    a "pie" with ``ĝ`` in ``[0, 1]``. The SPE split ``(x_a, x_b)`` is mapped to the frontier point on
    the ray from ``d`` in direction ``(x_a, x_b)`` of normalised-gain space; on a discrete frontier,
    the point maximising ``min(ĝ_a / x_a, ĝ_b / x_b)`` (ties: larger ``ĝ_a + ĝ_b``) — the same leximin
    rule as Kalai–Smorodinsky, which is the case ``x_a = x_b``. ``outside`` are outside-option
    utilities (same units as the utilities), converted to pie shares by the same normalisation.
    """
    f = frontier if frontier is not None else pareto_frontier(problem)
    ideal = ideal_point(problem, frontier=f)
    da, db = problem.reservation
    if outside is None:
        shares = rubinstein_shares(delta_a, delta_b, first=first)
        binds = (False, False)
    else:
        if ideal is None:
            return RubinsteinResult((float("nan"), float("nan")), (False, False), None)
        wa = max(0.0, (outside[0] - da) / (ideal[0] - da))
        wb = max(0.0, (outside[1] - db) / (ideal[1] - db))
        shares = shares_with_outside_options(
            delta_a, delta_b, outside_a=wa, outside_b=wb, first=first
        )
        plain = rubinstein_shares(delta_a, delta_b, first=first)
        binds = (shares[0] > plain[0] + 1e-12, shares[1] > plain[1] + 1e-12)
    if ideal is None or ideal[0] <= da or ideal[1] <= db:
        return RubinsteinResult(shares, binds, None)
    na = (f.utilities[:, 0] - da) / (ideal[0] - da)
    nb = (f.utilities[:, 1] - db) / (ideal[1] - db)
    ok = (na >= 0) & (nb >= 0)
    xa, xb = max(shares[0], 1e-12), max(shares[1], 1e-12)
    score = np.where(ok, np.minimum(na / xa, nb / xb), -np.inf)
    tied = np.flatnonzero(score == score.max())
    i = int(tied[np.argmax((na + nb)[tied])])
    pk = f.packages[i].copy()
    sol = Solution(
        "rubinstein",
        pk,
        (float(f.utilities[i, 0]), float(f.utilities[i, 1])),
        problem.agenda.describe(pk),
        {"shares": list(shares), "normalized_gains": [float(na[i]), float(nb[i])]},
    )
    return RubinsteinResult(shares, binds, sol)


def rubinstein_limit_solution(
    problem: BargainingProblem, *, rate_a: float, rate_b: float, frontier: Frontier | None = None
) -> Solution | None:
    """The Δ → 0 limit of Rubinstein bargaining: asymmetric Nash with power ``r_b/(r_a + r_b)``."""
    return nash_solution(problem, alpha=nash_limit_power(rate_a, rate_b), frontier=frontier)
