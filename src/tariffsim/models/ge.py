"""Equilibrium of the multi-country GE tariff model, solved by Newton's method.

Model: Ignatenko, Lashkaripour, Macedoni & Simonovska (2025, JIE 157), as written in
``docs/ge-model-spec.md`` ("Equilibrium with new tariffs t'"). Unknowns are the changes
(new/old) ŵ_i, Ê_i, L̂_i; the solver works in logs ``z = (ln ŵ, ln Ê, ln L̂)`` so that every iterate is
positive. With ``A[j,i] = λ[j,i] (ŵ_j L̂_j^-ψ)^-ε (1+t'[j,i])^(-ε φ_i)`` and ``D_i = Σ_k A[k,i]``:

- ``λ'[j,i] = A[j,i]/D_i``, ``E'_i = Ê_i E_i``, ``Y'_i = ŵ_i L̂_i Y_i``,
- ``P̂_i = (Ê_i/ŵ_i)^(1-φ_i) D_i^(-1/ε)``,
- ``X'[j,i] = λ'[j,i] E'_i/(1+t'[j,i])``, ``R_i = Σ_j λ'[j,i] t'[j,i]/(1+t'[j,i]) E'_i``,
- income-tax relief ``τ_i = R_i/Y'_i``, ``τ̂_i = 1/(1-τ_i)``; lump-sum rebate ``τ̂_i = 1``.

Equations (N each):

1. ``Σ_k (1-ν_k) X'[i,k] + ν_i Σ_j X'[j,i] - Y'_i = 0`` for i < N; the last is replaced by the
   numéraire ``Σ_i (P̂_i - 1) E_i = 0``;
2. ``R_i + Y'_i + T_i ΣY'/ΣY - E'_i = 0``;
3. ``ln L̂_i - κ ln(τ̂_i ŵ_i / P̂_i) = 0`` (the spec's ``L̂ - (τ̂ŵ/P̂)^κ = 0`` in logs: same roots).

Equations 1–2 are divided by Y_i and the numéraire by ΣE (row scaling: it leaves Newton steps
unchanged and makes the residual a relative one). The Jacobian is analytic: with
``∂ln λ'[j,i]/∂ln ŵ_m = -ε(δ_jm - λ'[m,i])`` every trade term is a dense N x N matrix built with
broadcasting and one matrix product (see :func:`_system`). ``∂/∂ln L̂ = -ψ ∂/∂ln ŵ`` for everything
that depends on costs only.

A ``tariff_mode="iceberg"`` switch treats t' as an iceberg trade cost (no revenue, sales at full
value), the special case solved by USITC's gegravity (see :mod:`tariffsim.models.ge_gravity`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from tariffsim.core.errors import ConvergenceError, InputError, SolverDiagnostics
from tariffsim.models.ge_data import EU_MEMBERS, GEModel
from tariffsim.models.results import ModelResult

Revenue = Literal["income_tax", "lump_sum"]
TariffMode = Literal["ad_valorem", "iceberg"]
REVENUE_USES: tuple[str, ...] = ("income_tax", "lump_sum")

#: Convergence: max-norm of the scaled residual (relative to each country's income).
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 60
#: BLAS threads used by the Newton solves (see :func:`newton`).
BLAS_THREADS = 1
#: Largest step in any log-unknown per Newton iteration (a trust bound, not a tuning knob).
_MAX_LOG_STEP = 1.0


@dataclass(frozen=True)
class Equilibrium:
    """The solved counterfactual: unknowns, derived quantities and solver diagnostics.

    All arrays are length-N (country order of the model) except ``X_new`` (N x N, producer prices).
    """

    w_hat: np.ndarray
    E_hat: np.ndarray
    L_hat: np.ndarray
    P_hat: np.ndarray
    X_new: np.ndarray
    revenue: np.ndarray
    tau: np.ndarray
    tariffs: np.ndarray
    revenue_use: str
    tariff_mode: str
    diagnostics: SolverDiagnostics

    @property
    def z(self) -> np.ndarray:
        """The solution in log form (for warm starts)."""
        return np.concatenate([np.log(self.w_hat), np.log(self.E_hat), np.log(self.L_hat)])


def _check_tariffs(model: GEModel, tariffs: np.ndarray) -> np.ndarray:
    t = np.asarray(tariffs, dtype=float)
    n = model.n
    if t.shape != (n, n):
        raise InputError(
            f"tariff matrix has shape {t.shape}, expected ({n}, {n}) (row = exporter, column = importer)"
        )
    if not np.all(np.isfinite(t)) or np.any(t <= -1.0):
        raise InputError("tariffs must be finite and greater than -100%")
    return t


@dataclass
class _Work:
    """Intermediate quantities of one evaluation (shared by residual, Jacobian and outcomes)."""

    lam_new: np.ndarray
    X_new: np.ndarray
    rho: np.ndarray
    R: np.ndarray
    E_new: np.ndarray
    Y_new: np.ndarray
    lnP: np.ndarray
    ln_tau_hat: np.ndarray
    tau: np.ndarray


def _prepare(t: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``ln(1+t)``, the revenue share ``s = t/(1+t)`` and producer-price factor ``1/(1+t)``."""
    lt = np.log1p(t)
    if mode == "iceberg":
        return lt, np.zeros_like(t), np.ones_like(t)
    inv = 1.0 / (1.0 + t)
    return lt, t * inv, inv


