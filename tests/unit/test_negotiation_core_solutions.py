"""Solution concepts on a hand-solved 2-issue × 3-level problem.

Issue x (the reciprocal rate, levels 0.10 / 0.15 / 0.24) and issue y (vehicle-standards recognition:
none / partial / full). Value tables (hand-chosen):

    A: x → [0, 1, 2],  y → [0, 3, 6]          B: x → [6, 3, 0],  y → [2, 1, 0]

so u_a = Tx_a + Ty_a, u_b = Tx_b + Ty_b. All nine packages (x level, y level) → (u_a, u_b):

    (0,0) → (0, 8)   (0,1) → (3, 7)   (0,2) → (6, 6)
    (1,0) → (1, 5)   (1,1) → (4, 4)   (1,2) → (7, 3)
    (2,0) → (2, 2)   (2,1) → (5, 1)   (2,2) → (8, 0)

Strict Pareto frontier (hand check: sort by u_a descending, keep rising u_b):
(8,0), (7,3), (6,6), (3,7), (0,8) — packages (2,2), (1,2), (0,2), (0,1), (0,0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import (
    AdditiveUtility,
    Agenda,
    BargainingProblem,
    categorical_issue,
    numeric_issue,
)
from tariffsim.negotiation.pareto import additive_frontier, brute_force_frontier, pareto_frontier
from tariffsim.negotiation.solutions import (
    best_for,
    ideal_point,
    kalai_smorodinsky,
    max_joint_welfare,
    nash_solution,
    zopa,
)

AGENDA = Agenda(
    (
        numeric_issue("reciprocal_rate", [0.10, 0.15, 0.24], "rate"),
        categorical_issue("vehicle_standards", ["none", "partial", "full"]),
    )
)
UA = AdditiveUtility(AGENDA, (np.array([0.0, 1, 2]), np.array([0.0, 3, 6])))
UB = AdditiveUtility(AGENDA, (np.array([6.0, 3, 0]), np.array([2.0, 1, 0])))


def problem(d=(1.0, 1.0)) -> BargainingProblem:
    return BargainingProblem(AGENDA, (UA, UB), d, ("USA", "JPN"))


def test_frontier_hand_solved():
    f = additive_frontier((UA, UB))
    # hand frontier (module docstring), ordered by u_a descending
    assert f.utilities.tolist() == [[8, 0], [7, 3], [6, 6], [3, 7], [0, 8]]
    assert f.packages.tolist() == [[2, 2], [1, 2], [0, 2], [0, 1], [0, 0]]
    b = brute_force_frontier((UA, UB))
    assert b.utilities.tolist() == f.utilities.tolist()


def test_nash_symmetric_hand():
    # d = (1, 1); gains products: (7,3) → 6·2 = 12, (6,6) → 5·5 = 25, (3,7) → 2·6 = 12;
    # (8,0) and (0,8) leave one side below d.
    s = nash_solution(problem())
    assert s is not None
    assert s.utilities == (6.0, 6.0)
    assert s.levels == {"reciprocal_rate": 0.10, "vehicle_standards": "full"}
    assert s.details["nash_product"] == pytest.approx(5.0)  # sqrt(25)


def test_nash_asymmetric_hand():
    # α = 0.9: (7,3) → 6^0.9 · 2^0.1 = e^(0.9 ln 6 + 0.1 ln 2) ≈ 5.376 beats (6,6) → 5 and
    # (3,7) → 2^0.9 · 6^0.1 ≈ 2.23.
    s = nash_solution(problem(), alpha=0.9)
    assert s.utilities == (7.0, 3.0)
    assert s.details["nash_product"] == pytest.approx(
        math.exp(0.9 * math.log(6) + 0.1 * math.log(2))
    )


def test_kalai_smorodinsky_hand():
    # d = (1, 1): individually rational frontier (7,3), (6,6), (3,7) → ideal I = (7, 7);
    # normalised gains (6/6, 2/6), (5/6, 5/6), (2/6, 6/6): leximin → (6, 6) with min 5/6.
    assert ideal_point(problem()) == (7.0, 7.0)
    s = kalai_smorodinsky(problem())
    assert s.utilities == (6.0, 6.0)
    assert s.details["normalized_gains"] == pytest.approx([5 / 6, 5 / 6])


def test_kalai_smorodinsky_tie_break_and_difference_from_nash():
    # d = (0, 5): IR frontier (6,6), (3,7), (0,8); I = (6, 8), spans (6, 3).
    # Normalised: (6,6) → (1, 1/3); (3,7) → (1/2, 2/3); (0,8) → (0, 1).
    # KS (max of min) → (3,7) with min 1/2. Nash: (6,6) → 6·1 = 6, (3,7) → 3·2 = 6 — a tie;
    # argmax takes the first in frontier order (u_a descending) → (6,6).
    p = problem((0.0, 5.0))
    ks = kalai_smorodinsky(p)
    assert ks.utilities == (3.0, 7.0)
    assert ks.details["normalized_gains"] == pytest.approx([0.5, 2 / 3])
    assert nash_solution(p).utilities == (6.0, 6.0)


def test_max_joint_welfare_hand():
    # sums on the frontier: 8, 10, 12, 10, 8 → (6,6)
    assert max_joint_welfare(problem()).utilities == (6.0, 6.0)
    # weights (1, 4): 8, 19, 30, 31, 32 → (0,8), but u_a = 0 < d_a = 1, so IR → (3,7)
    assert max_joint_welfare(problem(), weights=(1, 4)).utilities == (3.0, 7.0)
    assert max_joint_welfare(problem(), weights=(1, 4), individually_rational=False).utilities == (
        0.0,
        8.0,
    )


def test_no_agreement_returns_none():
    p = problem((7.0, 7.0))  # nothing gives both strictly more than 7
    assert nash_solution(p) is None
    assert kalai_smorodinsky(p) is None
    assert zopa(p).empty


def test_zopa_hand():
    # d = (2, 2), strict: (0,1) 3,7 ✓  (0,2) 6,6 ✓  (1,1) 4,4 ✓  (1,2) 7,3 ✓  (2,0) 2,2 ✗ ... → 4
    z = zopa(problem((2.0, 2.0)))
    assert z.size == 4 and z.size_exact
    assert z.issue_bounds["reciprocal_rate"] == {"min": 0.10, "max": 0.15, "unit": "rate"}
    assert z.issue_bounds["vehicle_standards"]["levels"] == ["partial", "full"]
    # frontier inside the ZOPA: (7,3), (6,6), (3,7)
    assert z.frontier.utilities.tolist() == [[7, 3], [6, 6], [3, 7]]


def test_zopa_bounds_without_enumeration_match():
    # limit=0 forces the frontier-of-the-other-issues argument for the bounds
    z = zopa(problem((2.0, 2.0)), limit=0, samples=20_000)
    assert not z.size_exact
    assert z.issue_bounds["reciprocal_rate"] == {"min": 0.10, "max": 0.15, "unit": "rate"}
    assert z.issue_bounds["vehicle_standards"]["levels"] == ["partial", "full"]
    # 4 of 9 packages: the estimate is within 4 standard errors
    assert abs(z.size - 4) <= 4 * z.size_se + 1e-9


def test_best_for_hand():
    # Japan (B) accepts with Φ((u_b − 4)/1); ≥ 0.8 needs u_b ≥ 4 + Φ⁻¹(0.8) = 4.8416:
    # packages with u_b ∈ {8, 7, 6, 5}; the best for the USA among them is (6,6).
    def accept(pk):
        return norm.cdf(UB.evaluate(pk) - 4.0)

    s = best_for("USA", problem(), accept, 0.8)
    assert s.utilities == (6.0, 6.0)
    assert s.details["acceptance_probability"] == pytest.approx(norm.cdf(2.0))
    assert s.details["exact"] is True
    # through the frontier argument (accept is increasing in u_b) — same answer
    s2 = best_for("USA", problem(), accept, 0.8, limit=0)
    assert s2.utilities == (6.0, 6.0)
    assert s2.details["method"] == "frontier-of-acceptance-objectives"
    # for Japan, with the USA accepting iff u_a ≥ 6.5 (prob 1 or 0): (7,3) is the only one → u_b 3
    s3 = best_for("JPN", problem(), lambda pk: (UA.evaluate(pk) >= 6.5).astype(float), 0.5)
    assert s3.utilities == (7.0, 3.0)
    assert best_for("USA", problem(), lambda pk: np.zeros(len(pk)), 0.5) is None


def test_candidate_restricted_problem():
    # a ratification filter that forbids full recognition: frontier over the 6 remaining packages
    # (0,0) 0,8  (0,1) 3,7  (1,0) 1,5  (1,1) 4,4  (2,0) 2,2  (2,1) 5,1 → frontier (5,1),(4,4),(3,7),(0,8)
    p = BargainingProblem(
        AGENDA, (UA, UB), (1.0, 1.0), ("USA", "JPN"), feasible=lambda pk: pk[:, 1] < 2
    )
    f = pareto_frontier(p)
    assert f.utilities.tolist() == [[5, 1], [4, 4], [3, 7], [0, 8]]
    # Nash with d = (1,1): (4,4) → 9, (3,7) → 12 → (3,7)
    assert nash_solution(p).utilities == (3.0, 7.0)


def test_errors():
    with pytest.raises(InputError):
        nash_solution(problem(), alpha=1.5)
    with pytest.raises(InputError):
        best_for("CHN", problem(), lambda pk: np.ones(len(pk)), 0.5)
