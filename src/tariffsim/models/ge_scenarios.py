"""The scenarios of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025, JIE 157).

Each scenario is a tariff matrix ``t'[j, i]`` (importer i on exporter j), a revenue use and a
calibration variant (spec ``docs/ge-model-spec.md``, "Scenarios of the paper"):

================================  =====================================================  ==========
scenario                          tariffs                                                variant
================================  =====================================================  ==========
``ustr_income_tax``               US: max(10%, USTR rate) on every exporter              baseline
``ustr_lump_sum``                 same, revenue rebated lump sum                         baseline
``optimal_income_tax``            US: uniform t* = 1/((1+δ_US ε)φ_US - 1)                baseline
``ustr_reciprocal_retaliation``   USTR, and every i sets t'[US,i] = t'[i,US]             baseline
``ustr_optimal_retaliation``      USTR, and every i sets the two-region optimal rate     baseline
``optimal_optimal_retaliation``   US optimal (Y_US in δ_US), others optimal retaliation  baseline
``eps8``                          USTR, ε = 8 in the equilibrium                         eps8
``partial_passthrough``           USTR, φ = 0.25 + φ̃                                    partial_pt
``ekk``                           USTR, Eaton–Kortum–Krugman (ν = 0, φ = 1)              ekk
================================  =====================================================  ==========
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.models.ge_data import GEModel, load_model, two_region
from tariffsim.models.results import ModelResult

Retaliation = Literal["none", "reciprocal", "optimal"]
RETALIATIONS: tuple[str, ...] = ("none", "reciprocal", "optimal")
REGIONS: tuple[str, ...] = ("USA", "CHN", "EU", "non-US")


def us_import_tariffs(model: GEModel, rates: np.ndarray | float) -> np.ndarray:
    """Tariff matrix with the US levying ``rates[j]`` on exporter j (zero on itself), zero elsewhere."""
    n, us = model.n, model.us
    t = np.zeros((n, n))
    t[:, us] = np.broadcast_to(np.asarray(rates, dtype=float), (n,))
    t[us, us] = 0.0
    return t


def ustr_rates(model: GEModel) -> np.ndarray:
    """The USTR (April-2025) US tariff by exporter with the 10% floor: ``max(0.10, tariffs.csv_j)``."""
    r = np.maximum(0.10, np.asarray(model.ustr_tariff, dtype=float))
    r[model.us] = 0.0
    return r


def optimal_tariff_formula(model: GEModel, *, use_income: bool = False) -> float:
    """The US's unilaterally optimal uniform tariff (spec, "Optimal US tariff").

    ``δ_US = Σ_{k≠US} X[US,k](1-ν_k)(1-λ[US,k]) / ((1-ν_US)(E_US - X[US,US]))`` and
    ``t* = 1/((1 + δ_US ε) φ_US - 1)``. With ``use_income=True`` the denominator uses Y_US in place
    of E_US (the variant of the "optimal tariff with optimal retaliation" case).
    """
    us = model.us
    x, nu, lam = model.X, model.nu, model.lam
    mask = np.ones(model.n, bool)
    mask[us] = False
    num = float((x[us, mask] * (1.0 - nu[mask]) * (1.0 - lam[us, mask])).sum())
    size = model.Y[us] if use_income else model.E[us]
    delta = num / ((1.0 - nu[us]) * (size - x[us, us]))
    return 1.0 / ((1.0 + delta * model.eps) * model.phi[us] - 1.0)


def optimal_retaliation_rate(model: GEModel) -> float:
    """The rest of the world's optimal retaliatory tariff on the US (two-region formula of the spec).

    ``X2, Y2`` aggregate the completed matrix and Y to (1 = non-US, 2 = US);
    ``λ2[r,s] = X2[r,s]/Σ_q X2[q,s]``;
    ``δ_1 = X2[1,2](1-ν_2)(1-λ2[1,2]) / ((1-ν_1)(Y2_1 - X2[1,1]))``; rate ``1/((1+δ_1 ε)φ_1 - 1)``.
    """
    us = model.us
    x2, y2 = two_region(np.asarray(model.X), np.asarray(model.Y), us)
    lam2 = x2 / x2.sum(axis=0)[None, :]
    nu1, nu2 = model.nu2
    delta1 = x2[0, 1] * (1.0 - nu2) * (1.0 - lam2[0, 1]) / ((1.0 - nu1) * (y2[0] - x2[0, 0]))
    non_us = 0 if us != 0 else 1
    return 1.0 / ((1.0 + delta1 * model.eps) * model.phi[non_us] - 1.0)


def apply_retaliation(model: GEModel, t: np.ndarray, retaliation: Retaliation) -> np.ndarray:
    """Add the partners' response to a US tariff matrix: none, reciprocal or optimal."""
    if retaliation not in RETALIATIONS:
        raise InputError(
            f"unknown retaliation {retaliation!r}", hint=f"choose from {', '.join(RETALIATIONS)}"
        )
    t = np.array(t, dtype=float)
    us = model.us
    if retaliation == "reciprocal":
        t[us, :] = t[:, us]
    elif retaliation == "optimal":
        t[us, :] = optimal_retaliation_rate(model)
    t[us, us] = 0.0
    return t