def _evaluate(
    model: GEModel,
    z: np.ndarray,
    lt: np.ndarray,
    s: np.ndarray,
    inv: np.ndarray,
    revenue: str,
    sumY: float,
) -> _Work:
    n = model.n
    u, e, lab = z[:n], z[n : 2 * n], z[2 * n :]
    eps, psi = model.eps, model.psi
    # ln A[j,i] = ln λ[j,i] - ε(u_j - ψ l_j) - ε φ_i ln(1+t[j,i]); shift for numerical safety.
    cost = -eps * (u - psi * lab)
    logA = cost[:, None] - eps * model.phi[None, :] * lt
    shift = logA.max(axis=0)
    A = model.lam * np.exp(logA - shift[None, :])
    D = A.sum(axis=0)
    lam_new = A / D[None, :]
    lnD = np.log(D) + shift
    E_new = model.E * np.exp(e)
    Y_new = model.Y * np.exp(u + lab)
    X_new = lam_new * (E_new[None, :] * inv)
    rho = (lam_new * s).sum(axis=0)
    R = E_new * rho
    lnP = (1.0 - model.phi) * (e - u) - lnD / eps
    if revenue == "income_tax":
        tau = R / Y_new
        ln_tau_hat = -np.log1p(-tau)
    else:
        tau = np.zeros(n)
        ln_tau_hat = np.zeros(n)
    return _Work(lam_new, X_new, rho, R, E_new, Y_new, lnP, ln_tau_hat, tau)


