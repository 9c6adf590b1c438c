"""Optimal and Nash tariffs in the GE model of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025).

- :func:`optimal_us_tariff` — the US's unilaterally optimal *uniform* tariff, three ways:

  ``"formula"``
      the paper's formula ``t* = 1/((1 + δ_US ε) φ_US - 1)`` on *baseline* data (spec, "Optimal US
      tariff"; 21.80%, the rate of the ``optimal_income_tax`` scenario);
  ``"fixed_point"``
      the first-order condition of the optimum written in equilibrium shares and solved as a fixed
      point ``t = F(eq(t))`` (:func:`formula_at_equilibrium`, derivation below);
  ``"direct"``
      maximisation of US welfare over a uniform tariff on the solved model
      (``scipy.optimize.minimize_scalar``, bounded Brent, every evaluation a full Newton solve
      warm-started from the previous one).

- :func:`aggregate_model` — the calibrated economy aggregated to blocs (e.g. US vs rest of world);
  trade within a bloc becomes its domestic absorption.
- :func:`nash_tariffs` — Nash equilibrium in uniform tariffs among the countries of a (possibly
  aggregated) model by Gauss–Seidel best-response iteration; each best response maximises the
  player's welfare given the others' tariffs. Non-convergence raises :class:`ConvergenceError`.

Optimal-tariff formula at the optimum (derivation)
--------------------------------------------------
Formulas of this family (Gros 1987; Costinot & Rodríguez-Clare 2014, Handbook of International
Economics vol. 4, sec. 4; Lashkaripour 2021, JIE 131; Ignatenko et al. 2025) characterise the
optimum by the first-order condition ``dW_i/dt = 0`` written in shares *at the optimum*. Derived here
for this model (spec equations) with two regions, i = US and F = rest of world, fixed labour
(κ → 0, so ``L̂ = 1``, the welfare weight δ_i of the spec's welfare measure is 1 and the revenue use
does not matter), F's wage as numéraire (real outcomes are homogeneous of degree 0 in wages and
expenditures because the deficit transfer ``T'_k = T_k ΣY'/ΣY`` scales with world income). Write
``l = ln(1+t)``, ``u = ln ŵ_i``, ``μ = 1 - λ'_ii`` (import share of i's spending), ``M = Σ_{j≠i} X'[j,i]``
(imports at producer prices, ``= μE'_i/(1+t)``), ``s = Y'_i/ΣY'``, ``c_k = 1 - ν_k``:

1. welfare ``ln Ŵ_i = ln Ê_i - ln P̂_i = φ ln Ê_i + (1-φ) u + (1/ε) ln D_i``, so
   ``d ln W = φ d ln E + (μ - φ) du - φ μ dl``;
2. budget and wage equation together give external balance ``c_i M = c_F X'[i,F] + T'_i``;
3. F levies nothing and its wage is fixed, so ``E'_F = Y_F - T'_i`` and ``X'[i,F] = λ'[i,F] E'_F``
   with ``d ln λ'[i,F] = -ε(1-λ'[i,F]) du`` and ``dT'_i = s T'_i du``;
4. ``d ln μ = ε(1-μ)(du - φ dl)``; with 2–3, ``d ln E = d ln(c_i M) - d ln μ + dl``;
5. the income identity ``Y'_i = E'_i - tM - T'_i`` gives ``du/dl``.

Setting ``d ln W/dl = 0`` and simplifying (the terms in ``du/dl`` collapse through
``E'_i(1 - μt/(1+t)) = Y'_i + T'_i``):

``t* = [1 - φ(1-s) T'_i/M] / [(1 + εδ)φ - 1 - φ s (T'_i + Σ_{k≠i} c_k λ'[i,k] T'_k)/(c_i M)]``,
``δ = Σ_{k≠i} c_k (1-λ'[i,k]) X'[i,k] / (c_i M)``,

everything evaluated at the equilibrium under t* (in two regions ``T'_F = -T'_i``). With balanced
trade (T' = 0) it is the spec's ``t* = 1/((1+δε)φ - 1)``; at the baseline (t = 0) producer and consumer
prices coincide and ``M = E_i - X_ii`` as in the spec's δ. The deficit terms matter: the US deficit
is large, and a US tariff that raises the US wage raises world income and with it the transfer the US
receives; the spec's expression alone evaluated at the optimum has its fixed point at 26.3%.

Exactness (checked in tests/unit/test_ge_optimal.py): on the two-region aggregation with fixed labour
the fixed point is the optimum: dW/dt vanishes there (Richardson-extrapolated differences put the
argmax within 1e-8) and bounded Brent's direct maximum agrees to 1e-5, the precision to which it can
locate a flat maximum (18.615%; 43.956% in the EKK variant). On 194
countries the same expression, summed over partners, treats the rest of the world as one region
although third-country wages move differently: 19.13% vs the direct 19.53%. With elastic labour
(κ = 0.5) the formula has no term for the employment response: with income-tax relief the revenue
also lowers the labour-tax wedge (direct optimum 25.12%); with a lump-sum rebate employment falls with
the real wage, which the spec's welfare measure also counts (14.23%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from tariffsim.core.errors import ConvergenceError, InputError, SolverDiagnostics
from tariffsim.models import ge
from tariffsim.models.ge_data import EU_MEMBERS, GEModel
from tariffsim.models.ge_scenarios import optimal_tariff_formula, us_import_tariffs

#: Search interval of uniform tariffs (fractions) for direct maximisation and best responses.
#: Welfare is not concave in the tariff: with income-tax relief it turns up again beyond ~100%
#: (the tax-relief term τ̂ = 1/(1-τ) grows with revenue), so searches stay below 100%.
TARIFF_BOUNDS = (0.0, 1.0)
#: Coarse grid that brackets each best response before the bounded Brent refinement.
_GRID = np.linspace(TARIFF_BOUNDS[0], TARIFF_BOUNDS[1], 21)


#: Methods of :func:`optimal_us_tariff`.
METHODS: tuple[str, ...] = ("formula", "fixed_point", "direct")
#: Grid on which the fixed point ``t = F(eq(t))`` is bracketed (first sign change of t - F).
_FP_GRID = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class OptimalTariff:
    """A unilaterally optimal uniform tariff and the welfare it brings.

    ``details`` (fixed point only) holds the formula's terms at the solution
    (see :class:`FormulaTerms`).
    """

    rate: float
    welfare_pct: float
    method: str
    evaluations: int
    diagnostics: SolverDiagnostics | None = None
    details: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FormulaTerms:
    """The optimal-tariff formula's terms at one solved equilibrium (module doc, derivation).

    Attributes:
        delta: ``δ = Σ_{k≠i} c_k (1-λ'[i,k]) X'[i,k] / (c_i M)``.
        imports: M, US imports at producer prices.
        income_share: ``s = Y'_US / ΣY'``.
        deficit: ``T'_US`` (the US deficit transfer at the equilibrium).
        partner_deficits: ``Σ_{k≠i} c_k λ'[i,k] T'_k``.
        spec_rate: ``1/((1+εδ)φ-1)``, the spec's expression with δ at this equilibrium.
        rate: the full expression with the deficit terms (exact in two regions, fixed labour).
    """

    delta: float
    imports: float
    income_share: float
    deficit: float
    partner_deficits: float
    spec_rate: float
    rate: float


def formula_at_equilibrium(model: GEModel, eq: ge.Equilibrium) -> FormulaTerms:
    """The optimal-tariff formula evaluated at a solved equilibrium ``eq`` (module doc).

    ``δ`` uses the counterfactual flows ``X'`` (producer prices), shares
    ``λ'[i,k] = X'[i,k](1+t'[i,k])/E'_k`` and imports at producer prices; the deficit transfers are
    ``T'_k = T_k ΣY'/ΣY`` (spec, budget equation). A non-positive denominator gives ``inf``.
    """
    i = model.us
    X = eq.X_new
    E_new = model.E * eq.E_hat
    lam = X * (1.0 + eq.tariffs) / E_new[None, :]
    c = 1.0 - model.nu
    others = np.ones(model.n, bool)
    others[i] = False
    M = float(X[others, i].sum())
    delta = float((c[others] * (1.0 - lam[i, others]) * X[i, others]).sum()) / (c[i] * M)
    Y_new = model.Y * eq.w_hat * eq.L_hat
    T_new = model.T * (Y_new.sum() / model.Y.sum())
    s = float(Y_new[i] / Y_new.sum())
    partners = float((c[others] * lam[i, others] * T_new[others]).sum())
    phi, eps = float(model.phi[i]), model.eps

    def ratio(num: float, den: float) -> float:
        return num / den if den > 0.0 else float("inf")

    spec = ratio(1.0, (1.0 + eps * delta) * phi - 1.0)
    num = 1.0 - phi * (1.0 - s) * float(T_new[i]) / M
    den = (1.0 + eps * delta) * phi - 1.0 - phi * s * (float(T_new[i]) + partners) / (c[i] * M)
    return FormulaTerms(delta, M, s, float(T_new[i]), partners, spec, ratio(num, den))


class _WarmSolver:
    """Solves the model for successive tariff matrices, warm-starting Newton from the last solution."""

    def __init__(self, model: GEModel, revenue: ge.Revenue) -> None:
        self.model = model
        self.revenue = revenue
        self.z: np.ndarray | None = None
        self.solves = 0

    def equilibrium(self, t: np.ndarray) -> ge.Equilibrium:
        eq = ge.solve(self.model, t, revenue=self.revenue, z0=self.z)
        self.z = eq.z
        self.solves += 1
        return eq

    def welfare(self, t: np.ndarray) -> np.ndarray:
        return ge.welfare_change(self.model, self.equilibrium(t))


def us_welfare_at(model: GEModel, rate: float, *, revenue: ge.Revenue = "income_tax") -> float:
    """US welfare change (percent) when the US levies a uniform ``rate`` on every exporter."""
    eq = ge.solve(model, us_import_tariffs(model, rate), revenue=revenue)
    return float(100.0 * ge.welfare_change(model, eq)[model.us])


def optimal_us_tariff(
    model: GEModel,
    *,
    method: str = "formula",
    revenue: ge.Revenue = "income_tax",
    xatol: float = 1e-6,
    deficit_terms: bool = True,
) -> OptimalTariff:
    """The US's optimal uniform tariff by ``"formula"``, ``"fixed_point"`` or ``"direct"`` (module doc).

    ``"fixed_point"`` solves ``g(t) = t - F(eq(t)) = 0`` with ``F`` from
    :func:`formula_at_equilibrium` (``deficit_terms=False``: the spec's expression alone): g is
    evaluated on an 11-point grid on [0, 1] until its first sign change (g(0) = -F(0) < 0), then
    Brent's method (``brentq``, ``xtol``) refines the root; each evaluation is a Newton solve of the
    model warm-started from the previous one. No sign change raises :class:`ConvergenceError`.
    """
    if method == "formula":
        rate = optimal_tariff_formula(model)
        return OptimalTariff(rate, us_welfare_at(model, rate, revenue=revenue), "formula", 1)
    if method == "fixed_point":
        return _fixed_point(model, revenue, xatol, deficit_terms)
    if method != "direct":
        raise InputError(f"unknown method {method!r}", hint=f"use {', '.join(METHODS)}")
    ws = _WarmSolver(model, revenue)
    us = model.us

    def neg(rate: float) -> float:
        return -float(ws.welfare(us_import_tariffs(model, rate))[us])

    res = minimize_scalar(neg, bounds=TARIFF_BOUNDS, method="bounded", options={"xatol": xatol})
    diag = SolverDiagnostics(
        iterations=int(res.nfev),
        residual_norm=float(xatol),
        tolerance=float(xatol),
        converged=bool(res.success),
        details={"method": "minimize_scalar (bounded Brent)", "message": str(res.message)},
    )
    if not res.success:
        raise ConvergenceError("direct maximisation of US welfare failed", diagnostics=diag)
    return OptimalTariff(float(res.x), -100.0 * float(res.fun), "direct", int(res.nfev), diag)


def _fixed_point(
    model: GEModel, revenue: ge.Revenue, xtol: float, deficit_terms: bool
) -> OptimalTariff:
    ws = _WarmSolver(model, revenue)

    def terms(rate: float) -> FormulaTerms:
        return formula_at_equilibrium(model, ws.equilibrium(us_import_tariffs(model, rate)))

    def gap(rate: float) -> float:
        ft = terms(rate)
        return rate - (ft.rate if deficit_terms else ft.spec_rate)

    what = "optimal-tariff formula at the optimum" + ("" if deficit_terms else " (spec terms only)")
    prev_t, prev_g = float(_FP_GRID[0]), gap(float(_FP_GRID[0]))
    bracket = None
    for t in _FP_GRID[1:]:
        g = gap(float(t))
        if np.isfinite(prev_g) and np.isfinite(g) and prev_g < 0.0 <= g:
            bracket = (prev_t, float(t))
            break
        prev_t, prev_g = float(t), g
    if bracket is None:
        raise ConvergenceError(
            f"{what}: t - F(t) has no sign change on [0, 1] (no fixed point)",
            diagnostics=SolverDiagnostics(
                ws.solves, float(abs(prev_g)), xtol, False, {"method": "grid + brentq"}
            ),
        )
    root, info = brentq(gap, *bracket, xtol=xtol, full_output=True)
    rate = float(root)
    ft = terms(rate)
    residual = abs(rate - (ft.rate if deficit_terms else ft.spec_rate))
    eq = ws.equilibrium(us_import_tariffs(model, rate))
    welfare = 100.0 * float(ge.welfare_change(model, eq)[model.us])
    diag = SolverDiagnostics(
        iterations=int(info.iterations),
        residual_norm=float(residual),
        tolerance=xtol,
        converged=bool(info.converged),
        details={"method": "grid bracket + brentq on t - F(eq(t))", "solves": ws.solves},
    )
    return OptimalTariff(
        rate,
        welfare,
        "fixed_point",
        ws.solves,
        diag,
        details={k: float(v) for k, v in vars(ft).items()},
    )


def aggregate_model(
    model: GEModel, groups: Mapping[str, Sequence[str]], *, rest: str | None = "ROW"
) -> GEModel:
    """Aggregate a calibrated model to blocs.

    ``groups`` maps a bloc name to member codes; countries not listed go to ``rest`` (or raise if
    ``rest`` is None). ``X_agg = Mᵀ X M`` (intra-bloc trade becomes the diagonal), ``E`` = column
    sums, ``Y`` = sum of members' calibrated income, ``T = E - Y``; ν and φ must be uniform within a
    bloc (true of the paper's calibration unless the US shares a bloc with others). The bloc holding
    the US (or the first bloc) plays the role of the "US" index.
    """
    iso = list(model.iso3)
    names = list(groups)
    assign = np.full(model.n, -1)
    for g, members in enumerate(groups.values()):
        for code in members:
            k = model.index(code)
            if assign[k] >= 0:
                raise InputError(f"country {code} is in two blocs")
            assign[k] = g
    if (assign < 0).any():
        if rest is None:
            missing = [iso[k] for k in np.flatnonzero(assign < 0)][:5]
            raise InputError(f"countries not in any bloc: {', '.join(missing)}…")
        names.append(rest)
        assign[assign < 0] = len(names) - 1
    m = len(names)
    M = np.zeros((model.n, m))
    M[np.arange(model.n), assign] = 1.0
    X = M.T @ np.asarray(model.X) @ M
    E = X.sum(axis=0)
    Y = M.T @ np.asarray(model.Y)
    nu = np.zeros(m)
    phi = np.zeros(m)
    for g in range(m):
        members = assign == g
        if np.ptp(model.nu[members]) > 1e-12 or np.ptp(model.phi[members]) > 1e-12:
            raise InputError(f"bloc {names[g]!r} mixes countries with different ν or φ")
        nu[g] = model.nu[members][0]
        phi[g] = model.phi[members][0]
    us = int(assign[model.us])
    return replace(
        model,
        iso3=tuple(names),
        names=tuple(names),
        X=X,
        E=E,
        Y=Y,
        T=E - Y,
        lam=X / E[None, :],
        nu=nu,
        phi=phi,
        us=us,
        ustr_tariff=np.zeros(m),
        provenance={**dict(model.provenance), "aggregated_to": names},
    )


#: The default blocs of the N-country game: the US, China, the EU (as the paper defines it), the rest.
DEFAULT_BLOCS: dict[str, tuple[str, ...]] = {"USA": ("USA",), "CHN": ("CHN",), "EU": EU_MEMBERS}


@dataclass(frozen=True)
class NashResult:
    """Nash equilibrium in uniform tariffs: each player's tariff on all others and welfare change."""

    players: tuple[str, ...]
    tariffs: np.ndarray
    welfare_pct: np.ndarray
    rounds: int
    diagnostics: SolverDiagnostics
    history: list[list[float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": list(self.players),
            "tariffs": {p: float(t) for p, t in zip(self.players, self.tariffs, strict=True)},
            "welfare_pct": {
                p: float(w) for p, w in zip(self.players, self.welfare_pct, strict=True)
            },
            "rounds": self.rounds,
            "diagnostics": {
                "iterations": self.diagnostics.iterations,
                "residual_norm": self.diagnostics.residual_norm,
                "tolerance": self.diagnostics.tolerance,
                "converged": self.diagnostics.converged,
                "at_upper_bound": list(self.diagnostics.details.get("at_upper_bound", [])),
            },
        }


def _uniform_matrix(rates: np.ndarray) -> np.ndarray:
    """Each country i levies ``rates[i]`` on every other country: ``t[j, i] = rates[i]``."""
    t = np.repeat(np.asarray(rates, dtype=float)[None, :], len(rates), axis=0)
    np.fill_diagonal(t, 0.0)
    return t


def _group_matrix(masks: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Group g's members levy ``rates[g]`` on imports from non-members; others levy nothing.

    ``masks`` is (G, N) boolean; ``t[j, i] = rates[g]`` for i in g and j not in g.
    """
    n = masks.shape[1]
    t = np.zeros((n, n))
    for g in range(masks.shape[0]):
        inside = masks[g]
        t[np.ix_(~inside, inside)] = rates[g]
    return t


def _best_response(neg: Any, xatol: float) -> float:
    """Maximise over [0, 1]: a 21-point grid brackets the best point, bounded Brent refines it."""
    values = [neg(g) for g in _GRID]
    k = int(np.argmin(values))
    step = float(_GRID[1] - _GRID[0])
    lo, hi = (
        max(TARIFF_BOUNDS[0], float(_GRID[k]) - step),
        min(TARIFF_BOUNDS[1], float(_GRID[k]) + step),
    )
    res = minimize_scalar(neg, bounds=(lo, hi), method="bounded", options={"xatol": xatol})
    return float(res.x) if float(res.fun) <= values[k] else float(_GRID[k])


def nash_tariffs(
    model: GEModel,
    *,
    players: Mapping[str, Sequence[str]] | None = None,
    revenue: ge.Revenue = "income_tax",
    tol: float = 1e-5,
    max_rounds: int = 60,
    start: Sequence[float] | None = None,
    xatol: float = 1e-7,
) -> NashResult:
    """Nash equilibrium in uniform tariffs by Gauss–Seidel best responses.

    Players:

    - ``players=None``: every country of ``model`` (use :func:`aggregate_model` for blocs first);
      player i sets one tariff on every other country and maximises its own welfare;
    - ``players={"EU": EU_MEMBERS, ...}``: groups of countries of the full model; a group's members
      levy a common tariff on imports from non-members (zero inside the group) and the group
      maximises its members' baseline-expenditure-weighted welfare; countries in no group levy no
      tariff.

    Best responses ``t_g ← argmax_t W_g(t, t_-g)`` in turn (a 21-point grid on [0, 1] brackets the
    maximum and bounded Brent refines it: welfare is not concave in the tariff); stops when no tariff
    moves by more than ``tol`` in a round. Raises :class:`ConvergenceError` after ``max_rounds``.
    """
    if players is None:
        if model.n > 12:
            raise InputError(
                f"Nash iteration over {model.n} players is too costly",
                hint="aggregate the model to blocs first (optimal.aggregate_model) or pass players=",
            )
        names = tuple(model.iso3)
        masks = np.eye(model.n, dtype=bool)

        def matrix(rates: np.ndarray) -> np.ndarray:
            return _uniform_matrix(rates)

        def payoff(welfare: np.ndarray, g: int) -> float:
            return float(welfare[g])

    else:
        names = tuple(players)
        masks = np.zeros((len(names), model.n), dtype=bool)
        for g, members in enumerate(players.values()):
            for code in members:
                k = model.index(code)
                if masks[:, k].any():
                    raise InputError(f"country {code} belongs to two players")
                masks[g, k] = True
        if not masks.any(axis=1).all():
            raise InputError("every player needs at least one member country")

        def matrix(rates: np.ndarray) -> np.ndarray:
            return _group_matrix(masks, rates)

        def payoff(welfare: np.ndarray, g: int) -> float:
            return ge.region_average(model, welfare, masks[g])

    m = len(names)
    rates = np.zeros(m) if start is None else np.array(start, dtype=float)
    if rates.shape != (m,):
        raise InputError(f"start needs {m} rates, got {rates.shape}")
    ws = _WarmSolver(model, revenue)
    history: list[list[float]] = [rates.tolist()]
    change = np.inf
    for rnd in range(1, max_rounds + 1):
        change = 0.0
        for g in range(m):

            def neg(rate: float, g: int = g) -> float:
                trial = rates.copy()
                trial[g] = rate
                return -payoff(ws.welfare(matrix(trial)), g)

            new = _best_response(neg, xatol)
            change = max(change, abs(new - rates[g]))
            rates[g] = new
        history.append(rates.tolist())
        if change < tol:
            eq = ge.solve(model, matrix(rates), revenue=revenue, z0=ws.z)
            welfare = 100.0 * ge.welfare_change(model, eq)
            diag = SolverDiagnostics(
                iterations=rnd,
                residual_norm=float(change),
                tolerance=tol,
                converged=True,
                details={
                    "method": "Gauss-Seidel best responses (grid + bounded Brent)",
                    "solves": ws.solves,
                    "at_upper_bound": [
                        p for p, r in zip(names, rates, strict=True) if r >= TARIFF_BOUNDS[1] - 1e-4
                    ],
                },
            )
            return NashResult(
                players=names,
                tariffs=rates,
                welfare_pct=np.array([payoff(welfare, g) for g in range(m)]),
                rounds=rnd,
                diagnostics=diag,
                history=history,
            )
    raise ConvergenceError(
        "best-response iteration for Nash tariffs did not converge",
        diagnostics=SolverDiagnostics(
            max_rounds,
            float(change),
            tol,
            False,
            {"method": "Gauss-Seidel best responses", "history": history[-3:]},
        ),
    )
