"""Proper scoring rules for forecasts of rates and of events, and skill with bootstrap intervals.

All scores are negatively oriented (lower is better) and *proper*: a forecaster minimises the
expected score only by reporting what it believes (Gneiting & Raftery 2007, "Strictly Proper
Scoring Rules, Prediction, and Estimation", JASA 102(477)).

* **CRPS** of a predictive distribution F at the outcome y:
  ``CRPS(F, y) = ∫ (F(t) − 1{t ≥ y})² dt = E|X − y| − ½ E|X − X'|`` (G&R eq. 20), X, X' ~ F
  independent. For a sample x₁..xₙ (the empirical distribution) with order statistics x₍ᵢ₎,
  ``E|X − X'| = (2/n²) Σᵢ (2i − n − 1) x₍ᵢ₎``, so the CRPS costs a sort. A point forecast x has
  CRPS ``|x − y|``. Same unit as y (here: rate points as fractions).
* **Interval score** of the central (1 − α) interval [l, u] (G&R eq. 43):
  ``IS_α = (u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}``. The 10–90 band is α = 0.2,
  so a miss costs 10× its distance; a point forecast (l = u = x) scores ``(2/α)|x − y|``. Unlike
  coverage, this cannot be gamed by a whole-scale band: the width is paid for.
* **Brier score** of a probability p for a binary event o ∈ {0, 1}: ``(p − o)²`` (Brier 1950).
* **Ranked probability score** of an ordered categorical forecast: the CRPS of the distribution
  on the level indices (Epstein 1969), computed by :func:`crps_discrete`.

Skill of a forecaster against a baseline over a set of cases: ``1 − mean(S_model)/mean(S_base)``
(positive = better than the baseline). :func:`bootstrap_skill` resamples the cases (pairs kept
together) to give a percentile interval.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tariffsim.core.errors import InputError

ALPHA_10_90 = 0.2
"""α of the central 10–90 interval."""


def _finite(a: np.ndarray, what: str) -> np.ndarray:
    if a.size == 0:
        raise InputError(f"{what}: no values")
    if not np.all(np.isfinite(a)):
        raise InputError(f"{what}: values must be finite numbers")
    return a


def crps_sample(draws: Sequence[float] | np.ndarray, y: float) -> float:
    """CRPS of the empirical distribution of ``draws`` at ``y`` (exact for that distribution)."""
    x = np.sort(_finite(np.asarray(draws, dtype=float).ravel(), "draws"))
    n = x.size
    mean_abs = float(np.mean(np.abs(x - y)))
    i = np.arange(1, n + 1, dtype=float)
    gini = float(2.0 * np.sum((2.0 * i - n - 1.0) * x) / (n * n))  # E|X − X'|
    return mean_abs - 0.5 * gini


def crps_point(x: float, y: float) -> float:
    """CRPS of a point forecast (a distribution with all its mass at ``x``): ``|x − y|``."""
    return abs(float(x) - float(y))


def crps_discrete(values: Sequence[float], probs: Sequence[float], y: float) -> float:
    """CRPS of a discrete distribution (``values`` with ``probs``) at ``y``, by exact integration
    of the squared difference of two step functions."""
    v = np.asarray(values, dtype=float)
    p = np.asarray(probs, dtype=float)
    if v.shape != p.shape or v.size == 0:
        raise InputError("crps_discrete: values and probs must be non-empty and of equal length")
    if np.any(p < -1e-12) or abs(float(p.sum()) - 1.0) > 1e-6:
        raise InputError("crps_discrete: probs must be non-negative and sum to 1")
    order = np.argsort(v, kind="stable")
    v, p = v[order], p[order]
    knots = np.unique(np.concatenate([v, [float(y)]]))
    total = 0.0
    for a, b in itertools.pairwise(knots):
        f = float(p[v <= a].sum())  # F on [a, b)
        h = 1.0 if a >= y else 0.0
        total += (f - h) ** 2 * (b - a)
    return total


def interval_score(lo: float, hi: float, y: float, alpha: float = ALPHA_10_90) -> float:
    """Interval score of the central (1 − ``alpha``) interval ``[lo, hi]`` at ``y`` (G&R eq. 43)."""
    if not 0.0 < alpha < 1.0:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    lo, hi = (float(lo), float(hi)) if lo <= hi else (float(hi), float(lo))
    s = hi - lo
    if y < lo:
        s += (2.0 / alpha) * (lo - y)
    elif y > hi:
        s += (2.0 / alpha) * (y - hi)
    return s


def band(
    draws: Sequence[float] | np.ndarray, lo: float = 0.1, hi: float = 0.9
) -> tuple[float, float]:
    """The ``lo``–``hi`` quantiles of the draws (linear interpolation, Hyndman–Fan type 7)."""
    x = _finite(np.asarray(draws, dtype=float).ravel(), "draws")
    q = np.quantile(x, [lo, hi], method="linear")
    return float(q[0]), float(q[1])


def brier(p: float, outcome: bool | int) -> float:
    """Brier score ``(p − o)²`` of probability ``p`` for a binary outcome."""
    if not 0.0 <= p <= 1.0:
        raise InputError(f"a probability must be in [0, 1], got {p}")
    return (float(p) - float(bool(outcome))) ** 2


def skill(model: Sequence[float] | np.ndarray, base: Sequence[float] | np.ndarray) -> float:
    """``1 − mean(model)/mean(base)``; ``nan`` when the baseline's mean score is 0."""
    m, b = float(np.mean(model)), float(np.mean(base))
    return 1.0 - m / b if b > 0 else float("nan")


