r"""Partial equilibrium of the US import market, product by product (the numerical core).

In the spirit of the World Bank's SMART (Jammes & Olarreaga 2005, "Explaining SMART and GSIM"),
but solved exactly in changes ("hat algebra") instead of linearised. For each product g the US
buys from sources s an Armington–CES composite:

* domestic (duty-inclusive) price of source s: :math:`p_s = p^*_s (1+t_s)`;
* CES price index, elasticity of substitution :math:`\sigma_g` between sources:
  :math:`\hat P = \big(\sum_s \theta_s \hat p_s^{\,1-\sigma}\big)^{1/(1-\sigma)}`, with
  :math:`\theta_s` the baseline share of s in duty-inclusive spending on g;
* total import demand for g, import-demand elasticity :math:`\eta`: :math:`\hat Q = \hat P^{-\eta}`,
  so spending :math:`\hat E = \hat P^{1-\eta}`;
* spending on s: :math:`\hat D_s = \hat p_s^{\,1-\sigma} \hat P^{\sigma-1} \hat E`; quantity
  :math:`\hat q_s = \hat D_s/\hat p_s`; value at foreign prices (customs value)
  :math:`\hat V_s = \hat D_s / \hat\tau_s`, :math:`\hat\tau_s = (1+t'_s)/(1+t_s)`;
* export supply of s, elasticity :math:`\omega`: :math:`\hat q_s = (\hat p^*_s)^{\omega}`.
  Substituting, :math:`\hat p^*_s = (\hat\tau_s^{-\sigma} \hat P^{\sigma-\eta})^{1/(\omega+\sigma)}`;
  with :math:`\omega = \infty` (the default, as in SMART) foreign prices are fixed, :math:`\hat p^* = 1`.
  Alternatively a pass-through parameter :math:`\rho` sets :math:`\hat p_s = \hat\tau_s^{\rho}`
  directly (:math:`\rho = 1` full pass-through, :math:`\rho = 0` exporters absorb the duty); ρ may
  differ by row (e.g. a product whose exporters absorbed the duty).

With finite :math:`\omega` the price index solves the scalar fixed point
:math:`x = \log \hat P(x)` per product, :math:`x = \log\hat P`; each Newton step uses the exact
derivative :math:`g'(x) = \sum_s w'_s (\sigma-\eta)/(\omega+\sigma)` (:math:`w'_s` the new spending
shares), vectorised over all products at once.

Welfare pieces (per product, US dollars):

* consumer surplus :math:`\Delta CS = -E_0 (\hat P^{1-\eta} - 1)/(1-\eta)` (:math:`-E_0 \log\hat P`
  when :math:`\eta = 1`), the area left of the CES import-demand curve;
* tariff revenue :math:`\Delta R = \sum_s t'_s V'_s - t_s V_s`;
* terms-of-trade gain :math:`ToT = \sum_s V_s \hat q_s (1 - \hat p^*_s)`;
* net welfare :math:`W = \Delta CS + \Delta R` and deadweight loss :math:`DWL = ToT - W`.

Trade creation and diversion (exact counterpart of SMART's split): creation is the change in the
product's total customs value allocated to sources by baseline shares; diversion is the rest,
:math:`TD_s = \Delta V_s - TC_s`, which sums to zero within each product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim.core.errors import ConvergenceError, SolverDiagnostics


@dataclass(frozen=True)
class PEOutcome:
    """Row-level (product × source) and product-level arrays of one PE solve."""

    v1: np.ndarray  # new customs value by row (USD)
    p_star_hat: np.ndarray  # change in the foreign (exporter) price by row
    p_hat: np.ndarray  # change in the duty-inclusive price by row
    q_hat: np.ndarray  # change in quantity by row
    creation: np.ndarray  # trade creation by row (USD)
    diversion: np.ndarray  # trade diversion by row (USD)
    price_index_hat: np.ndarray  # P-hat by product
    consumer_surplus_change: np.ndarray  # by product (USD)
    revenue_change: np.ndarray  # by product (USD)
    tot_gain: np.ndarray  # by product (USD)
    diagnostics: SolverDiagnostics


def _group_sum(groups: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(groups, weights=x, minlength=n_groups)


def solve_pe(
    *,
    groups: np.ndarray,
    v0: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
    sigma: np.ndarray,
    eta: np.ndarray | float = 1.0,
    omega: float = np.inf,
    passthrough: float | np.ndarray | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> PEOutcome:
    """Solve the PE model for every product at once.

    Parameters
    ----------
    groups : (n,) int — product index of each row (0..G-1); rows are product × source.
    v0 : (n,) baseline customs value (USD, foreign prices).
    t0, t1 : (n,) ad valorem tariff before and after (fractions).
    sigma : (G,) elasticity of substitution between sources of each product (> 1 or ≠ 1).
    eta : import-demand elasticity, scalar or (G,) (> 0).
    omega : export-supply elasticity (> 0; ``inf`` = fixed foreign prices).
    passthrough : if given, ρ ∈ [0, 1] (scalar, or (n,) per row) fixes the duty-inclusive price
        change to τ̂^ρ instead.
    """
    groups = np.asarray(groups, dtype=np.int64)
    v0 = np.asarray(v0, dtype=float)
    t0 = np.asarray(t0, dtype=float)
    t1 = np.asarray(t1, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    n_groups = sigma.shape[0]
    eta_g = np.broadcast_to(np.asarray(eta, dtype=float), (n_groups,))
    if np.any(np.abs(sigma - 1.0) < 1e-9):
        raise ValueError("sigma must differ from 1 (the CES index is Cobb–Douglas there)")
    rho = None if passthrough is None else np.asarray(passthrough, dtype=float)
    if rho is not None and (
        not np.all((rho >= 0.0) & (rho <= 1.0)) or rho.shape not in ((), v0.shape)
    ):
        raise ValueError("passthrough must lie in [0, 1], as a scalar or one value per row")

    tau_hat = (1.0 + t1) / (1.0 + t0)
    log_tau = np.log(tau_hat)
    d0 = v0 * (1.0 + t0)
    e0 = _group_sum(groups, d0, n_groups)
    theta = np.divide(d0, e0[groups], out=np.zeros_like(d0), where=e0[groups] > 0)
    s_row = sigma[groups]
    eta_row = eta_g[groups]

    def log_price_index(log_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log P-hat per product and the new spending shares per row."""
        # Σ θ p̂^{1-σ}, computed stably in logs per row.
        z = (1.0 - s_row) * log_p
        terms = theta * np.exp(z)
        tot = _group_sum(groups, terms, n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p_index = np.where(tot > 0, np.log(tot) / (1.0 - sigma), 0.0)
            w_new = np.where(tot[groups] > 0, terms / tot[groups], 0.0)
        return log_p_index, w_new

    iterations = 0
    residual = 0.0
    if rho is not None:
        log_p = rho * log_tau
        log_pstar = log_p - log_tau
        log_phat_idx, _ = log_price_index(log_p)
    elif np.isinf(omega):
        log_pstar = np.zeros_like(log_tau)
        log_p = log_tau
        log_phat_idx, _ = log_price_index(log_p)
    else:
        if omega <= 0:
            raise ValueError("omega (export-supply elasticity) must be positive")
        x = np.zeros(n_groups)  # log P-hat
        slope_row = (s_row - eta_row) / (omega + s_row)
        for iterations in range(1, max_iter + 1):  # noqa: B007
            log_p = (omega * log_tau + (s_row - eta_row) * x[groups]) / (omega + s_row)
            g, w_new = log_price_index(log_p)
            f = x - g
            residual = float(np.max(np.abs(f))) if n_groups else 0.0
            if residual < tol:
                break
            dg = _group_sum(groups, w_new * slope_row, n_groups)
            x = x - f / (1.0 - dg)
        else:
            diag = SolverDiagnostics(max_iter, residual, tol, False, {"model": "pe"})
            raise ConvergenceError("PE price-index fixed point did not converge", diagnostics=diag)
        log_p = (omega * log_tau + (s_row - eta_row) * x[groups]) / (omega + s_row)
        log_pstar = log_p - log_tau
        log_phat_idx = x

    p_hat_idx = np.exp(log_phat_idx)
    p_hat = np.exp(log_p)
    e_hat = p_hat_idx ** (1.0 - eta_g)
    d_hat = np.exp((1.0 - s_row) * log_p + (s_row - 1.0) * log_phat_idx[groups]) * e_hat[groups]
    v1 = v0 * d_hat / tau_hat
    q_hat = d_hat / p_hat
    p_star_hat = np.exp(log_pstar)

    dv = v1 - v0
    v0_g = _group_sum(groups, v0, n_groups)
    dv_g = _group_sum(groups, dv, n_groups)
    share0 = np.divide(v0, v0_g[groups], out=np.zeros_like(v0), where=v0_g[groups] > 0)
    creation = share0 * dv_g[groups]
    diversion = dv - creation

    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.abs(1.0 - eta_g) < 1e-12
        dcs = np.where(
            unit,
            -e0 * log_phat_idx,
            -e0 * (p_hat_idx ** (1.0 - eta_g) - 1.0) / np.where(unit, 1.0, 1.0 - eta_g),
        )
    revenue_change = _group_sum(groups, t1 * v1 - t0 * v0, n_groups)
    tot_gain = _group_sum(groups, v0 * q_hat * (1.0 - p_star_hat), n_groups)
    diag = SolverDiagnostics(iterations, residual, tol, True, {"model": "pe", "products": n_groups})
    return PEOutcome(
        v1=v1,
        p_star_hat=p_star_hat,
        p_hat=p_hat,
        q_hat=q_hat,
        creation=creation,
        diversion=diversion,
        price_index_hat=p_hat_idx,
        consumer_surplus_change=dcs,
        revenue_change=revenue_change,
        tot_gain=tot_gain,
        diagnostics=diag,
    )
