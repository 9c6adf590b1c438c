"""Backtesting on a hand-made (synthetic) outcome (tariffsim.negotiation.backtest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.backtest import baselines, load_outcome, score
from tariffsim.negotiation.case import CASES_DIR, load_case

EXAMPLE = CASES_DIR / "outcomes" / "example-synthetic.yaml"


def test_example_outcome_file_loads() -> None:
    o = load_outcome(EXAMPLE)
    assert o.case == "us-japan-2025-04" and o.kind == "synthetic"
    assert (
        o.values["reciprocal_rate"] == 0.175 and o.values["investment_terms"] == "partner_directed"
    )


def test_scores_by_hand() -> None:
    case = load_case("us-japan-2025-04")
    o = load_outcome(EXAMPLE)
    # a hand-made forecast
    deal = {
        "reciprocal_rate": {"median": 0.15, "p10": 0.10, "p90": 0.20},
        "auto_rate": {"median": 0.10, "p10": 0.05, "p90": 0.15},
        "investment": {"median": 210.0, "p10": 105.0, "p90": 420.0},
        "investment_terms": {
            "median": "us_directed",
            "p10": "partner_directed",
            "p90": "us_directed",
        },
    }
    s = score(case, deal, o)
    r = s["issues"]["reciprocal_rate"]["model"]
    # |0.15 − 0.175| = 0.025; level range 0.24 − 0.10 = 0.14 → 0.17857; 0.175 within [0.10, 0.20]
    assert r["abs_error"] == pytest.approx(0.025)
    assert r["norm_error"] == pytest.approx(0.025 / 0.14)
    assert r["in_band"] is True
    a = s["issues"]["auto_rate"]["model"]
    # |0.10 − 0.20| = 0.10 over range 0.25; 0.20 outside [0.05, 0.15]
    assert a["abs_error"] == pytest.approx(0.10) and a["norm_error"] == pytest.approx(0.4)
    assert a["in_band"] is False
    c = s["issues"]["investment_terms"]["model"]
    # categorical: levels partner_directed(0) / us_directed(1): error 1 of range 1
    assert c["abs_error"] == 1.0 and c["norm_error"] == 1.0 and c["in_band"] is True
    # status quo baseline: reciprocal 0.10 (in force on the as-of date) → error 0.075
    assert s["issues"]["reciprocal_rate"]["status_quo"]["abs_error"] == pytest.approx(0.075)
    # split the difference of 0.24 and 0.10 = 0.17 → error 0.005
    assert s["issues"]["reciprocal_rate"]["split_difference"]["forecast"] == pytest.approx(0.17)
    assert s["issues"]["reciprocal_rate"]["split_difference"]["abs_error"] == pytest.approx(0.005)
    summ = s["summary"]
    assert summ["model"]["n"] == 4
    assert summ["model"]["coverage"] == pytest.approx(3 / 4)
    # investment levels: 0-20% of Japan's 2023 GDP (GE data), the top level US$ 841 bn
    mean = (0.025 / 0.14 + 0.4 + 105 / 841 + 1.0) / 4
    assert summ["model"]["mean_norm_error"] == pytest.approx(mean)


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
