"""Honest uncertainty: every ranged prior drawn jointly, and which priors move the forecast.

**Draws.** A Latin hypercube (McKay, Beckman & Conover 1979)
of ``n`` points in ``[0, 1)^k``, one dimension per ranged parameter of the case; each uniform ``u``
becomes the parameter's value through the inverse CDF of the triangular distribution with mode at the
parameter's value and support ``[low, high]`` — so the stated value stays the most likely one and the
range is the full support. Draw 0 is the case as written.

**Sensitivity.** For each output (the headline rate, the car rate, P(deal)) and each prior: the
Spearman rank correlation over the draws, and the first-order Sobol index estimated by binning
(the correlation ratio η² = Var(E[Y | X]) / Var(Y) with X cut into ``bins`` quantile bins; Saltelli
et al. 2008, *Global Sensitivity Analysis: The Primer*, §4.1 — with a Latin hypercube the bins are
equally filled).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution on ``[low, high]`` with mode ``mode``."""
    u = np.asarray(u, dtype=float)
    if not low <= mode <= high or low == high:
        raise InputError(
            f"triangular needs low ≤ mode ≤ high and low < high, got {low}, {mode}, {high}"
        )
    c = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < c, left, right)


def ranged(case: Any) -> dict[str, Any]:
    """The case's ranged numeric parameters (the priors drawn)."""
    return {
        k: p
        for k, p in case.numeric_params().items()
        if isinstance(p.value, int | float) and p.low is not None and p.high is not None
    }


def template_dimensions() -> list[str]:
    """The ranged priors of the template registry, in a fixed order: every generated case draws its
    priors from the same dimensions, so draw ``d`` is one "world" across partners."""
    from tariffsim.negotiation.generate import priors

    return sorted(k for k, p in priors()[1].items() if p.low is not None and p.high is not None)


def _unit_draws(d: int, n: int, seed: int) -> np.ndarray:
    """A Latin hypercube in ``[0, 1)^d`` (McKay, Beckman & Conover 1979): each dimension has one
    point in each of the ``n`` equal strata, at a uniform position inside it, in a random order."""
    rng = np.random.default_rng(seed)
    if d == 0:
        return np.zeros((n, 0))
    strata = np.argsort(rng.random((n, d)), axis=0)  # a random permutation per dimension
    return (strata + rng.random((n, d))) / n


def draw_priors(case: Any, n: int, *, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` joint draws of every ranged prior (Latin hypercube, triangular marginals); draw 0 is
    the case as written.

    Priors of the template registry use the registry's dimensions (the same uniforms for every
    partner with the same seed); the case's other ranged parameters get dimensions of their own;
    ``derived`` parameters follow their prior."""
    if n < 1:
        raise InputError(f"draws must be at least 1, got {n}", hint="e.g. --draws 2000")
    params = ranged(case)
    base = [k for k in template_dimensions()]
    own = sorted(k for k, p in params.items() if k not in base and p.derived is None)
    u_base = _unit_draws(len(base), n, seed)
    u_own = _unit_draws(len(own), n, seed + 7919)
    out: dict[str, np.ndarray] = {}
    for cols, names in ((u_base, base), (u_own, own)):
        for j, name in enumerate(names):
            p = params.get(name)
            if p is None or p.derived is not None:
                continue
            x = triangular_ppf(cols[:, j], float(p.low), float(p.value), float(p.high))
            x[0] = float(p.value)
            out[name] = x
    for name, p in params.items():
        if p.derived is not None and p.derived[0] in out:
            out[name] = p.derived[1] * out[p.derived[0]]
    return out


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    r = np.empty(x.shape[0])
    r[order] = np.arange(x.shape[0])
    # average ties
    _, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=r)
    return sums[inv] / counts[inv]


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return None
    rx, ry = _ranks(x[ok]), _ranks(y[ok])
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return None
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def first_order_index(x: np.ndarray, y: np.ndarray, bins: int = 10) -> float | None:
    """Correlation ratio Var(E[Y|X]) / Var(Y), X in ``bins`` quantile bins."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if y.shape[0] < 2 * bins or y.var() == 0:
        return None
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    counts = np.bincount(idx, minlength=bins)
    means = np.bincount(idx, weights=y, minlength=bins) / np.maximum(counts, 1)
    between = float((counts * (means - y.mean()) ** 2).sum() / y.shape[0])
    return float(np.clip(between / y.var(), 0.0, 1.0))


def sensitivity_table(
    draws: Mapping[str, np.ndarray], outputs: Mapping[str, np.ndarray], *, top: int | None = None
) -> list[dict[str, Any]]:
    """One row per prior: Spearman ρ and first-order index for each output; sorted by the largest
    first-order index over outputs."""
    rows = []
    for name, x in draws.items():
        row: dict[str, Any] = {"parameter": name}
        score = 0.0
        for out, y in outputs.items():
            rho = spearman(x, y)
            s1 = first_order_index(x, y)
            row[f"{out}_spearman"] = rho
            row[f"{out}_first_order"] = s1
            score = max(score, s1 or 0.0, abs(rho or 0.0) ** 2)
        row["importance"] = score
        rows.append(row)
    rows.sort(key=lambda r: -r["importance"])
    return rows[:top] if top else rows
