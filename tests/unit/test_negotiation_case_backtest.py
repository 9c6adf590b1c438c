"""Case scoring (``negotiate CASE --score``) with proper scores, on a hand-made case and outcome.

The case here is a small stand-in with the attributes the scorer reads (issues with kind, levels,
status quo and positions; each party's utility table per issue), so the expected values can be
computed by hand in the comments: the CRPS of a distribution over the case's levels (exact integral
of the squared CDF difference) and the interval score of the 10–90 band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.case_scoring import Outcome, baselines, load_outcome, score, score_rows


@dataclass(frozen=True)
class Issue:
    name: str
    kind: str
    levels: tuple[Any, ...]
    status_quo: Any
    positions: dict[str, Any]
    unit: str = "fraction"

    def level_index(self, v: Any) -> int:
        return self.levels.index(v)


@dataclass(frozen=True)
class Case:
    id: str
    parties: tuple[str, str]
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    def issue(self, name: str) -> Issue:
        return next(i for i in self.issues if i.name == name)


CASE = Case(
    "hand-case",
    ("USA", "JPN"),
    (
        Issue("reciprocal_rate", "numeric", (0.10, 0.125, 0.15, 0.175, 0.20, 0.24), 0.10,
              {"USA": 0.24, "JPN": 0.10}),
        Issue("auto_rate", "numeric", (0.025, 0.05, 0.10, 0.15, 0.20, 0.275), 0.275,
              {"USA": 0.275, "JPN": 0.025}),
        Issue("currency", "categorical", ("none", "joint_statement", "commitment"), "none",
              {"USA": "commitment", "JPN": "none"}, unit="level"),
    ),
)  # fmt: skip
# utility tables per party and issue: spreads (salience) 3 and 1 on the reciprocal rate
PREFS = SimpleNamespace(
    utilities={
        "USA": SimpleNamespace(tables=[np.array([0, 3.0]), np.array([0, 1.0]), np.array([0, 1.0])]),
        "JPN": SimpleNamespace(tables=[np.array([0, 1.0]), np.array([0, 1.0]), np.array([0, 0.0])]),
    }
)
OUTCOME = Outcome(
    case="hand-case",
    kind="synthetic",
    values={"reciprocal_rate": 0.175, "auto_rate": 0.20, "currency": "none"},
    agreed=True,
)
DEAL = {
    "reciprocal_rate": {
        "median": 0.15, "p10": 0.10, "p90": 0.20, "shares": {0.10: 0.2, 0.15: 0.6, 0.20: 0.2},
    },
    "auto_rate": {"median": 0.10, "p10": 0.05, "p90": 0.15},  # no shares: no CRPS
    "currency": {
        "median": "joint_statement", "p10": "none", "p90": "commitment",
        "shares": {"none": 0.3, "joint_statement": 0.5, "commitment": 0.2},
    },
}  # fmt: skip


def test_proper_scores_by_hand() -> None:
    s = score(CASE, DEAL, OUTCOME, prefs=PREFS, agreement_probability=0.8)
    r = s["issues"]["reciprocal_rate"]["model"]
    # F = 0.2 on [.10,.15), 0.8 on [.15,.20), 1 after; outcome 0.175:
    # 0.2²·0.05 + 0.8²·0.025 + 0.2²·0.025 = 0.002 + 0.016 + 0.001 = 0.019; range 0.14
    assert r["crps"] == pytest.approx(0.019)
    assert r["crps_norm"] == pytest.approx(0.019 / 0.14)
    # 0.175 inside [0.10, 0.20]: the interval score is the width
    assert r["interval_score"] == pytest.approx(0.10) and r["in_band"] is True
    a = s["issues"]["auto_rate"]["model"]
    # 0.20 above [0.05, 0.15]: 0.10 + (2/0.2)·0.05 = 0.60; range 0.25
    assert a["crps"] is None
    assert a["interval_score"] == pytest.approx(0.60)
    assert a["interval_score_norm"] == pytest.approx(2.4)
    c = s["issues"]["currency"]["model"]
    # levels none(0)/joint(1)/commitment(2), outcome none: (0.3-1)² + (0.8-1)² = 0.53; range 2
    assert c["crps"] == pytest.approx(0.53) and c["crps_norm"] == pytest.approx(0.265)
    sq = s["issues"]["reciprocal_rate"]["status_quo"]
    # a point forecast: CRPS = |0.10 - 0.175|, interval score = 10 × 0.075
    assert sq["crps"] == pytest.approx(0.075) and sq["interval_score"] == pytest.approx(0.75)
    sd = s["issues"]["reciprocal_rate"]["split_difference"]
    assert sd["forecast"] == pytest.approx(0.17) and sd["crps"] == pytest.approx(0.005)
    # salience-weighted mean of 0.24 (weight 3) and 0.10 (weight 1) = 0.205
    wm = s["issues"]["reciprocal_rate"]["weighted_mean"]
    assert wm["forecast"] == pytest.approx(0.205)
    summ = s["summary"]["model"]
    assert summ["n"] == 3 and summ["n_crps"] == 2
    assert summ["mean_crps_norm"] == pytest.approx((0.019 / 0.14 + 0.265) / 2)
    assert summ["coverage"] == pytest.approx(2 / 3)
    # P(agreement) 0.8 and an agreement: Brier (0.8 - 1)² = 0.04
    assert s["agreement"]["brier"] == pytest.approx(0.04)
    headers, rows = score_rows(s)
    assert headers[0] == "forecaster" and rows[0][0] == "model"


def test_weighted_mean_lies_between_positions() -> None:
    b = baselines(CASE, prefs=PREFS)
    assert b["weighted_mean"]["reciprocal_rate"] == pytest.approx(0.205)
    # equal salience on cars: the midpoint; no Japanese salience on currency: the US position (2)
    assert b["weighted_mean"]["auto_rate"] == pytest.approx(0.15)
    assert b["weighted_mean"]["currency"] == pytest.approx(2.0)


def test_outcome_for_another_case_is_refused() -> None:
    other = Outcome(case="other-case", kind="observed", values={"reciprocal_rate": 0.2})
    with pytest.raises(InputError, match="outcome file is for case 'other-case'"):
        score(CASE, {}, other, prefs=PREFS)


def test_outcome_file_is_strict(tmp_path: Path) -> None:
    p = tmp_path / "o.yaml"
    p.write_text(
        "case: hand-case\nkind: observed\nagreed: true\n"
        "outcomes:\n  reciprocal_rate: {value: 0.15, source: x}\n  currency: none\n",
        encoding="utf-8",
    )
    o = load_outcome(p)
    assert o.values == {"reciprocal_rate": 0.15, "currency": "none"} and o.agreed is True
    p.write_text("case: x\nagreed: maybe\noutcomes:\n  a: {value: 1}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"o\.yaml:2: agreed"):
        load_outcome(p)
    p.write_text("case: x\noutcomes:\n  a: {value: 1, sourec: y}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"o\.yaml:3: outcomes\.a"):
        load_outcome(p)


def test_the_shipped_example_scores_against_the_shipped_case() -> None:
    """Integration: the case file and the example outcome that ship with the package."""
    from tariffsim.negotiation.case import CASES_DIR, load_case

    case = load_case("us-japan-2025-04")
    o = load_outcome(CASES_DIR / "outcomes" / "example-synthetic.yaml")
    deal = {}
    for name in o.values:
        spec = case.issue(name)
        lv = spec.levels[len(spec.levels) // 2]
        deal[name] = {"median": lv, "p10": spec.levels[0], "p90": spec.levels[-1]}
    s = score(case, deal, o)
    assert s["summary"]["model"]["n"] == len(o.values)
    # whole-scale bands contain every outcome: coverage 100%, yet the interval score pays the width
    assert s["summary"]["model"]["coverage"] == 1.0
    assert s["summary"]["model"]["mean_interval_score_norm"] == pytest.approx(1.0)
