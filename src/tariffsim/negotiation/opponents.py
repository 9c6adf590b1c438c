"""Opponent models for simulated negotiators, vectorised over a batch of ``D`` negotiations.

A model estimates the opponent's utility of every offerable package (a fixed candidate set of ``C``
packages, see :mod:`tariffsim.negotiation.simulate`) from the opponent's offers so far, as a
``(D, C)`` array scaled to ``[0, 1]``. Negotiators use it to pick, among the packages that meet
their own target, the one the opponent likes best (Faratin, Sierra & Jennings 2002 "trade-off").

* :class:`OracleModel` — knows the true opponent utility (a benchmark, or common knowledge).
* :class:`FrequencyModel` — the "hard-headed" frequency heuristic (van Krimpen, Hendrikx & Jonker
  2013, in *Complex Automated Negotiations*): an issue whose level the opponent keeps unchanged
  between consecutive offers gains weight ``+η``; a level's value is ``(count + 1)/(max count + 1)``.
* :class:`BayesianModel` — Bayesian learning over a finite set of ``H`` hypothesised opponent
  utilities (Hindriks & Tykhonov 2008, AAMAS): the opponent is assumed to concede linearly from 1 to
  0 over the deadline, an offer ``o`` at normalised time ``s`` has likelihood
  ``exp(−(U_h(o) − (1 − s))² / (2σ²))`` under hypothesis ``h``, and the estimate is the posterior
  mean ``Σ_h P(h) U_h``.

Hypotheses (:func:`weight_hypotheses`) keep the opponent's per-issue *ordering* of levels (who wants
lower tariffs is public) and vary the issue weights: the true weights first, then Dirichlet(1) draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import AdditiveUtility


def weight_hypotheses(
    utility: AdditiveUtility, n: int, *, seed: int = 0, include_truth: bool = True
) -> list[AdditiveUtility]:
    """``n`` additive utilities sharing ``utility``'s level shapes with different issue weights.

    Each issue table is rescaled to ``[0, 1]`` (constant issues stay 0) and weighted by ``w``
    (``Σ w = 1``). With ``include_truth`` the first hypothesis has the true weights (the tables'
    ranges), i.e. it is ``utility`` up to a positive affine map.
    """
    if n < 1:
        raise InputError("need at least one hypothesis")
    ranges = np.asarray([t.max() - t.min() for t in utility.tables])
    shapes = [
        (t - t.min()) / r if r > 0 else np.zeros_like(t)
        for t, r in zip(utility.tables, ranges, strict=True)
    ]
    rng = np.random.default_rng(seed)
    out = []
    for h in range(n):
        if h == 0 and include_truth and ranges.sum() > 0:
            w = ranges / ranges.sum()
        else:
            w = rng.dirichlet(np.ones(len(shapes)))
        out.append(
            AdditiveUtility(utility.agenda, tuple(wi * s for wi, s in zip(w, shapes, strict=True)))
        )
    return out


def _unit_scale(values: np.ndarray) -> np.ndarray:
    lo = values.min(axis=-1, keepdims=True)
    hi = values.max(axis=-1, keepdims=True)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (values - lo) / span


class OpponentModel:
    """Base class: ``reset(D)``, ``observe(offers, s, active)``, ``estimate(rows) -> (len(rows), C)``
    (``rows=None``: all ``D`` negotiations)."""

    name = "base"

    def __init__(self, candidates: np.ndarray) -> None:
        self.candidates = np.asarray(candidates)

    def reset(self, n_draws: int) -> None:  # pragma: no cover - trivial
        self.n_draws = n_draws

    def observe(self, offers: np.ndarray, s: np.ndarray, active: np.ndarray) -> None:
        """Record the opponent's offers ``(D,)`` (candidate indices) at normalised time ``s``."""

    def estimate(self, rows: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError


class OracleModel(OpponentModel):
    """Knows the opponent's true utility on the candidates (scaled to [0, 1])."""

    name = "oracle"

    def __init__(self, candidates: np.ndarray, true_values: np.ndarray) -> None:
        super().__init__(candidates)
        self._values = _unit_scale(np.asarray(true_values, dtype=float))[None, :]

    def reset(self, n_draws: int) -> None:
        self.n_draws = n_draws

    def estimate(self, rows: np.ndarray | None = None) -> np.ndarray:
        n = self.n_draws if rows is None else len(rows)
        return np.broadcast_to(self._values, (n, self._values.shape[1]))


class FrequencyModel(OpponentModel):
    """Hard-headed frequency model (see module docstring); ``eta`` is the weight learning step."""

    name = "frequency"

    def __init__(self, candidates: np.ndarray, sizes: tuple[int, ...], *, eta: float = 0.1):
        super().__init__(candidates)
        self.sizes = sizes
        self.eta = eta
        self.k = len(sizes)
        self.L = max(sizes)

    def reset(self, n_draws: int) -> None:
        self.n_draws = n_draws
        self.counts = np.zeros((n_draws, self.k, self.L))
        self.weights = np.full((n_draws, self.k), 1.0 / self.k)
        self.last = np.full((n_draws, self.k), -1, dtype=np.int64)

    def observe(self, offers: np.ndarray, s: np.ndarray, active: np.ndarray) -> None:
        lv = self.candidates[offers].astype(np.int64)  # (D, k)
        rows = np.flatnonzero(active)
        if rows.size == 0:
            return
        lv = lv[rows]
        for j in range(self.k):
            np.add.at(self.counts[:, j, :], (rows, lv[:, j]), 1.0)  # a view: counts[rows, j, lv]
        same = (self.last[rows] == lv) & (self.last[rows] >= 0)
        w = self.weights[rows] + self.eta * same
        self.weights[rows] = w / w.sum(axis=1, keepdims=True)
        self.last[rows] = lv

    def estimate(self, rows: np.ndarray | None = None) -> np.ndarray:
        counts = self.counts if rows is None else self.counts[rows]
        weights = self.weights if rows is None else self.weights[rows]
        vals = (counts + 1.0) / (counts.max(axis=2, keepdims=True) + 1.0)  # (n, k, L)
        est = np.zeros((counts.shape[0], self.candidates.shape[0]))
        for j in range(self.k):
            est += weights[:, j : j + 1] * vals[:, j, :][:, self.candidates[:, j]]
        return _unit_scale(est)


class BayesianModel(OpponentModel):
    """Posterior over ``H`` hypothesised opponent utilities (see module docstring)."""

    name = "bayesian"

    def __init__(
        self, candidates: np.ndarray, hypothesis_values: np.ndarray, *, sigma: float = 0.15
    ):
        super().__init__(candidates)
        hv = np.asarray(hypothesis_values, dtype=float)
        if hv.ndim != 2 or hv.shape[1] != self.candidates.shape[0]:
            raise InputError("hypothesis_values must be (H, C)")
        self.values = _unit_scale(hv)  # (H, C)
        if sigma <= 0:
            raise InputError("sigma must be positive")
        self.sigma = sigma

    def reset(self, n_draws: int) -> None:
        self.n_draws = n_draws
        H = self.values.shape[0]
        self.log_post = np.full((n_draws, H), -np.log(H))

    def observe(self, offers: np.ndarray, s: np.ndarray, active: np.ndarray) -> None:
        u = self.values[:, offers].T  # (D, H)
        expected = (1.0 - np.clip(s, 0.0, 1.0))[:, None]
        ll = -((u - expected) ** 2) / (2.0 * self.sigma**2)
        lp = self.log_post + np.where(active[:, None], ll, 0.0)
        self.log_post = lp - np.logaddexp.reduce(lp, axis=1, keepdims=True)

    def posterior(self) -> np.ndarray:
        return np.exp(self.log_post)

    def estimate(self, rows: np.ndarray | None = None) -> np.ndarray:
        post = self.posterior() if rows is None else np.exp(self.log_post[rows])
        # einsum, not BLAS: with H ≈ 8 the inner dimension is tiny and a threaded GEMM mostly waits
        return np.einsum("dh,hc->dc", post, self.values)


@dataclass(frozen=True)
class ModelSpec:
    """How a negotiator models its opponent: ``kind`` in oracle / frequency / bayesian."""

    kind: str = "bayesian"
    hypotheses: int = 8
    sigma: float = 0.15
    eta: float = 0.1

    def __post_init__(self) -> None:
        if self.kind not in ("oracle", "frequency", "bayesian"):
            raise InputError(
                f"unknown opponent model {self.kind!r}", hint="use oracle, frequency or bayesian"
            )
