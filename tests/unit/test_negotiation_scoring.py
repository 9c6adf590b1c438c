"""Proper scoring rules (tariffsim.negotiation.scoring) against hand computations and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tariffsim.core.errors import InputError
from tariffsim.negotiation.scoring import (
    band,
    bootstrap_skill,
    brier,
    crps_discrete,
    crps_point,
    crps_sample,
    interval_score,
    reliability,
    skill,
)


def test_crps_of_small_samples_by_hand() -> None:
    # {0, 1} at 0: E|X-y| = 1/2; E|X-X'| = (0+1+1+0)/4 = 1/2 -> CRPS = 1/2 - 1/4 = 1/4
    assert crps_sample([0.0, 1.0], 0.0) == pytest.approx(0.25)
    # {1, 2, 3} at 2: E|X-y| = 2/3; E|X-X'| = 8/9 -> CRPS = 2/3 - 4/9 = 2/9
    assert crps_sample([3.0, 1.0, 2.0], 2.0) == pytest.approx(2.0 / 9.0)
    # a single draw is a point forecast: |x - y|
    assert crps_sample([0.15], 0.19) == pytest.approx(0.04)
    assert crps_point(0.15, 0.19) == pytest.approx(0.04)


@settings(max_examples=50, deadline=None)
@given(
    xs=st.lists(st.floats(-1, 2, allow_nan=False, allow_infinity=False), min_size=1, max_size=40),
    y=st.floats(-1, 2, allow_nan=False, allow_infinity=False),
)
def test_crps_sample_equals_the_double_sum(xs: list[float], y: float) -> None:
    x = np.array(xs)
    brute = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps_sample(x, y) == pytest.approx(float(brute), abs=1e-12)


def test_crps_of_a_normal_sample_matches_the_closed_form() -> None:
    # CRPS(N(mu, s), y) = s [z(2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu)/s (G&R 2007)
    mu, s, y = 0.15, 0.03, 0.19
    z = (y - mu) / s
    exact = s * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))
    draws = stats.norm.ppf((np.arange(200_000) + 0.5) / 200_000, loc=mu, scale=s)
    assert crps_sample(draws, y) == pytest.approx(exact, rel=1e-3)


def test_crps_discrete_equals_the_sample_it_represents() -> None:
    # levels 10/15/20% with shares 1/4, 1/2, 1/4 = the sample {10, 15, 15, 20}
    for y in (0.05, 0.10, 0.125, 0.15, 0.19, 0.30):
        d = crps_discrete([0.10, 0.15, 0.20], [0.25, 0.5, 0.25], y)
        assert d == pytest.approx(crps_sample([0.10, 0.15, 0.15, 0.20], y))
    with pytest.raises(InputError, match="sum to 1"):
        crps_discrete([0.1, 0.2], [0.5, 0.6], 0.1)


def test_interval_score_by_the_gneiting_raftery_formula() -> None:
    # inside: the width; below/above: width + (2/alpha) * distance, alpha = 0.2
    assert interval_score(0.10, 0.20, 0.15) == pytest.approx(0.10)
    assert interval_score(0.10, 0.20, 0.25) == pytest.approx(0.10 + 10 * 0.05)
    assert interval_score(0.10, 0.20, 0.05, alpha=0.5) == pytest.approx(0.10 + 4 * 0.05)
    # a point forecast pays 10x its error; a whole-scale band pays its width
    assert interval_score(0.15, 0.15, 0.19) == pytest.approx(0.4)
    assert interval_score(0.0, 1.0, 0.19) == pytest.approx(1.0)


def test_brier_band_skill_reliability() -> None:
    assert brier(0.7, True) == pytest.approx(0.09)
    assert brier(0.7, 0) == pytest.approx(0.49)
    with pytest.raises(InputError):
        brier(1.2, True)
    lo, hi = band(np.arange(11) / 10)  # 0.0 .. 1.0: linear quantiles 0.1 and 0.9
    assert (lo, hi) == pytest.approx((0.1, 0.9))
    assert skill([1.0, 1.0], [2.0, 2.0]) == pytest.approx(0.5)
    rel = reliability([0.1, 0.15, 0.9, 0.95], [0, 1, 1, 1], edges=[0, 0.5, 1])
    assert rel == [
        {"lo": 0.0, "hi": 0.5, "mean_forecast": pytest.approx(0.125), "observed": 0.5, "n": 2},
        {"lo": 0.5, "hi": 1.0, "mean_forecast": pytest.approx(0.925), "observed": 1.0, "n": 2},
    ]


def test_bootstrap_skill_interval() -> None:
    same = bootstrap_skill([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], n_boot=200)
    assert (same.skill, same.lo, same.hi) == (0.0, 0.0, 0.0)
    half = bootstrap_skill([0.5, 1.0, 1.5, 2.0], [1.0, 2.0, 3.0, 4.0], n_boot=500)
    assert half.skill == pytest.approx(0.5) and half.lo == pytest.approx(0.5)
    rng = np.random.default_rng(1)
    b = rng.uniform(1, 2, 30)
    m = b * rng.uniform(0.5, 1.2, 30)
    s = bootstrap_skill(m, b, n_boot=1000, seed=3)
    assert s.lo < s.skill < s.hi and s.n == 30
