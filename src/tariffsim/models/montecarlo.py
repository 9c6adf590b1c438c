"""Monte Carlo over the GE model's parameters: percentile bands of outcomes per region.

Parameters are given as distributions (:class:`Dist`) and drawn independently:

- ``eps`` — trade elasticity ε. Each draw recalibrates what depends on it (spec, "Parameters"):
  ψ = 0.67/ε, θ = ε/0.67, φ̃_i = (1+θ)/((1-ν_i)θ) - 1/θ - 1;
- ``kappa`` — labour-supply elasticity κ;
- ``passthrough`` — the constant in φ_i = c + φ̃_i (1 = complete firm-level pass-through, the paper's
  alternative is 0.25).

For every draw the chosen paper scenario is solved by Newton's method warm-started from the baseline
solution, and the region outcomes (USA, CHN, EU, non-US) are collected; the result holds the
requested percentiles (default p5/p50/p95) and the mean of each outcome per region. Draws run through
:func:`tariffsim.parallel.run_draws` (serial, local process pool, or Ray).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import polars as pl

from tariffsim.core.errors import ConvergenceError, InputError, SolverDiagnostics
from tariffsim.models import ge
from tariffsim.models.ge_data import GEModel, load_model
from tariffsim.models.ge_scenarios import REGIONS, get_scenario
from tariffsim.models.results import ModelResult

KINDS = ("fixed", "uniform", "lognormal", "normal", "triangular")
PARAMS = ("eps", "kappa", "passthrough")
#: Share of draws allowed to fail (non-convergence) before the whole run raises.
MAX_FAILED_SHARE = 0.05


@dataclass(frozen=True)
class Dist:
    """A parameter distribution.

    - ``fixed``: value ``a``;
    - ``uniform``: on [a, b];
    - ``lognormal``: median ``a``, log standard deviation ``b``;
    - ``normal``: mean ``a``, standard deviation ``b`` (draws must stay positive);
    - ``triangular``: low ``a``, mode ``c``, high ``b``.
    """

    kind: str
    a: float
    b: float = 0.0
    c: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(
                f"unknown distribution {self.kind!r}", hint=f"choose from {', '.join(KINDS)}"
            )
        if self.kind in ("uniform", "triangular") and not self.a <= self.b:
            raise InputError(f"{self.kind} needs low ≤ high (got {self.a}, {self.b})")
        if self.kind in ("lognormal", "normal") and self.b < 0:
            raise InputError(f"{self.kind} needs a non-negative spread (got {self.b})")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == "fixed":
            return np.full(n, self.a)
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b, n)
        if self.kind == "lognormal":
            return self.a * np.exp(self.b * rng.standard_normal(n))
        if self.kind == "normal":
            return self.a + self.b * rng.standard_normal(n)
        return rng.triangular(self.a, self.c, self.b, n)

    @classmethod
    def parse(cls, text: str) -> Dist:
        """``"4"`` (fixed), ``"uniform:3,6"``, ``"lognormal:4,0.25"``, ``"normal:0.5,0.1"``,
        ``"triangular:0.25,1,0.6"`` (low, high, mode)."""
        kind, _, rest = text.partition(":")
        try:
            if not rest:
                return cls("fixed", float(kind))
            nums = [float(x) for x in rest.split(",")]
        except ValueError:
            raise InputError(
                f"cannot read distribution {text!r}", hint="e.g. lognormal:4,0.25"
            ) from None
        need = {"fixed": 1, "uniform": 2, "lognormal": 2, "normal": 2, "triangular": 3}.get(kind)
        if need is None:
            raise InputError(
                f"unknown distribution {kind!r}", hint=f"choose from {', '.join(KINDS)}"
            )
        if len(nums) != need:
            raise InputError(f"{kind} takes {need} numbers, got {len(nums)} in {text!r}")
        return cls(kind, *nums)


#: Default uncertainty: ε log-normal around the paper's 4; κ uniform on [0.25, 0.75]; φ constant fixed.
DEFAULT_DISTS: dict[str, Dist] = {
    "eps": Dist("lognormal", 4.0, 0.25),
    "kappa": Dist("uniform", 0.25, 0.75),
    "passthrough": Dist("fixed", 1.0),
}


def model_with(
    base: GEModel, *, eps: float, kappa: float, passthrough: float, scale_share: float = 0.67
) -> GEModel:
    """The baseline calibration with ε, κ and the pass-through constant replaced (module doc)."""
    if not (eps > 0 and kappa >= 0 and math.isfinite(passthrough)):
        raise InputError(f"invalid parameters ε={eps}, κ={kappa}, c={passthrough}")
    theta = eps / scale_share
    nu = np.asarray(base.nu)
    phi_tilde = (1.0 + theta) / ((1.0 - nu) * theta) - 1.0 / theta - 1.0
    return base.with_params(
        eps=eps, kappa=kappa, psi=scale_share / eps, phi=passthrough + phi_tilde
    )


def _solve_draw(
    params: tuple[float, float, float],
    *,
    scenario: str,
    z0: np.ndarray | None,
    data_dir: str | None,
) -> np.ndarray | None:
    """One draw: region outcomes as a (4, 7) array, or None if the solve did not converge."""
    sc = get_scenario(scenario)
    base = load_model(sc.variant, data_dir)
    eps, kappa, c = params
    model = model_with(base, eps=eps, kappa=kappa, passthrough=c)
    try:
        eq = ge.solve(model, sc.build(model), revenue=sc.revenue, z0=z0)  # type: ignore[arg-type]
    except ConvergenceError:
        try:  # a cold start is more robust for draws far from the baseline
            eq = ge.solve(model, sc.build(model), revenue=sc.revenue)  # type: ignore[arg-type]
        except ConvergenceError:
            return None
    out = ge.outcomes(model, eq)
    masks = ge.region_members(model)
    return np.array(
        [
            [ge.region_average(model, getattr(out, col), masks[r]) for col in ge.Outcomes.COLUMNS]
            for r in REGIONS
        ]
    )


def draw_parameters(dists: Mapping[str, Dist], n: int, seed: int) -> np.ndarray:
    """An (n, 3) array of (ε, κ, pass-through constant) draws."""
    unknown = set(dists) - set(PARAMS)
    if unknown:
        raise InputError(f"unknown parameter(s) {sorted(unknown)}", hint=f"use {', '.join(PARAMS)}")
    full = {**DEFAULT_DISTS, **dists}
    rng = np.random.default_rng(seed)
    draws = np.column_stack([full[p].sample(rng, n) for p in PARAMS])
    if (draws[:, 0] <= 0).any() or (draws[:, 1] < 0).any():
        raise InputError("the distributions give non-positive ε or negative κ", hint="narrow them")
    return draws


def run_montecarlo(
    *,
    scenario: str = "ustr_income_tax",
    draws: int = 1000,
    dists: Mapping[str, Dist] | None = None,
    percentiles: Sequence[float] = (5.0, 50.0, 95.0),
    seed: int = 20250402,
    executor: str = "local",
    workers: int | None = None,
    progress: bool = True,
    data_dir: str | None = None,
) -> ModelResult:
    """Monte Carlo of a paper scenario; frame ``bands`` has one row per region x outcome.

    Columns: ``region``, ``outcome``, ``mean``, ``p<q>`` for each percentile q. Provenance holds the
    distributions, the seed and the number of failed draws.
    """
    from tariffsim.parallel import run_draws

    if draws < 1:
        raise InputError(f"need at least one draw (got {draws})")
    if any(not 0 <= q <= 100 for q in percentiles):
        raise InputError(f"percentiles must be within [0, 100] (got {list(percentiles)})")
    dists = dict(dists or {})
    sc = get_scenario(scenario)
    base = load_model(sc.variant, data_dir)
    z0 = ge.solve(base, sc.build(base), revenue=sc.revenue).z  # type: ignore[arg-type]
    params = draw_parameters(dists, draws, seed)
    fn = partial(_solve_draw, scenario=scenario, z0=z0, data_dir=data_dir)
    results = run_draws(
        fn,
        [tuple(map(float, p)) for p in params],
        executor=executor,
        workers=workers,
        progress=progress,
    )
    ok = [r for r in results if r is not None]
    failed = len(results) - len(ok)
    if not ok or failed > MAX_FAILED_SHARE * draws:
        raise ConvergenceError(
            f"{failed} of {draws} Monte Carlo draws did not converge",
            diagnostics=SolverDiagnostics(
                draws, float("nan"), ge.DEFAULT_TOL, False, {"failed": failed}
            ),
        )
    cube = np.stack(ok)  # (draws, regions, outcomes)
    pct = np.percentile(cube, percentiles, axis=0)  # (q, regions, outcomes)
    rows: list[dict[str, Any]] = []
    for ri, region in enumerate(REGIONS):
        for oi, col in enumerate(ge.Outcomes.COLUMNS):
            row: dict[str, Any] = {
                "region": region,
                "outcome": col,
                "mean": float(cube[:, ri, oi].mean()),
            }
            for qi, q in enumerate(percentiles):
                row[f"p{q:g}"] = float(pct[qi, ri, oi])
            rows.append(row)
    full = {**DEFAULT_DISTS, **dists}
    return ModelResult(
        model="ge-montecarlo",
        scenario=scenario,
        frames={"bands": pl.DataFrame(rows)},
        diagnostics=SolverDiagnostics(
            iterations=len(ok),
            residual_norm=0.0,
            tolerance=ge.DEFAULT_TOL,
            converged=True,
            details={"draws": draws, "failed": failed, "executor": executor},
        ),
        provenance={
            **dict(base.provenance),
            "distributions": {k: vars(v) for k, v in full.items()},
            "seed": seed,
            "percentiles": list(percentiles),
        },
    )
