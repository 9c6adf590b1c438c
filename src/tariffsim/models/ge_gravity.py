"""The one-sector structural-gravity special case, for the cross-check with USITC's gegravity.

gegravity (Herman, USITC; v0.3) solves the Anderson–van Wincoop endowment model of Yotov, Piermartini,
Monteiro & Larch (2016), *An Advanced Guide to Trade Policy Analysis*: trade costs
``τ_ij = t_ij^(1-σ) = exp(Σ_k β_k x^k_ij)`` from gravity coefficients, output shares
``s_i = Y_i/ΣY``, expenditure shares ``e_j = E_j/ΣE`` and multilateral resistances
``a_i = Π_i^(σ-1)``, ``b_j = P_j^(σ-1)`` (``b_ref = 1`` for the reference importer):

    b_j Σ_i τ_ij s_i a_i = 1   (j ≠ ref),        a_i Σ_j τ_ij e_j b_j = 1   (all i).

Modeled baseline trade is ``X_ij = τ_ij s_i E_j a_i b_j``.

Reading its source shows that its "full GE" step keeps the baseline shares ``s`` and ``e`` in both
resistance equations, so its counterfactual resistances equal the conditional ones, and factory-gate
prices are read off as ``p_i^(1-σ) = a'_i/a_i``. In changes (ε = σ-1, τ̂ = τ'/τ) that closure is

    Ĝ_j ≡ P̂_j^(-ε) = Σ_i λ_ij τ̂_ij p_i^(-ε)  (j ≠ ref; Ĝ_ref = 1),
    Σ_j m_ij τ̂_ij p_i^(-ε) / Ĝ_j = 1           (all i),

with ``λ_ij = X_ij/E_j`` and ``m_ij = X_ij/Y_i`` from the modeled baseline: nominal incomes and
expenditures are held at their baseline values while relative prices adjust. :func:`solve_gegravity_closure`
solves exactly that system with this package's Newton driver (:func:`tariffsim.models.ge.newton`,
analytic Jacobian ``J = -εI + ε W Λ'ᵀ``) and reproduces gegravity to solver precision.

:func:`solve_full_endowment` instead solves the *full* endowment equilibrium with the paper's GE
solver (:func:`tariffsim.models.ge.solve`) configured as that special case — ν = 0, φ = 1 (one
sector, complete pass-through), ψ = 0 (no scale economies), κ = 0 (fixed labour), tariffs as iceberg
costs with no revenue, ``(1+t')^(-ε) = τ̂`` — where incomes move with prices. The two differ by the
income effects gegravity leaves out (second order for small shocks); ``docs/ge.md`` reports both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError, SolverDiagnostics
from tariffsim.models import ge
from tariffsim.models.ge_data import GEModel


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class GravityData:
    """Square gravity inputs in country order (exporter rows, importer columns).

    Attributes:
        countries: identifiers, sorted.
        costs: variable name -> N x N matrix of that cost variable.
        Y, E: output and expenditure by country.
        sigma: elasticity of substitution (σ > 1).
        reference: identifier of the reference importer (P normalised to 1).
    """

    countries: tuple[str, ...]
    costs: Mapping[str, np.ndarray]
    Y: np.ndarray
    E: np.ndarray
    sigma: float
    reference: str

    @property
    def n(self) -> int:
        return len(self.countries)

    @property
    def ref(self) -> int:
        return self.countries.index(self.reference)

    def tau(
        self, coeffs: Mapping[str, float], overrides: Mapping[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """``t^(1-σ) = exp(Σ_k β_k x^k)`` with optional replacement matrices for some variables."""
        acc = np.zeros((self.n, self.n))
        for var, beta in coeffs.items():
            x = (overrides or {}).get(var, self.costs.get(var))
            if x is None:
                raise InputError(f"cost variable {var!r} is not in the gravity data")
            acc += float(beta) * np.asarray(x, dtype=float)
        return np.exp(acc)


def gravity_data_from_records(
    rows: Sequence[Mapping[str, Any]],
    *,
    cost_variables: Sequence[str],
    sigma: float,
    reference: str,
    exporter: str = "exporter",
    importer: str = "importer",
    output: str = "Y",
    expenditure: str = "E",
) -> GravityData:
    """Build :class:`GravityData` from long-format rows (one per exporter–importer pair).

    Output Y is taken per exporter and expenditure E per importer (the mean over rows, as gegravity does).
    """
    if sigma <= 1:
        raise InputError(f"σ must exceed 1 (got {sigma})")
    countries = tuple(sorted({str(r[exporter]) for r in rows} | {str(r[importer]) for r in rows}))
    idx = {c: k for k, c in enumerate(countries)}
    n = len(countries)
    if reference not in idx:
        raise InputError(f"reference importer {reference!r} is not in the data")
    costs = {v: np.full((n, n), np.nan) for v in cost_variables}
    ysum, ycnt = np.zeros(n), np.zeros(n)
    esum, ecnt = np.zeros(n), np.zeros(n)
    for r in rows:
        i, j = idx[str(r[exporter])], idx[str(r[importer])]
        for v in cost_variables:
            costs[v][i, j] = float(r[v])
        ysum[i] += float(r[output])
        ycnt[i] += 1
        esum[j] += float(r[expenditure])
        ecnt[j] += 1
    for v, m in costs.items():
        if np.isnan(m).any():
            raise InputError(f"gravity data are not square: variable {v!r} misses some pairs")
    return GravityData(
        countries=countries,
        costs={k: _frozen(v) for k, v in costs.items()},
        Y=_frozen(ysum / ycnt),
        E=_frozen(esum / ecnt),
        sigma=float(sigma),
        reference=reference,
    )


@dataclass(frozen=True)
class Resistances:
    """Solved multilateral resistances ``a = Π^(σ-1)``, ``b = P^(σ-1)`` and modeled trade."""

    a: np.ndarray
    b: np.ndarray
    X: np.ndarray
    diagnostics: SolverDiagnostics

    def omr(self, sigma: float) -> np.ndarray:
        """Outward resistance Π."""
        return self.a ** (1.0 / (sigma - 1.0))

    def imr(self, sigma: float) -> np.ndarray:
        """Inward resistance P."""
        return self.b ** (1.0 / (sigma - 1.0))


def solve_resistances(data: GravityData, tau: np.ndarray, *, tol: float = 1e-13) -> Resistances:
    """Solve the resistance system for costs ``tau`` by Newton's method in logs.

    Unknowns ``z = (ln a, ln b)``; residuals ``ln a_i + ln Σ_j τ_ij e_j b_j`` and
    ``ln b_j + ln Σ_i τ_ij s_i a_i`` (``ln b_ref`` for the reference importer). The Jacobian blocks are
    the row-normalised ``τ e b`` and column-normalised ``τ s a`` weights.
    """
    n, ref = data.n, data.ref
    s = data.Y / data.Y.sum()
    e = data.E / data.E.sum()
    eye = np.eye(n)

    def fun(z: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None]:
        la, lb = z[:n], z[n:]
        ka = tau * (e * np.exp(lb))[None, :]
        kb = tau * (s * np.exp(la))[:, None]
        ra, rb = ka.sum(axis=1), kb.sum(axis=0)
        f_a = la + np.log(ra)
        f_b = lb + np.log(rb)
        f_b[ref] = lb[ref]
        F = np.concatenate([f_a, f_b])
        if not jac:
            return F, None
        J = np.zeros((2 * n, 2 * n))
        J[:n, :n] = eye
        J[:n, n:] = ka / ra[:, None]
        J[n:, :n] = (kb / rb[None, :]).T
        J[n:, n:] = eye
        J[n + ref, :] = 0.0
        J[n + ref, n + ref] = 1.0
        return F, J

    z, diag = ge.newton(fun, np.zeros(2 * n), tol=tol, max_iter=200, what="gravity resistances")
    a, b = np.exp(z[:n]), np.exp(z[n:])
    X = tau * s[:, None] * data.E[None, :] * a[:, None] * b[None, :]
    return Resistances(a=a, b=b, X=X, diagnostics=diag)


@dataclass(frozen=True)
class GravityCounterfactual:
    """Counterfactual of the structural-gravity model: changes relative to the modeled baseline.

    Attributes:
        p_hat: factory-gate price changes p'/p.
        imr_hat: inward resistance (consumer price index) changes P'/P.
        omr_hat: outward resistance changes Π'/Π.
        X_base, X_new: modeled baseline and counterfactual trade (exporter rows).
        diagnostics: Newton diagnostics of the counterfactual solve.
    """

    p_hat: np.ndarray
    imr_hat: np.ndarray
    omr_hat: np.ndarray
    X_base: np.ndarray
    X_new: np.ndarray
    diagnostics: SolverDiagnostics

    def foreign_exports_change_pct(self) -> np.ndarray:
        """100·(Σ_{j≠i} X'_ij / Σ_{j≠i} X_ij - 1)."""
        off = ~np.eye(len(self.p_hat), dtype=bool)
        return 100.0 * ((self.X_new * off).sum(1) / (self.X_base * off).sum(1) - 1.0)

    def foreign_imports_change_pct(self) -> np.ndarray:
        """100·(Σ_{i≠j} X'_ij / Σ_{i≠j} X_ij - 1)."""
        off = ~np.eye(len(self.p_hat), dtype=bool)
        return 100.0 * ((self.X_new * off).sum(0) / (self.X_base * off).sum(0) - 1.0)


def solve_gegravity_closure(
    data: GravityData,
    tau_base: np.ndarray,
    tau_new: np.ndarray,
    *,
    baseline: Resistances | None = None,
    tol: float = 1e-13,
) -> GravityCounterfactual:
    """Counterfactual with gegravity's closure (baseline output/expenditure shares held fixed).

    Unknowns ``x = ln p``; ``Ĝ_j = Σ_i λ_ij τ̂_ij p_i^-ε`` (``Ĝ_ref = 1``) and residuals
    ``F_i = -ε x_i + ln Σ_j m_ij τ̂_ij / Ĝ_j``; Jacobian ``-εI + ε W Λ'ᵀ`` with
    ``W_ij = m_ij τ̂_ij/Ĝ_j / Σ_j(·)`` and ``Λ'_kj = λ_kj τ̂_kj p_k^-ε / Ĝ_j`` (zero column at ref).
    Experiment trade follows gegravity: ``X'_ij = τ'_ij E'_j (Y'_i/ΣY') a'_i b'_j`` with
    ``Y' = pY``, ``E' = (E/Y) Y'``.
    """
    base = baseline or solve_resistances(data, tau_base, tol=tol)
    n, ref = data.n, data.ref
    eps = data.sigma - 1.0
    X = base.X
    lam = X / X.sum(axis=0)[None, :]
    m = X / X.sum(axis=1)[:, None]
    that = tau_new / tau_base
    mask = np.ones(n)
    mask[ref] = 0.0
    eye = np.eye(n)

    def parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = lam * that * np.exp(-eps * x)[:, None]
        G = k.sum(axis=0)
        G[ref] = 1.0
        return k, G

    def fun(x: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None]:
        k, G = parts(x)
        q = m * that / G[None, :]
        qs = q.sum(axis=1)
        F = -eps * x + np.log(qs)
        if not jac:
            return F, None
        W = q / qs[:, None]
        lam_new = (k / G[None, :]) * mask[None, :]
        return F, -eps * eye + eps * (W @ lam_new.T)

    x, diag = ge.newton(
        fun, np.zeros(n), tol=tol, max_iter=100, what="gegravity-closure counterfactual"
    )
    p = np.exp(x)
    _, G = parts(x)
    a_new = base.a * p ** (-eps)
    b_new = base.b / G
    Y_new = p * data.Y
    E_new = data.E / data.Y * Y_new
    X_new = (
        tau_new * (Y_new / Y_new.sum())[:, None] * E_new[None, :] * a_new[:, None] * b_new[None, :]
    )
    return GravityCounterfactual(
        p_hat=p,
        imr_hat=G ** (-1.0 / eps),
        omr_hat=(a_new / base.a) ** (1.0 / eps),
        X_base=X,
        X_new=X_new,
        diagnostics=diag,
    )


def endowment_model(data: GravityData, baseline: Resistances) -> GEModel:
    """The paper's GE model configured as the one-sector endowment economy on gravity's baseline.

    Completed matrix = modeled baseline trade; ``E = Σ_j X[j,i]``, ``Y = Σ_k X[i,k]``, ``T = E - Y``;
    ν = 0, φ = 1, ψ = 0, κ = 0, ε = σ - 1.
    """
    X = baseline.X
    n = data.n
    E = X.sum(axis=0)
    Y = X.sum(axis=1)
    zeros = np.zeros(n)
    return GEModel(
        iso3=data.countries,
        names=data.countries,
        X=_frozen(X),
        E=_frozen(E),
        Y=_frozen(Y),
        T=_frozen(E - Y),
        lam=_frozen(X / E[None, :]),
        nu=_frozen(zeros),
        phi=_frozen(np.ones(n)),
        eps=data.sigma - 1.0,
        kappa=0.0,
        psi=0.0,
        nu2=(0.0, 0.0),
        us=data.ref,
        variant="gravity_endowment",
        ustr_tariff=_frozen(zeros),
        provenance={"model": "one-sector endowment (structural gravity)", "sigma": data.sigma},
    )


def solve_full_endowment(
    data: GravityData,
    tau_base: np.ndarray,
    tau_new: np.ndarray,
    *,
    baseline: Resistances | None = None,
) -> tuple[GEModel, ge.Equilibrium]:
    """Full endowment GE of the cost shock with the paper's solver (iceberg costs, no revenue).

    The cost change enters as an iceberg tariff ``t' = τ̂^(-1/ε) - 1`` so that
    ``(1+t')^(-ε φ) = τ̂`` with φ = 1. Prices are normalised by the solver's numéraire
    (world-expenditure-weighted price index unchanged).
    """
    base = baseline or solve_resistances(data, tau_base)
    model = endowment_model(data, base)
    t = (tau_new / tau_base) ** (-1.0 / model.eps) - 1.0
    eq = ge.solve(model, t, tariff_mode="iceberg", revenue="lump_sum")
    return model, eq