def _system(
    model: GEModel,
    z: np.ndarray,
    lt: np.ndarray,
    s: np.ndarray,
    inv: np.ndarray,
    revenue: str,
    *,
    jacobian: bool,
) -> tuple[np.ndarray, np.ndarray | None, _Work]:
    """Scaled residual F(z) and, if asked, its analytic Jacobian dF/dz (3N x 3N).

    Derivatives (u = ln ŵ, e = ln Ê, l = ln L̂; c_k = 1-ν_k; for any cost-driven quantity
    ∂/∂l_m = -ψ ∂/∂u_m):

    - ``∂X'[j,i]/∂u_m = -ε X'[j,i](δ_jm - λ'[m,i])``, ``∂X'[j,i]/∂e_m = X'[j,i] δ_im``;
    - ``S_i = Σ_k c_k X'[i,k]``: ``∂S_i/∂u_m = -ε(δ_im S_i - [X' diag(c) λ'^T]_im)``,
      ``∂S_i/∂e_m = c_m X'[i,m]``;
    - ``ρ_i = Σ_j λ'[j,i] s[j,i]``: ``∂ρ_i/∂u_m = -ε λ'[m,i](s[m,i] - ρ_i)``; ``R = E'ρ``;
    - imports ``U_i = Σ_j X'[j,i] = E'_i - R_i``;
    - ``∂ln P̂_i/∂u_m = λ'[m,i] - (1-φ_i)δ_im``, ``∂ln P̂_i/∂l_m = -ψ λ'[m,i]``,
      ``∂ln P̂_i/∂e_m = (1-φ_i)δ_im``;
    - ``∂ln τ̂_i = (∂R_i - τ_i ∂Y'_i) / (Y'_i (1-τ_i))``.
    """
    n = model.n
    sumY = float(model.Y.sum())
    w = _evaluate(model, z, lt, s, inv, revenue, sumY)
    nu, phi, Y, E = model.nu, model.phi, model.Y, model.E
    eps, psi, kappa = model.eps, model.psi, model.kappa
    c = 1.0 - nu
    Xc = w.X_new * c[None, :]
    S = Xc.sum(axis=1)
    U = w.E_new - w.R
    Pw = np.exp(w.lnP)
    world = w.Y_new.sum() / sumY

    f1 = (S + nu * U - w.Y_new) / Y
    f1[-1] = float(((Pw - 1.0) * E).sum()) / float(E.sum())
    f2 = (w.R + w.Y_new + model.T * world - w.E_new) / Y
    f3 = z[2 * n :] - kappa * (w.ln_tau_hat + z[:n] - w.lnP)
    F = np.concatenate([f1, f2, f3])
    if not jacobian:
        return F, None, w

    eye = np.eye(n)
    lamT = w.lam_new.T
    # Trade terms w.r.t. u (dense N x N).
    dS_du = -eps * (np.diag(S) - Xc @ lamT)
    dS_de = Xc
    drho_du = -eps * (w.lam_new * (s - w.rho[None, :])).T
    dR_du = w.E_new[:, None] * drho_du
    dU_du = -dR_du
    dYn = np.diag(w.Y_new)

    trade_u = dS_du + nu[:, None] * dU_du
    J11_u = trade_u - dYn
    J11_l = -psi * trade_u - dYn
    J11_e = dS_de + np.diag(nu * U)

    dlnP_u = lamT - np.diag(1.0 - phi)
    dlnP_l = -psi * lamT
    dlnP_e = np.diag(1.0 - phi)
    EP = E * Pw / float(E.sum())
    num_u = EP @ dlnP_u
    num_l = EP @ dlnP_l
    num_e = EP @ dlnP_e

    spill = np.outer(model.T, w.Y_new) / sumY
    J2_u = dR_du + dYn + spill
    J2_l = -psi * dR_du + dYn + spill
    J2_e = np.diag(w.R - w.E_new)

    if revenue == "income_tax":
        k = 1.0 / (w.Y_new * (1.0 - w.tau))
        dlt_u = k[:, None] * (dR_du - w.tau[:, None] * dYn)
        dlt_l = k[:, None] * (-psi * dR_du - w.tau[:, None] * dYn)
        dlt_e = np.diag(k * w.R)
    else:
        dlt_u = dlt_l = dlt_e = np.zeros((n, n))
    J3_u = -kappa * (dlt_u + eye - dlnP_u)
    J3_l = eye - kappa * (dlt_l - dlnP_l)
    J3_e = -kappa * (dlt_e - dlnP_e)

    invY = (1.0 / Y)[:, None]
    J = np.empty((3 * n, 3 * n))
    J[:n, :n] = J11_u * invY
    J[:n, n : 2 * n] = J11_e * invY
    J[:n, 2 * n :] = J11_l * invY
    J[n - 1, :n] = num_u
    J[n - 1, n : 2 * n] = num_e
    J[n - 1, 2 * n :] = num_l
    J[n : 2 * n, :n] = J2_u * invY
    J[n : 2 * n, n : 2 * n] = J2_e * invY
    J[n : 2 * n, 2 * n :] = J2_l * invY
    J[2 * n :, :n] = J3_u
    J[2 * n :, n : 2 * n] = J3_e
    J[2 * n :, 2 * n :] = J3_l
    return F, J, w


def residual(
    model: GEModel,
    tariffs: np.ndarray,
    z: np.ndarray,
    *,
    revenue: Revenue = "income_tax",
    tariff_mode: TariffMode = "ad_valorem",
) -> np.ndarray:
    """Scaled residual F(z) of the equilibrium system at log-unknowns ``z`` (length 3N)."""
    t = _check_tariffs(model, tariffs)
    lt, s, inv = _prepare(t, tariff_mode)
    return _system(model, np.asarray(z, float), lt, s, inv, revenue, jacobian=False)[0]


def jacobian(
    model: GEModel,
    tariffs: np.ndarray,
    z: np.ndarray,
    *,
    revenue: Revenue = "income_tax",
    tariff_mode: TariffMode = "ad_valorem",
) -> np.ndarray:
    """Analytic Jacobian dF/dz of :func:`residual` (3N x 3N)."""
    t = _check_tariffs(model, tariffs)
    lt, s, inv = _prepare(t, tariff_mode)
    J = _system(model, np.asarray(z, float), lt, s, inv, revenue, jacobian=True)[1]
    assert J is not None
    return J


