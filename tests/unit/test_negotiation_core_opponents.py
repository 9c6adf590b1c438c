"""Opponent models: hand-computed posteriors and frequency estimates."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.negotiation.domain import AdditiveUtility, Agenda, numeric_issue
from tariffsim.negotiation.opponents import (
    BayesianModel,
    FrequencyModel,
    OracleModel,
    weight_hypotheses,
)

AG = Agenda((numeric_issue("x", [0, 1, 2], "u"), numeric_issue("y", [0, 1, 2], "u")))
CANDS = AG.all_packages()  # 9 packages, (x, y) with y fastest


def test_bayesian_posterior_by_hand():
    # two hypotheses on three candidates; an offer of candidate 0 at s = 0 (expected opponent
    # utility 1 − s = 1): log-likelihoods 0 (h0, U=1) and −(0 − 1)²/(2·0.15²) = −22.2 (h1, U=0)
    vals = np.array([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    m = BayesianModel(CANDS[:3], vals, sigma=0.15)
    m.reset(1)
    m.observe(np.array([0]), np.array([0.0]), np.array([True]))
    p0 = 1.0 / (1.0 + np.exp(-1.0 / (2 * 0.15**2)))
    assert m.posterior()[0, 0] == pytest.approx(p0, rel=1e-12)
    assert m.estimate()[0] == pytest.approx(p0 * vals[0] + (1 - p0) * vals[1])
    # an inactive negotiation does not learn
    m.reset(2)
    m.observe(np.array([0, 0]), np.array([0.0, 0.0]), np.array([True, False]))
    assert m.posterior()[1].tolist() == [0.5, 0.5]


def test_frequency_model_by_hand():
    # offers (0,0) then (0,1): issue x unchanged → weight (0.5 + 0.1)/1.1, y 0.5/1.1
    # counts: x → [2, 0, 0], y → [1, 1, 0]; values (count + 1)/(max + 1): x [1, 1/3, 1/3],
    # y [1, 1, 1/2]; estimate = w_x v_x + w_y v_y, rescaled to [0, 1] over the candidates
    m = FrequencyModel(CANDS, AG.sizes, eta=0.1)
    m.reset(1)
    m.observe(np.array([0]), np.array([0.0]), np.array([True]))  # candidate 0 = (0, 0)
    m.observe(np.array([1]), np.array([0.1]), np.array([True]))  # candidate 1 = (0, 1)
    wx, wy = 0.6 / 1.1, 0.5 / 1.1
    vx, vy = np.array([1, 1 / 3, 1 / 3]), np.array([1, 1, 0.5])
    raw = wx * vx[CANDS[:, 0]] + wy * vy[CANDS[:, 1]]
    expected = (raw - raw.min()) / (raw.max() - raw.min())
    assert np.allclose(m.estimate()[0], expected, rtol=0, atol=1e-12)
    assert m.weights[0] == pytest.approx([wx, wy])


def test_weight_hypotheses_truth_first():
    # the first hypothesis is the true utility up to a positive affine map:
    # tables rescaled to [0, 1] and weighted by their ranges / Σ ranges
    u = AdditiveUtility(AG, (np.array([0.0, 2, 4]), np.array([1.0, 0, 0.5])))
    hyps = weight_hypotheses(u, 4, seed=1)
    h0 = hyps[0].evaluate(CANDS)
    tu = u.evaluate(CANDS)
    assert np.allclose(h0, (tu - u.min_value) / 5.0)  # ranges 4 and 1 → Σ = 5
    for h in hyps[1:]:
        # same ordering of levels within each issue, different weights
        assert np.argmax(h.tables[0]) == 2 and np.argmax(h.tables[1]) == 0
        assert h.max_value == pytest.approx(1.0)


def test_oracle_model():
    m = OracleModel(CANDS[:3], np.array([2.0, 4.0, 3.0]))
    m.reset(2)
    assert m.estimate().tolist() == [[0.0, 1.0, 0.5], [0.0, 1.0, 0.5]]
