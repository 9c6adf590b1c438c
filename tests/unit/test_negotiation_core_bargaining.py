"""Rubinstein alternating offers against its closed forms (Rubinstein 1982; Muthoo 1999 ch. 5)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.bargaining import (
    discount_factor,
    discount_from_deadline,
    nash_limit_power,
    rubinstein_limit_solution,
    rubinstein_on_frontier,
    rubinstein_shares,
    shares_with_outside_options,
)
from tariffsim.negotiation.domain import AdditiveUtility, Agenda, BargainingProblem, numeric_issue
from tariffsim.negotiation.solutions import kalai_smorodinsky, nash_solution


def test_rubinstein_closed_form():
    # x* = (1 − δ_b)/(1 − δ_a δ_b): δ = 0.9 both → 0.1/0.19 = 10/19
    assert rubinstein_shares(0.9, 0.9) == pytest.approx((10 / 19, 9 / 19), abs=1e-15)
    # δ_a = 0.9, δ_b = 0.8, A first: 0.2/0.28 = 5/7
    assert rubinstein_shares(0.9, 0.8)[0] == pytest.approx(5 / 7, abs=1e-15)
    # B first: x_b = (1 − δ_a)/(1 − δ_a δ_b) = 0.1/0.28 = 5/14
    assert rubinstein_shares(0.9, 0.8, first="b")[1] == pytest.approx(5 / 14, abs=1e-15)
    # a perfectly impatient responder (δ_b = 0) gets nothing
    assert rubinstein_shares(0.5, 0.0) == (1.0, 0.0)
    with pytest.raises(InputError):
        rubinstein_shares(1.0, 0.5)


def test_outside_option_principle():
    # w_b = 0.4 < δ_b · b = 0.9 · 10/19 ≈ 0.474: does not bind → Rubinstein shares
    assert shares_with_outside_options(0.9, 0.9, outside_b=0.4)[0] == pytest.approx(
        10 / 19, abs=1e-14
    )
    # w_b = 0.6 binds: A offers exactly 1 − w_b
    assert shares_with_outside_options(0.9, 0.9, outside_b=0.6) == pytest.approx(
        (0.4, 0.6), abs=1e-14
    )
    # w_a = 0.7 binds in B's offer: b = 1 − 0.7, a = 1 − δ_b b = 1 − 0.9·0.3 = 0.73
    assert shares_with_outside_options(0.9, 0.9, outside_a=0.7)[0] == pytest.approx(0.73, abs=1e-14)
    # both bind (w_a = 0.46 > δ_a a = 0.45, w_b = 0.5 > δ_b b = 0.486): a = 1 − w_b = 0.5
    assert shares_with_outside_options(0.9, 0.9, outside_a=0.46, outside_b=0.5)[0] == pytest.approx(
        0.5, abs=1e-14
    )
    with pytest.raises(InputError):
        shares_with_outside_options(0.9, 0.9, outside_a=0.6, outside_b=0.5)


def test_discount_factors():
    # monthly rounds, 5 %/yr impatience, breakdown hazard 1/yr: exp(−1.05/12) = 0.916219...
    assert discount_factor(round_years=1 / 12, rate=0.05, breakdown_hazard=1.0) == pytest.approx(
        0.9162189, abs=1e-7
    )
    # per-round breakdown probability 0.1, no impatience → 0.9
    assert discount_factor(round_years=1.0, breakdown_probability=0.1) == pytest.approx(0.9)
    # deadline expected 90 days away, fortnightly rounds: exp(−14/90) = 0.855938...
    assert discount_from_deadline(round_days=14, expected_days=90) == pytest.approx(
        math.exp(-14 / 90)
    )


def test_nash_limit():
    # BRW 1986: δ_i = exp(−r_i Δ), Δ → 0 ⇒ x_a → r_b/(r_a + r_b)
    ra, rb, dt = 0.05, 0.15, 1e-6
    xa, _ = rubinstein_shares(math.exp(-ra * dt), math.exp(-rb * dt))
    assert xa == pytest.approx(nash_limit_power(ra, rb), abs=1e-5)
    assert nash_limit_power(ra, rb) == pytest.approx(0.75)


def _hand_problem():
    # same hand problem as test_negotiation_core_solutions: frontier (8,0),(7,3),(6,6),(3,7),(0,8)
    ag = Agenda((numeric_issue("x", [0, 1, 2], "u"), numeric_issue("y", [0, 1, 2], "u")))
    ua = AdditiveUtility(ag, (np.array([0.0, 1, 2]), np.array([0.0, 3, 6])))
    ub = AdditiveUtility(ag, (np.array([6.0, 3, 0]), np.array([2.0, 1, 0])))
    return BargainingProblem(ag, (ua, ub), (1.0, 1.0), ("A", "B"))


def test_rubinstein_on_frontier():
    p = _hand_problem()
    # equal patience, δ → 1: split ≈ (1/2, 1/2) — the KS (leximin) point (6,6)
    r = rubinstein_on_frontier(p, delta_a=0.999, delta_b=0.999)
    assert r.solution.utilities == kalai_smorodinsky(p).utilities == (6.0, 6.0)
    # a very patient A against an impatient B: x_a = 0.5/(1 − 0.99·0.5) ≈ 0.990 → (7,3),
    # normalised gains (1, 1/3): min(1/0.99, (1/3)/0.0099) picks the point with the most for A
    r2 = rubinstein_on_frontier(p, delta_a=0.99, delta_b=0.5)
    assert r2.shares[0] == pytest.approx(0.5 / (1 - 0.495))
    assert r2.solution.utilities == (7.0, 3.0)
    # B's outside option worth 6.5 (normalised (6.5 − 1)/(7 − 1) ≈ 0.917) binds → B-favoured point
    r3 = rubinstein_on_frontier(p, delta_a=0.9, delta_b=0.9, outside=(1.0, 6.5))
    assert r3.outside_binds == (False, True)
    assert r3.solution.utilities == (3.0, 7.0)
    assert (
        rubinstein_limit_solution(p, rate_a=0.1, rate_b=0.1).utilities == nash_solution(p).utilities
    )


def test_fixed_cost_rubinstein():
    from tariffsim.negotiation.bargaining import shares_with_fixed_costs

    # Osborne & Rubinstein (1990) §3.9.2: the cheaper-to-wait proposer takes all; the dearer gets c_r
    assert shares_with_fixed_costs(0.05, 0.10) == (1.0, 0.0)
    assert shares_with_fixed_costs(0.10, 0.05) == pytest.approx((0.05, 0.95))
    assert shares_with_fixed_costs(0.10, 0.05, first="b") == (0.0, 1.0)
    # equal costs: a continuum of SPE shares [c, 1] for the proposer
    assert shares_with_fixed_costs(0.1, 0.1) == ((0.1, 0.9), (1.0, 0.0))
    with pytest.raises(InputError):
        shares_with_fixed_costs(0.0, 0.1)