def newton(
    fun: Callable[[np.ndarray, bool], tuple[np.ndarray, np.ndarray | None]],
    z0: np.ndarray,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    max_step: float = _MAX_LOG_STEP,
    what: str = "system",
) -> tuple[np.ndarray, SolverDiagnostics]:
    """Damped Newton's method for ``F(z) = 0`` given ``fun(z, jac) -> (F, J or None)``.

    Each step solves ``J dz = -F``; the step is scaled so that ``max|dz| ≤ max_step`` and then
    halved until the merit ``½‖F‖²`` decreases by the Armijo factor ``1 - 1e-4·step``. Stops when
    ``max|F| ≤ tol``. BLAS runs single-threaded (``BLAS_THREADS``): the dense solves are small
    (3N = 582 at N = 194) and threads only add contention on shared machines and in process pools.

    Raises:
        ConvergenceError: after ``max_iter`` iterations, on a singular Jacobian or non-finite values.
    """
    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        return _newton(fun, z0, tol=tol, max_iter=max_iter, max_step=max_step, what=what)


def _newton(
    fun: Callable[[np.ndarray, bool], tuple[np.ndarray, np.ndarray | None]],
    z0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    max_step: float,
    what: str,
) -> tuple[np.ndarray, SolverDiagnostics]:
    z = np.array(z0, dtype=float)
    F, J = fun(z, True)
    norm = float(np.max(np.abs(F))) if F.size else 0.0
    merit = 0.5 * float(F @ F)
    it = backtracks = 0

    def fail(msg: str) -> ConvergenceError:
        return ConvergenceError(
            f"{what}: {msg}",
            diagnostics=SolverDiagnostics(
                it, norm, tol, False, {"method": "newton", "backtracks": backtracks}
            ),
        )

    if not np.isfinite(norm):
        raise fail("non-finite residual at the starting point")
    while not norm <= tol:
        if not np.isfinite(norm):
            raise fail("non-finite residual")
        if it >= max_iter:
            raise fail("did not converge")
        assert J is not None
        try:
            dz = -np.linalg.solve(J, F)
        except np.linalg.LinAlgError:
            raise fail("singular Jacobian") from None
        big = float(np.max(np.abs(dz)))
        if not np.isfinite(big):
            raise fail("non-finite Newton step")
        if big > max_step:
            dz *= max_step / big
        step = 1.0
        while True:
            z_try = z + step * dz
            with np.errstate(all="ignore"):
                F_try = fun(z_try, False)[0]
            m_try = 0.5 * float(F_try @ F_try) if np.all(np.isfinite(F_try)) else np.inf
            if m_try <= (1.0 - 1e-4 * step) * merit or step < 1e-6:
                break
            step *= 0.5
            backtracks += 1
        z = z_try
        F, J = fun(z, True)
        merit = 0.5 * float(F @ F)
        norm = float(np.max(np.abs(F)))
        it += 1
    return z, SolverDiagnostics(
        iterations=it,
        residual_norm=norm,
        tolerance=tol,
        converged=True,
        details={"method": "newton (analytic Jacobian)", "backtracks": backtracks},
    )


def solve(
    model: GEModel,
    tariffs: np.ndarray,
    *,
    revenue: Revenue = "income_tax",
    tariff_mode: TariffMode = "ad_valorem",
    z0: np.ndarray | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    continuation: bool = True,
) -> Equilibrium:
    """Solve the equilibrium for new tariffs ``tariffs[j, i]`` (importer i on exporter j).

    Newton's method on the log-unknowns with the analytic Jacobian, a step bounded to
    ``|Δz| ≤ 1`` and a backtracking (Armijo) line search on ``½‖F‖²``. Converged when
    ``max|F| ≤ tol`` (residuals relative to each country's income).

    If Newton fails from ``z0`` (large tariffs: e.g. income-tax relief τ ≥ 1 at the starting point)
    and ``continuation`` is on, the tariff factors are scaled in, ``(1+t)^s - 1`` for s rising to 1,
    each stage warm-started from the previous one, halving the stride on failure (down to 1/256).

    Raises:
        ConvergenceError: if neither the direct solve nor the continuation reaches ``tol``.
    """
    if revenue not in REVENUE_USES:
        raise InputError(f"unknown revenue use {revenue!r}", hint="use income_tax or lump_sum")
    t = _check_tariffs(model, tariffs)
    lt, s, inv = _prepare(t, tariff_mode)
    n = model.n
    z_start = np.zeros(3 * n) if z0 is None else np.array(z0, dtype=float)
    if z_start.shape != (3 * n,):
        raise InputError(f"starting values must have length {3 * n}, got {z_start.shape}")

    def attempt(scale: float, z_init: np.ndarray) -> tuple[np.ndarray, SolverDiagnostics]:
        lt_k, s_k, inv_k = _prepare(np.expm1(scale * lt), tariff_mode)

        def fun(z: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None]:
            with np.errstate(invalid="ignore", divide="ignore"):
                F, J, _ = _system(model, z, lt_k, s_k, inv_k, revenue, jacobian=jac)
            return F, J

        return newton(fun, z_init, tol=tol, max_iter=max_iter, what="GE equilibrium")

    try:
        z, diag = attempt(1.0, z_start)
    except ConvergenceError as first:
        if not continuation:
            raise
        z, diag = _continuation(attempt, z_start, first)
    _, _, w = _system(model, z, lt, s, inv, revenue, jacobian=False)
    return Equilibrium(
        w_hat=np.exp(z[:n]),
        E_hat=np.exp(z[n : 2 * n]),
        L_hat=np.exp(z[2 * n :]),
        P_hat=np.exp(w.lnP),
        X_new=w.X_new,
        revenue=w.R,
        tau=w.tau,
        tariffs=t,
        revenue_use=revenue,
        tariff_mode=tariff_mode,
        diagnostics=diag,
    )


