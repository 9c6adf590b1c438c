"""Newton solver of the GE model: analytic Jacobian, convergence, identities at the solution."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import ConvergenceError, InputError
from tariffsim.models import ge
from tariffsim.models.ge_data import load_model
from tariffsim.models.ge_scenarios import get_scenario, us_import_tariffs


@pytest.fixture(scope="session")
def model(shared_data):
    return load_model("baseline", str(shared_data / "ge_2023"))


@pytest.fixture(scope="session")
def ustr(model):
    return get_scenario("ustr_income_tax").build(model)


def _fd_jacobian(model, t, z, **kw):
    h = 1e-6
    n3 = z.size
    J = np.empty((n3, n3))
    for k in range(n3):
        d = np.zeros(n3)
        d[k] = h
        J[:, k] = (ge.residual(model, t, z + d, **kw) - ge.residual(model, t, z - d, **kw)) / (
            2 * h
        )
    return J


@pytest.mark.parametrize(
    ("revenue", "mode", "retaliate"),
    [
        ("income_tax", "ad_valorem", False),
        ("lump_sum", "ad_valorem", True),
        ("income_tax", "iceberg", True),
    ],
)
def test_analytic_jacobian_matches_finite_differences(model, ustr, revenue, mode, retaliate):
    # Central differences (h = 1e-6) at a random point away from the solution; the analytic
    # Jacobian must agree to 1e-6 relative (max-norm), as the brief requires.
    t = np.array(ustr)
    if retaliate:
        t[model.us, :] = t[:, model.us]
    z = np.random.default_rng(7).normal(0.0, 0.05, 3 * model.n)
    J = ge.jacobian(model, t, z, revenue=revenue, tariff_mode=mode)
    Jfd = _fd_jacobian(model, t, z, revenue=revenue, tariff_mode=mode)
    assert np.max(np.abs(J - Jfd)) / np.max(np.abs(Jfd)) <= 1e-6


def test_zero_tariffs_give_the_baseline(model):
    # With no new tariffs the calibrated baseline is an equilibrium: all hats are 1, 0 iterations.
    eq = ge.solve(model, np.zeros((model.n, model.n)))
    assert eq.diagnostics.iterations == 0
    assert eq.w_hat == pytest.approx(np.ones(model.n), abs=1e-12)
    assert ge.welfare_change(model, eq) == pytest.approx(np.zeros(model.n), abs=1e-12)


def test_solution_satisfies_the_spec_equations(model, ustr):
    eq = ge.solve(model, ustr)
    d = eq.diagnostics
    assert d.converged and d.residual_norm <= 1e-10 and d.iterations <= 10
    n, us = model.n, model.us
    Yp = eq.w_hat * eq.L_hat * model.Y
    Ep = eq.E_hat * model.E
    X1 = eq.X_new
    # Eq. 1 (all but the last country), relative to income.
    wage = X1 @ (1 - model.nu) + model.nu * X1.sum(axis=0) - Yp
    assert np.max(np.abs(wage[:-1] / model.Y[:-1])) < 1e-9
    # Numéraire: Σ (P̂ - 1) E = 0.
    assert abs(((eq.P_hat - 1) * model.E).sum()) / model.E.sum() < 1e-12
    # Eq. 2 (budget) and eq. 3 in the spec's level form L̂ = (τ̂ ŵ / P̂)^κ.
    budget = eq.revenue + Yp + model.T * Yp.sum() / model.Y.sum() - Ep
    assert np.max(np.abs(budget / model.Y)) < 1e-9
    tau_hat = 1 / (1 - eq.revenue / Yp)
    assert eq.L_hat == pytest.approx((tau_hat * eq.w_hat / eq.P_hat) ** model.kappa, rel=1e-10)
    # By Walras' law the dropped wage equation (ZWE) holds too.
    assert abs(wage[-1] / model.Y[-1]) < 1e-8
    # Only the US collects revenue; it equals Σ_j t/(1+t) λ' E' on its imports.
    assert np.all(eq.revenue[np.arange(n) != us] == 0)
    assert eq.revenue[us] == pytest.approx((ustr[:, us] * X1[:, us]).sum(), rel=1e-12)


def test_warm_start_converges_faster(model, ustr):
    cold = ge.solve(model, ustr)
    t2 = np.array(ustr) * 1.01
    warm = ge.solve(model, t2, z0=cold.z)
    assert warm.diagnostics.iterations < cold.diagnostics.iterations


def test_non_convergence_raises_with_diagnostics(model, ustr):
    with pytest.raises(ConvergenceError) as err:
        ge.solve(model, ustr, max_iter=1, continuation=False)
    assert err.value.diagnostics.iterations == 1 and not err.value.diagnostics.converged
    assert err.value.diagnostics.residual_norm > 1e-10
    # With continuation, every stage is also capped at one iteration: it must give up and raise.
    with pytest.raises(ConvergenceError) as err2:
        ge.solve(model, ustr, max_iter=1)
    assert not err2.value.diagnostics.converged


def test_bad_inputs(model):
    with pytest.raises(InputError):
        ge.solve(model, np.zeros((3, 3)))
    with pytest.raises(InputError):
        ge.solve(model, np.full((model.n, model.n), -1.0))
    with pytest.raises(InputError):
        ge.solve(model, np.zeros((model.n, model.n)), revenue="bribes")  # type: ignore[arg-type]


def test_lump_sum_and_income_tax_differ_only_through_tau(model):
    # Lump-sum rebate: τ = 0 so labour supply responds to the real wage only (spec "revenue use").
    t = us_import_tariffs(model, 0.2)
    a = ge.solve(model, t, revenue="lump_sum")
    b = ge.solve(model, t, revenue="income_tax")
    assert np.all(a.tau == 0) and b.tau[model.us] > 0
    assert a.L_hat[model.us] < b.L_hat[model.us]


def test_result_frames(model, ustr):
    res = ge.make_result(model, ge.solve(model, ustr), scenario="ustr_income_tax")
    regions = res.frame("regions")
    assert regions["region"].to_list() == ["USA", "CHN", "EU", "non-US"]
    assert res.frame("countries").height == model.n
    d = res.to_dict()
    assert d["diagnostics"]["converged"] and d["provenance"]["variant"] == "baseline"
    with pytest.raises(InputError):
        res.frame("nope")


def test_continuation_handles_infeasible_starting_point(model):
    # A 30% tariff by every country on every other: at the starting point (all hats 1) some very
    # open economies would collect revenue above their income (τ ≥ 1), so plain Newton cannot start;
    # the tariff continuation reaches the equilibrium, which satisfies the equations to 1e-10.
    t = 0.3 * (np.ones((model.n, model.n)) - np.eye(model.n))
    with pytest.raises(ConvergenceError, match="starting point"):
        ge.solve(model, t, continuation=False)
    eq = ge.solve(model, t)
    assert eq.diagnostics.converged and eq.diagnostics.details["stages"] >= 2
    assert np.all(np.isfinite(eq.w_hat)) and eq.tau.max() < 1
    z = eq.z
    assert np.max(np.abs(ge.residual(model, t, z))) <= 1e-10