@dataclass(frozen=True)
class SkillInterval:
    skill: float
    lo: float
    hi: float
    n: int
    level: float

    def to_dict(self) -> dict[str, float | int]:
        return {"skill": self.skill, "lo": self.lo, "hi": self.hi, "n": self.n, "level": self.level}


def bootstrap_skill(
    model: Sequence[float],
    base: Sequence[float],
    *,
    n_boot: int = 2000,
    level: float = 0.9,
    seed: int = 0,
) -> SkillInterval:
    """Skill with a paired percentile-bootstrap interval over cases (Efron & Tibshirani 1993).

    Each resample draws the cases with replacement, keeping each case's model and baseline
    scores together; resamples whose baseline mean is 0 are dropped.
    """
    m = np.asarray(model, dtype=float)
    b = np.asarray(base, dtype=float)
    if m.shape != b.shape or m.size == 0:
        raise InputError("bootstrap_skill: model and base need the same, non-zero number of cases")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, m.size, size=(n_boot, m.size))
    mb, bb = m[idx].mean(axis=1), b[idx].mean(axis=1)
    ok = bb > 0
    sk = 1.0 - mb[ok] / bb[ok]
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(sk, [a, 1.0 - a]) if sk.size else (np.nan, np.nan)
    return SkillInterval(skill(m, b), float(lo), float(hi), int(m.size), level)


def reliability(
    probs: Sequence[float], outcomes: Sequence[bool | int], edges: Sequence[float] | None = None
) -> list[dict[str, float | int]]:
    """Reliability table: per probability bin, the mean forecast, the observed frequency and n."""
    p = np.asarray(probs, dtype=float)
    o = np.asarray(outcomes, dtype=float)
    e = np.asarray(edges if edges is not None else np.linspace(0.0, 1.0, 6), dtype=float)
    out: list[dict[str, float | int]] = []
    for k, (a, b) in enumerate(itertools.pairwise(e)):
        last = k == len(e) - 2
        sel = (p >= a) & ((p <= b) if last else (p < b))
        if sel.any():
            out.append(
                {
                    "lo": float(a),
                    "hi": float(b),
                    "mean_forecast": float(p[sel].mean()),
                    "observed": float(o[sel].mean()),
                    "n": int(sel.sum()),
                }
            )
    return out