def _continuation(
    attempt: Callable[[float, np.ndarray], tuple[np.ndarray, SolverDiagnostics]],
    z_start: np.ndarray,
    first: ConvergenceError,
) -> tuple[np.ndarray, SolverDiagnostics]:
    """Homotopy in the tariff scale s ∈ (0, 1] (see :func:`solve`)."""
    z = np.zeros_like(z_start)
    done, stride = 0.0, 0.25
    iterations, stages = first.diagnostics.iterations, 0
    last = first.diagnostics
    while done < 1.0:
        target = min(1.0, done + stride)
        try:
            z_new, d = attempt(target, z)
        except ConvergenceError as exc:
            iterations += exc.diagnostics.iterations
            last = exc.diagnostics
            stride /= 2.0
            if stride < 1.0 / 256:
                raise ConvergenceError(
                    f"GE equilibrium: continuation stalled at tariff scale {done:.4f} (beyond some "
                    "tariff level no equilibrium exists when a surplus country's expenditure, net of "
                    "its fixed deficit transfer, reaches zero)",
                    diagnostics=SolverDiagnostics(
                        iterations,
                        last.residual_norm,
                        last.tolerance,
                        False,
                        {"method": "newton + tariff continuation", "scale_reached": done},
                    ),
                ) from None
            continue
        z, done, stages = z_new, target, stages + 1
        iterations += d.iterations
        last = d
        stride = min(2.0 * stride, 0.5)
    return z, SolverDiagnostics(
        iterations=iterations,
        residual_norm=last.residual_norm,
        tolerance=last.tolerance,
        converged=True,
        details={"method": "newton (analytic Jacobian) + tariff continuation", "stages": stages},
    )


# ----------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class Outcomes:
    """Percent changes per country (spec, "Outcomes"); arrays of length N."""

    welfare_pct: np.ndarray
    deficit_pct: np.ndarray
    exports_gdp_pct: np.ndarray
    imports_gdp_pct: np.ndarray
    employment_pct: np.ndarray
    prices_pct: np.ndarray
    revenue_gdp_pct: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    COLUMNS = (
        "welfare_pct",
        "deficit_pct",
        "exports_gdp_pct",
        "imports_gdp_pct",
        "employment_pct",
        "prices_pct",
        "revenue_gdp_pct",
    )


def welfare_change(model: GEModel, eq: Equilibrium) -> np.ndarray:
    """Ŵ_i - 1 with ``δ_i = E_i/(E_i - κ(1-τ_i)Y_i/(1+κ))`` and
    ``Ŵ_i = δ_i Ê_i/P̂_i + (1-δ_i) ŵ_i L̂_i/P̂_i`` (spec, "Outcomes")."""
    k = model.kappa
    delta = model.E / (model.E - k * (1.0 - eq.tau) * model.Y / (1.0 + k))
    W = delta * eq.E_hat / eq.P_hat + (1.0 - delta) * eq.w_hat * eq.L_hat / eq.P_hat
    return W - 1.0


