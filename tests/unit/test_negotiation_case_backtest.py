"""Case scoring (``negotiate CASE --score``) on a hand-made (synthetic) outcome, with proper scores.

Expected values are computed by hand in the comments: the CRPS of a distribution over the case's
levels (exact integral of the squared CDF difference) and the interval score of the 10–90 band.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.case import CASES_DIR, load_case
from tariffsim.negotiation.case_scoring import baselines, load_outcome, score, score_rows

EXAMPLE = CASES_DIR / "outcomes" / "example-synthetic.yaml"


def test_example_outcome_file_loads() -> None:
    o = load_outcome(EXAMPLE)
    assert o.case == "us-japan-2025-04" and o.kind == "synthetic"
    assert (
        o.values["reciprocal_rate"] == 0.175 and o.values["investment_terms"] == "partner_directed"
    )


def _deal() -> dict[str, dict[str, object]]:
    return {
        "reciprocal_rate": {
            "median": 0.15, "p10": 0.10, "p90": 0.20,
            "shares": {0.10: 0.2, 0.15: 0.6, 0.20: 0.2},
        },
        "auto_rate": {"median": 0.10, "p10": 0.05, "p90": 0.15},  # no shares: no CRPS
        "investment": {"median": 210.0, "p10": 105.0, "p90": 420.0},
        "investment_terms": {
            "median": "us_directed", "p10": "partner_directed", "p90": "us_directed",
            "shares": {"partner_directed": 0.3, "us_directed": 0.7},
        },
    }  # fmt: skip


def test_proper_scores_by_hand() -> None:
    case = load_case("us-japan-2025-04")
    s = score(case, _deal(), load_outcome(EXAMPLE))
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
    c = s["issues"]["investment_terms"]["model"]
    # levels partner_directed(0)/us_directed(1), outcome partner_directed: (0.3-1)² = 0.49; range 1
    assert c["crps"] == pytest.approx(0.49) and c["crps_norm"] == pytest.approx(0.49)
    sq = s["issues"]["reciprocal_rate"]["status_quo"]
    # a point forecast: CRPS = |0.10 - 0.175|, interval score = 10 × 0.075
    assert sq["crps"] == pytest.approx(0.075) and sq["interval_score"] == pytest.approx(0.75)
    sd = s["issues"]["reciprocal_rate"]["split_difference"]
    assert sd["forecast"] == pytest.approx(0.17) and sd["crps"] == pytest.approx(0.005)
    summ = s["summary"]["model"]
    assert summ["n"] == 4 and summ["n_crps"] == 2
    assert summ["mean_crps_norm"] == pytest.approx((0.019 / 0.14 + 0.49) / 2)
    assert summ["coverage"] == pytest.approx(3 / 4)
    headers, rows = score_rows(s)
    assert headers[0] == "forecaster" and rows[0][0] == "model"


def test_agreement_brier() -> None:
    case = load_case("us-japan-2025-04")
    o = load_outcome(EXAMPLE)
    o2 = type(o)(case=o.case, kind=o.kind, values=o.values, agreed=True)
    s = score(case, _deal(), o2, agreement_probability=0.8)
    assert s["agreement"]["brier"] == pytest.approx(0.04)


def test_weighted_mean_baseline_lies_between_positions() -> None:
    case = load_case("us-japan-2025-04")
    b = baselines(case)
    for name, x in b["weighted_mean"].items():
        spec = case.issue(name)
        pa, pb = (
            (spec.positions["USA"], spec.positions["JPN"])
            if spec.kind == "numeric"
            else (spec.level_index(spec.positions["USA"]), spec.level_index(spec.positions["JPN"]))
        )
        assert min(pa, pb) - 1e-12 <= x <= max(pa, pb) + 1e-12


def test_outcome_for_another_case_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "o.yaml"
    p.write_text(
        "case: us-korea-2025-04\noutcomes:\n  reciprocal_rate: {value: 0.2}\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="outcome file is for case 'us-korea-2025-04'"):
        score(load_case("us-japan-2025-04"), {}, load_outcome(p))


def test_agreed_must_be_boolean(tmp_path: Path) -> None:
    p = tmp_path / "o.yaml"
    p.write_text(
        "case: us-japan-2025-04\nagreed: maybe\noutcomes:\n  reciprocal_rate: {value: 0.2}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"o\.yaml:2: agreed"):
        load_outcome(p)
    p.write_text("case: x\noutcomes:\n  a: {value: 1, sourec: y}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"o\.yaml:3: outcomes\.a"):
        load_outcome(p)
