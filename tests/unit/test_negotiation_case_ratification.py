"""Two-level ratification: the probit line (location and σ apart), pivots in the bargaining solution."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tariffsim.negotiation.analysis import block_package, solve_central
from tariffsim.negotiation.case import load_case
from tariffsim.negotiation.ratification import ratify_probability, win_sets

TOY = Path(__file__).parent / "data" / "negotiation-toy.yaml"


def test_probit_formula_at_known_points() -> None:
    # Φ(0) = ½; Φ(1) = 0.841345; the line τ shifts the argument: Φ((u − u0 − τ)/σ)
    assert ratify_probability(1.0, 1.0, 2.0) == pytest.approx(0.5)
    assert ratify_probability(3.0, 1.0, 2.0) == pytest.approx(0.8413447, abs=1e-6)
    assert ratify_probability(3.0, 1.0, 2.0, threshold=2.0) == pytest.approx(0.5)


def test_pivot_probability_matches_the_formula() -> None:
    case = load_case(TOY)
    c = solve_central(case)
    pv = c.ratification.pivots[0]
    assert pv.name == "approval" and pv.party == "XXX" and pv.sigma == pytest.approx(0.5)
    pk = block_package(
        case, c.tables.blocks, {"tariff": 0.2, "buy": 4, "invest": 0, "terms": "partner_directed"}
    )
    u_b = float(c.problem.evaluate(pk[None, :])[0, 1])  # −2 − 0.2
    assert u_b == pytest.approx(-2.2)
    expected = 0.5 * (1 + math.erf((u_b - pv.no_deal) / 0.5 / math.sqrt(2)))
    assert c.ratification.party("XXX", pk)[0] == pytest.approx(expected)
    assert c.ratification.joint(pk)[0] == pytest.approx(expected)  # no US pivot in the toy


def test_a_higher_line_moves_the_package_toward_the_constrained_side() -> None:
    """Schelling/Putnam: raising the partner's approval line (its location, not σ) can only move the
    expected-gains Nash package in the partner's favour."""
    case = load_case(TOY)
    base = solve_central(case)
    tight = solve_central(case, threshold_shift=1.0)
    ub0 = base.expected_nash["utilities"][1]
    ub1 = tight.expected_nash["utilities"][1]
    assert ub1 >= ub0 - 1e-12
    assert tight.expected_nash["utilities"][0] <= base.expected_nash["utilities"][0] + 1e-12


def test_pivots_move_the_japan_package(shared_data: Path) -> None:
    """In the April 2025 Japan case a higher approval line in Japan moves the expected-gains Nash
    package (the review found the pivots never moved it: they were only a filter)."""
    case = load_case("us-japan-2025-04")
    base = solve_central(case)
    tight = solve_central(case, threshold_shift=1.0)
    assert base.expected_nash["levels"] != tight.expected_nash["levels"]
    assert tight.expected_nash["utilities"][1] > base.expected_nash["utilities"][1]


def test_win_sets_count_shares() -> None:
    case = load_case(TOY)
    c = solve_central(case)
    pk = c.frontier.packages
    w = win_sets(c.ratification, pk)
    pb = c.ratification.party("XXX", pk)
    assert w["packages"] == pk.shape[0]
    assert w["win_set_XXX"] == pytest.approx(float((pb >= 0.5).mean()))
    assert w["win_set_USA"] == 1.0  # no US pivot: every package passes on the US side
    assert w["both"] == pytest.approx(float((pb >= 0.5).mean()))
    assert np.isfinite(w["joint_probability_mean"])