def outcomes(model: GEModel, eq: Equilibrium) -> Outcomes:
    """All outcome percent changes of the spec for each country.

    Revenue: ``revenue_gdp_pct = 100 R_i / E_i`` (baseline expenditure). The spec writes
    ``R_i/E'_i``; the paper's published revenue figures (1.14% of GDP for the USTR tariffs, Table 3)
    and the replication package's output (``output_map.csv``: US 0.011374) are ``R_i/E_i``, so the
    published definition is used here and the spec's is kept as ``revenue_new_expenditure_pct``.
    """
    X0, X1 = model.X, eq.X_new
    d0, d1 = np.diag(X0), np.diag(X1)
    exp0 = X0.sum(axis=1) - d0
    imp0 = X0.sum(axis=0) - d0
    exp1 = X1.sum(axis=1) - d1
    imp1 = X1.sum(axis=0) - d1
    D0 = imp0 - exp0
    D1 = imp1 - exp1
    Y1 = eq.w_hat * eq.L_hat * model.Y
    with np.errstate(divide="ignore", invalid="ignore"):
        deficit = 100.0 * (D1 - D0) / np.abs(D0)
        exports = 100.0 * ((exp1 / Y1) / (exp0 / model.Y) - 1.0)
        imports = 100.0 * ((imp1 / Y1) / (imp0 / model.Y) - 1.0)
    return Outcomes(
        welfare_pct=100.0 * welfare_change(model, eq),
        deficit_pct=deficit,
        exports_gdp_pct=exports,
        imports_gdp_pct=imports,
        employment_pct=100.0 * (eq.L_hat - 1.0),
        prices_pct=100.0 * (eq.P_hat - 1.0),
        revenue_gdp_pct=100.0 * eq.revenue / model.E,
        extra={
            "wage_pct": 100.0 * (eq.w_hat - 1.0),
            "revenue_new_expenditure_pct": 100.0 * eq.revenue / (eq.E_hat * model.E),
        },
    )


def region_members(model: GEModel) -> dict[str, np.ndarray]:
    """Boolean masks of the report regions: USA, CHN, EU (25 members) and non-US."""
    iso = np.asarray(model.iso3)
    masks = {
        "USA": iso == "USA",
        "CHN": iso == "CHN",
        "EU": np.isin(iso, EU_MEMBERS),
        "non-US": iso != "USA",
    }
    return masks


def region_average(model: GEModel, values: np.ndarray, mask: np.ndarray) -> float:
    """Baseline-expenditure-weighted average of ``values`` over the countries in ``mask``."""
    wts = model.E * mask
    ok = np.isfinite(values) & mask
    return float((values[ok] * wts[ok]).sum() / wts[ok].sum())


def countries_frame(model: GEModel, eq: Equilibrium, out: Outcomes | None = None) -> pl.DataFrame:
    """One row per country: the outcome columns plus wage and tariff figures."""
    out = out or outcomes(model, eq)
    us = model.us
    return pl.DataFrame(
        {
            "iso3": list(model.iso3),
            "country": list(model.names),
            **{c: getattr(out, c) for c in Outcomes.COLUMNS},
            "wage_pct": out.extra["wage_pct"],
            "revenue_new_expenditure_pct": out.extra["revenue_new_expenditure_pct"],
            "us_tariff_rate": eq.tariffs[:, us],
            "tariff_on_us_rate": eq.tariffs[us, :],
        }
    )


def regions_frame(model: GEModel, eq: Equilibrium, out: Outcomes | None = None) -> pl.DataFrame:
    """One row per report region (USA, CHN, EU, non-US), E-weighted averages."""
    out = out or outcomes(model, eq)
    rows = []
    for name, mask in region_members(model).items():
        row: dict[str, Any] = {"region": name}
        for c in Outcomes.COLUMNS:
            row[c] = region_average(model, getattr(out, c), mask)
        rows.append(row)
    return pl.DataFrame(rows)


def make_result(
    model: GEModel, eq: Equilibrium, *, scenario: str, extra: dict[str, Any] | None = None
) -> ModelResult:
    """Wrap a solved equilibrium as a frozen :class:`ModelResult` (frames ``countries``, ``regions``)."""
    out = outcomes(model, eq)
    prov = dict(model.provenance)
    prov.update({"revenue_use": eq.revenue_use, "tariff_mode": eq.tariff_mode})
    if extra:
        prov.update(extra)
    return ModelResult(
        model="ge",
        scenario=scenario,
        frames={
            "countries": countries_frame(model, eq, out),
            "regions": regions_frame(model, eq, out),
        },
        diagnostics=eq.diagnostics,
        provenance=prov,
    )
