"""Two-level ratification, the threat path, tied hands and sequences."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.negotiation.analysis import solve_case
from tariffsim.negotiation.case import load_case
from tariffsim.negotiation.preferences import build_preferences
from tariffsim.negotiation.ratification import ratify_probability
from tariffsim.negotiation.sequence import run_sequence
from tariffsim.negotiation.threat import no_deal


def test_probit_formula_at_known_points() -> None:
    # Φ(0) = 0.5; Φ(1) = 0.841345; Φ(−2) = 0.022750 (standard normal table)
    assert ratify_probability(3.0, 3.0, 2.0) == pytest.approx(0.5)
    assert ratify_probability(5.0, 3.0, 2.0) == pytest.approx(0.841345, abs=1e-6)
    assert ratify_probability(-1.0, 3.0, 2.0) == pytest.approx(0.022750, abs=1e-6)


@pytest.fixture(scope="module")
def solved():
    return solve_case(load_case("us-japan-2025-04"))


def test_pivot_probabilities_match_the_formula(solved) -> None:
    rat = solved.ratification
    pk = solved.nash.package[None, :]
    for v in rat.pivots:
        z = (v.utility.evaluate(pk)[0] - v.no_deal) / v.sigma
        from scipy.stats import norm

        assert v.consent(pk)[0] == pytest.approx(norm.cdf(z))
        # a pivot needed with probability n passes with 1 − n + n Φ(z)
        assert v.probability(pk)[0] == pytest.approx(1 - v.needed + v.needed * norm.cdf(z))
    jp = rat.party("JPN", pk)[0]
    assert jp == pytest.approx(
        np.prod([v.probability(pk)[0] for v in rat.pivots if v.party == "JPN"])
    )
    assert rat.joint(pk)[0] == pytest.approx(rat.party("USA", pk)[0] * jp)


def test_no_deal_reciprocal_rate_by_hand() -> None:
    c = load_case("us-japan-2025-04")
    nd = no_deal(build_preferences(c))
    # horizon one year from 15 Apr 2025. 24% from 9 Jul (85 days at 10% first; p 0.45), 24% from
    # 7 Oct (175 days at 10%; p 0.20), 10% throughout (p 0.10), 30% from 9 Jul (p 0.25)
    f1, f2 = 85 / 365, 175 / 365
    expected = (
        0.45 * (f1 * 0.10 + (1 - f1) * 0.24)
        + 0.20 * (f2 * 0.10 + (1 - f2) * 0.24)
        + 0.10 * 0.10
        + 0.25 * (f1 * 0.10 + (1 - f1) * 0.30)
    )
    assert nd.expected_levels["reciprocal_rate"] == pytest.approx(expected)
    assert nd.expected_levels["auto_rate"] == pytest.approx(0.275)


def _toward(case, issue: str, before, after, party: str) -> bool:
    spec = case.issue(issue)
    target = spec.positions[party]
    if spec.kind == "numeric":
        return abs(float(after) - float(target)) < abs(float(before) - float(target))
    i = spec.level_index
    return abs(i(after) - i(target)) < abs(i(before) - i(target))


def test_tied_hands_moves_the_deal_toward_the_constrained_side() -> None:
    c = load_case("us-japan-2025-04")
    before = solve_case(c)
    # the farm bloc's weight and its farm stakes ×3 (at ×2 its constraint does not yet bind)
    after = solve_case(c.scale_constituency("farm_bloc", 3.0, ("jp_farm", "jp_farm_symbolic")))
    b, a = before.nash.levels, after.nash.levels
    farm_issues = ("rice_access", "wheat_access", "ag_purchases")
    moved = [k for k in farm_issues if a[k] != b[k]]
    assert moved, "doubling the farm bloc's weight should move a farm issue"
    for k in moved:  # every farm issue that moves, moves toward Japan's position
        assert _toward(c, k, b[k], a[k], "JPN")
    # and the farm pivot ratifies the new package at least as readily
    fb = next(v for v in after.ratification.pivots if v.name == "farm_bloc")
    assert fb.probability(after.nash.package[None, :])[0] >= 0.5


def test_sequence_without_effects_reproduces_independent_deals() -> None:
    steps = run_sequence(
        ["us-japan-2025-04", "us-korea-2025-04"], precedent_penalty=0.0, credibility=0.0
    )
    assert [s.case_id for s in steps] == ["us-japan-2025-04", "us-korea-2025-04"]
    for s in steps:
        assert s.nash_sequenced == s.nash_independent and not s.moved
    steps = run_sequence(
        ["us-japan-2025-04", "us-korea-2025-04"], precedent_penalty=5.0, credibility=0.5
    )
    # the first (test) case is never affected; the second inherits Japan's precedent and a higher
    # US reservation
    assert not steps[0].moved and steps[0].us_reservation_shift == 0.0
    assert steps[1].precedent["reciprocal_rate"] == steps[0].nash_sequenced["reciprocal_rate"]
    assert steps[1].us_reservation_shift > 0


def test_retaliation_lowers_the_us_reservation(tmp_path) -> None:
    from tariffsim.negotiation.case import CASES_DIR

    text = (CASES_DIR / "us-japan-2025-04.yaml").read_text(encoding="utf-8")
    text = text.replace(
        """retaliation:
  allowed: false
  source: ART""",
        """retaliation:
  allowed: true
  source: ART
  rate: {value: 0.2, source: MODEL, kind: judgement}
  prob: {value: 0.5, source: MODEL, kind: judgement}""",
    )
    # US exporters need a stake: the president weighs the channel one for one
    text = text.replace(
        "us_investment: 1.0, us_defense: 1.0, us_policy: 1.0}",
        "us_investment: 1.0, us_defense: 1.0, us_policy: 1.0, us_exporters: 1.0}",
    )
    p = tmp_path / "retaliation.yaml"
    p.write_text(text, encoding="utf-8")
    base = no_deal(build_preferences(load_case("us-japan-2025-04"))).reservation["USA"]
    c = load_case(p)
    prefs = build_preferences(c)
    with_ret = no_deal(prefs).reservation["USA"]
    # expected loss: president weight 0.6 × prob 0.5 × exporters' loss from a 20% duty on US exports
    from tariffsim.negotiation.preferences import MODELS

    X = prefs.trade["us_exports"][0]
    f = MODELS["ad_valorem_duty"].fn(
        np.array([0.2]),
        {
            "base": X,
            "pass_through": c.value("pass_through_general"),
            "elasticity": c.value("import_elasticity_general"),
            "exporter_margin": c.value("exporter_margin"),
        },
    )
    assert with_ret - base == pytest.approx(0.6 * 0.5 * f["exporters"][0])
    assert with_ret < base


def test_best_for_respects_the_acceptance_threshold(solved) -> None:
    from tariffsim.negotiation.solutions import best_for

    rat = solved.ratification
    prev = None
    for m in (0.5, 0.8, 0.95):
        sol = best_for(
            "JPN",
            solved.problem,
            lambda pk: rat.party("USA", pk),
            m,
            acceptance_utilities=rat.utilities_of("USA"),
        )
        assert sol is not None
        assert rat.party("USA", sol.package[None, :])[0] >= m
        # a stricter threshold can only cost Japan utility
        if prev is not None:
            assert sol.utilities[1] <= prev + 1e-9
        prev = sol.utilities[1]