@dataclass(frozen=True)
class Scenario:
    """A named experiment: a tariff builder, a revenue use and a calibration variant."""

    name: str
    description: str
    variant: str
    revenue: str
    build: Callable[[GEModel], np.ndarray]


def _ustr(model: GEModel) -> np.ndarray:
    return us_import_tariffs(model, ustr_rates(model))


def _optimal(model: GEModel) -> np.ndarray:
    return us_import_tariffs(model, optimal_tariff_formula(model))


def _ustr_reciprocal(model: GEModel) -> np.ndarray:
    return apply_retaliation(model, _ustr(model), "reciprocal")


def _ustr_optimal(model: GEModel) -> np.ndarray:
    return apply_retaliation(model, _ustr(model), "optimal")


def _optimal_optimal(model: GEModel) -> np.ndarray:
    t = us_import_tariffs(model, optimal_tariff_formula(model, use_income=True))
    return apply_retaliation(model, t, "optimal")


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("ustr_income_tax", "USTR tariffs, revenue cuts income tax, no retaliation", "baseline", "income_tax", _ustr),
        Scenario("ustr_lump_sum", "USTR tariffs, revenue rebated lump sum, no retaliation", "baseline", "lump_sum", _ustr),
        Scenario("optimal_income_tax", "uniform optimal US tariff (formula), no retaliation", "baseline", "income_tax", _optimal),
        Scenario("ustr_reciprocal_retaliation", "USTR tariffs, partners retaliate reciprocally", "baseline", "income_tax", _ustr_reciprocal),
        Scenario("ustr_optimal_retaliation", "USTR tariffs, partners retaliate optimally", "baseline", "income_tax", _ustr_optimal),
        Scenario("optimal_optimal_retaliation", "optimal US tariff, partners retaliate optimally", "baseline", "income_tax", _optimal_optimal),
        Scenario("eps8", "USTR tariffs, trade elasticity 8", "eps8", "income_tax", _ustr),
        Scenario("partial_passthrough", "USTR tariffs, incomplete firm-level pass-through", "partial_passthrough", "income_tax", _ustr),
        Scenario("ekk", "USTR tariffs, Eaton-Kortum-Krugman model", "ekk", "income_tax", _ustr),
    )
}  # fmt: skip


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; :class:`InputError` listing the known ones otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise InputError(
            f"unknown GE scenario {name!r}", hint=f"choose from {', '.join(SCENARIOS)}"
        ) from None


def run_scenario(name: str, *, data_dir: str | None = None) -> ModelResult:
    """Solve one paper scenario; returns a :class:`~tariffsim.models.results.ModelResult`."""
    from tariffsim.models import ge

    sc = get_scenario(name)
    model = load_model(sc.variant, data_dir)
    t = sc.build(model)
    eq = ge.solve(model, t, revenue=sc.revenue)  # type: ignore[arg-type]
    return ge.make_result(model, eq, scenario=name, extra={"description": sc.description})


def law_scenario(
    on: dt.date,
    reform: str | Path | None = None,
    *,
    horizon: str = "long-run",
    retaliation: Retaliation = "none",
    revenue: str = "income_tax",
) -> ModelResult:
    """The GE with the US tariffs the law sets on ``on`` (optionally with a reform file applied).

    The US tariff on each exporter is the change the schedule makes between the GE's baseline date
    and ``on`` (:func:`tariffsim.models.law_tariffs.ge_tariffs_from_schedule`). ``horizon``
    ``short-run`` solves with the short-run trade elasticity (:mod:`tariffsim.models.horizons`).
    The scenario is named ``law_<date>[_<reform stem>][+<retaliation>_retaliation]``.
    """
    from tariffsim.models import ge
    from tariffsim.models.horizons import check_horizon, ge_trade_elasticity
    from tariffsim.models.law_tariffs import ge_tariffs_from_schedule

    check_horizon(horizon)
    if revenue not in ge.REVENUE_USES:
        raise InputError(f"unknown revenue use {revenue!r}", hint="use income_tax or lump_sum")
    model = load_model("short_run" if horizon == "short-run" else "baseline")
    rates = ge_tariffs_from_schedule(on=on, reform=reform, iso3=model.iso3)
    t = apply_retaliation(model, us_import_tariffs(model, rates), retaliation)
    name = f"law_{on.isoformat()}" + (f"_{Path(reform).stem}" if reform else "")
    if retaliation != "none":
        name += f"+{retaliation}_retaliation"
    eq = ge.solve(model, t, revenue=revenue)  # type: ignore[arg-type]
    eps, eps_src = ge_trade_elasticity(horizon)
    return ge.make_result(
        model,
        eq,
        scenario=name,
        extra={"horizon": horizon, "trade_elasticity": eps, "trade_elasticity_source": eps_src},
    )


def reproduce_ilms2025(*, data_dir: str | None = None) -> list[dict[str, object]]:
    """All 9 scenarios x 4 regions as records (the ``ge reproduce-ilms2025 --json`` output)."""
    rows: list[dict[str, object]] = []
    for name in SCENARIOS:
        res = run_scenario(name, data_dir=data_dir)
        for r in res.frame("regions").to_dicts():
            rows.append({"scenario": name, **r})
    return rows
