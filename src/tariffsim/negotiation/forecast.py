"""Forecasts of the 2025–26 deals: one partner, or every open partner at once.

:func:`forecast_partner` and :func:`forecast_wave` return :class:`PartnerForecast` records (the
interface the backtest scores). For each of ``draws`` joint draws of the priors
(:mod:`.uncertainty`) the generated case (:mod:`.generate`) is valued (:mod:`.preferences`) and
solved (:mod:`.bargain`); the headline rate of each draw's package *as the deal names it* is a draw
of the forecast, conditional on a deal; P(deal by date) comes from :mod:`.timing`.

**Claims (the cross-partner cost).** A lower headline rate conceded to partner ``i`` is claimed by
each other partner ``j`` with probability ``π`` (``claim_probability``); the US then loses the value
of the difference on ``j``'s trade. To first order in the rate (revenue minus the buyers' share, per
US$ of ``j``'s goods under the headline duties on the forecast date ``B_j``):

    c_i(h) = −π Σ_{j ≠ i} (w_rev − w_buy ρ) · B_j · max(x_j − r_h, 0)

added to the US's utility of headline level ``h`` (named rate ``r_h``) in the bargain with ``i``.
``x_j`` is what ``j`` gets otherwise: the headline of its deal when it concluded before the
forecast date (:func:`~tariffsim.negotiation.outcomes.known_outcomes`), else the rate of its own
bargain — in :func:`forecast_wave` each open partner's solution in the same draw (Nash-in-Nash,
Horn & Wolinsky 1988; Collard-Wexler, Gowrisankaran & Lee 2019: each bilateral bargain takes the
others' agreements as given; solved by Jacobi iteration from the solution without claims), in
:func:`forecast_partner` the partner's own rate (the symmetric case: the others are expected to
end where this one does). Both iterate per draw to the smallest fixed point above the solution
without claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

HEADLINE = "reciprocal_rate"
AUTO = "auto_rate"
MAX_ITER = 8
HORIZON_DAYS = (30, 60, 90)


@dataclass(frozen=True)
class PartnerForecast:
    """One partner's forecast as of a date (BRIEF interface 3).

    ``headline`` draws of the deal's headline rate as the deal names it (conditional on a deal);
    ``auto`` draws of the total car rate (incl. MFN) where cars are at stake; ``p_deal_by`` at
    least as_of + 30, 60, 90 days; ``status_quo_rate`` the headline in force on ``as_of``;
    ``threat_rate`` the highest rate announced and not withdrawn by then; ``inputs`` provenance."""

    partner: str
    as_of: dt.date
    p_deal_by: dict[dt.date, float]
    headline: np.ndarray
    auto: np.ndarray | None
    status_quo_rate: float
    threat_rate: float
    inputs: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        def q(x: np.ndarray | None) -> dict[str, float] | None:
            if x is None or x.size == 0:
                return None
            return {
                "median": float(np.median(x)),
                "p10": float(np.percentile(x, 10)),
                "p90": float(np.percentile(x, 90)),
            }

        return {
            "partner": self.partner,
            "as_of": self.as_of.isoformat(),
            "p_deal_by": {d.isoformat(): p for d, p in self.p_deal_by.items()},
            "headline": q(self.headline),
            "auto": q(self.auto),
            "status_quo_rate": self.status_quo_rate,
            "threat_rate": self.threat_rate,
        }


# --------------------------------------------------------------------------------------------
# One partner prepared: case, draws, tables, per-draw problem
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Prepared:
    partner: str
    case: Any
    draws: dict[str, np.ndarray]
    tables: Any
    problem: Any
    rates: np.ndarray  # (L_H,) named rate of each headline-block level
    kappa_per_rate: np.ndarray  # (n,) US value per unit rate per US$ bn of claimant trade
    claim_prob: np.ndarray  # (n,)
    base_bn: float  # this partner's goods under the headline duties (US$ bn), for others' claims


def prepare(
    partner: str, as_of: dt.date, *, draws: int = 2000, seed: int = 0, case: Any = None
) -> Prepared:
    """Generate (or take) the case, draw the priors and build the per-draw problem."""
    from tariffsim.negotiation.bargain import build_problem
    from tariffsim.negotiation.case import load_case
    from tariffsim.negotiation.generate import generate_case_file, priors
    from tariffsim.negotiation.preferences import Env, build_tables
    from tariffsim.negotiation.uncertainty import draw_priors

    if case is None:
        case = load_case(generate_case_file(partner, as_of))
    dr = draw_priors(case, draws, seed=seed)
    env = Env(case, dr, n=draws)
    tables = build_tables(case, env)
    problem = build_problem(tables, head_issue=HEADLINE)
    rates = _head_rates(case, tables, problem)
    pri = priors()[1]

    def prior_draws(name: str) -> np.ndarray:
        if name in dr:
            return dr[name]
        if name in case.parameters:
            return np.full(draws, float(case.value(name)))
        return np.full(draws, pri[name].number)

    kappa = prior_draws("us_weight_revenue") - prior_draws("us_weight_buyers") * prior_draws(
        "passthrough_general"
    )
    return Prepared(
        partner=case.partner,
        case=case,
        draws=dr,
        tables=tables,
        problem=problem,
        rates=rates,
        kappa_per_rate=np.maximum(kappa, 0.0),
        claim_prob=_claim_draws(draws, seed, dr),
        base_bn=headline_base_bn(case.partner, as_of),
    )


def _claim_draws(n: int, seed: int, dr: dict[str, np.ndarray]) -> np.ndarray:
    from tariffsim.negotiation.generate import priors
    from tariffsim.negotiation.uncertainty import _unit_draws, template_dimensions, triangular_ppf

    if "claim_probability" in dr:
        return dr["claim_probability"]
    p = priors()[1]["claim_probability"]
    dims = template_dimensions()
    u = _unit_draws(len(dims), n, seed)[:, dims.index("claim_probability")]
    x = triangular_ppf(u, float(p.low), float(p.value), float(p.high))  # type: ignore[arg-type]
    x[0] = float(p.value)  # type: ignore[arg-type]
    return x


def _head_rates(case: Any, tables: Any, problem: Any) -> np.ndarray:
    if problem.head is None:
        return np.zeros(1)
    bl = tables.blocks[problem.head]
    spec = case.issues[bl.issues[0]]
    lv = np.asarray(spec.levels, dtype=float)
    return lv[bl.index[:, 0]]


def headline_base_bn(partner: str, as_of: dt.date) -> float:
    """2024 US imports (US$ bn) of the partner's goods under its headline duties on ``as_of``."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.tariff_stakes import law_on, partner_rows

    law = law_on(as_of, as_of)
    rows = partner_rows(law, partner) & (law.headline(F.headline_measures(partner)) > 0)
    return float(law.value[rows].sum()) / 1e9


# --------------------------------------------------------------------------------------------
# Claims and the fixed point
# --------------------------------------------------------------------------------------------


def claim_adjustment(prep: Prepared, refs: Sequence[tuple[float, np.ndarray]]) -> np.ndarray:
    """``(n, L_H)`` c_i(h) for claimants ``refs`` = [(B_j in US$ bn, x_j per draw (n,))]."""
    n = prep.problem.n
    adj = np.zeros((n, prep.rates.shape[0]))
    for base, x in refs:
        gap = np.maximum(np.asarray(x, float)[:, None] - prep.rates[None, :], 0.0)
        adj -= (prep.claim_prob * prep.kappa_per_rate * base)[:, None] * gap
    return adj


def concluded_refs(
    partner: str, as_of: dt.date, n: int
) -> tuple[list[tuple[float, np.ndarray]], list[dict[str, Any]]]:
    """Claimants among the deals concluded before ``as_of``: (B_j, their headline) — and a record.

    Only deals whose headline adds up the same measures as ``partner``'s
    (``facts.same_headline_class``) are claimants: a claim compares rates, and China's IEEPA total
    (fentanyl + reciprocal) is not comparable with another partner's reciprocal rate."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.outcomes import known_outcomes

    latest: dict[str, Any] = {}
    for o in known_outcomes(as_of):
        if (
            o.partner != partner
            and o.headline is not None
            and F.same_headline_class(o.partner, partner)
        ):
            latest[o.partner] = o
    refs, rec = [], []
    for p, o in sorted(latest.items()):
        b = headline_base_bn(p, as_of)
        refs.append((b, np.full(n, float(o.headline.rate))))
        rec.append(
            {
                "partner": p,
                "headline": float(o.headline.rate),
                "form": o.headline.form,
                "concluded": o.concluded.isoformat() if o.concluded else None,
                "base_usd_bn": b,
            }
        )
    return refs, rec


def open_partners(as_of: dt.date) -> list[str]:
    """Partners with fact profiles whose talks are open on ``as_of``: no deal concluded before it."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.outcomes import known_outcomes

    done = {o.partner for o in known_outcomes(as_of)}
    return [p for p in F.partners() if p not in done]


# --------------------------------------------------------------------------------------------
# Assembling the record
# --------------------------------------------------------------------------------------------


def _record(
    prep: Prepared,
    sols: Any,
    as_of: dt.date,
    seed: int,
    extra: dict[str, Any],
    changes: Sequence[dt.date] = (),
) -> PartnerForecast:
    """The forecast record from the per-draw solutions of each ratification regime (``sols[0]`` from
    ``as_of``, ``sols[r]`` from ``changes[r-1]``)."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.timing import fit_hazard, p_deal_by_regimes

    if not isinstance(sols, list | tuple):
        sols = [sols]
    case = prep.case
    n = prep.problem.n
    rng = np.random.default_rng(seed + 104729)
    fit = fit_hazard(as_of)
    lam = fit.draws(n, rng)
    mult = prep.draws.get("deadline_multiplier")
    if mult is None:
        from tariffsim.negotiation.generate import priors

        mult = np.full(n, priors()[1]["deadline_multiplier"].number)
    dls = (
        [e.until for e in F.deadlines(case.partner, as_of) if e.until is not None]
        if case.partner in F.partners()
        else []
    )
    dates = [as_of + dt.timedelta(days=k) for k in HORIZON_DAYS]
    P, share = p_deal_by_regimes(
        as_of, dates, [s.ratification for s in sols], list(changes), lam, dls, mult
    )
    pdb = {d: float(P[:, j].mean()) for j, d in enumerate(dates)}
    # each draw's deal comes from the regime it is made in (drawn by the regimes' shares of deals)
    pick = np.zeros(n, dtype=int)
    if len(sols) > 1:
        u = rng.random(n)
        pick = np.minimum((u[:, None] > np.cumsum(share, axis=1)).sum(axis=1), len(sols) - 1)
    rows = np.arange(n)
    packages = np.stack([s.packages for s in sols])[pick, rows]
    feasible = np.stack([s.feasible for s in sols])[pick, rows]
    ratif = np.stack([s.ratification for s in sols])[pick, rows]
    hj = case.issue_names.index(HEADLINE)
    head_lv = np.asarray(case.issue(HEADLINE).levels, float)
    headline = head_lv[packages[feasible, hj]]
    auto = None
    if case.has_issue(AUTO):
        aj = case.issue_names.index(AUTO)
        auto = np.asarray(case.issue(AUTO).levels, float)[packages[feasible, aj]]
    prov = case.provenance
    inputs = {
        "case": case.id,
        "draws": n,
        "seed": seed,
        "p_zopa": float(sols[0].feasible.mean()),
        "p_ratified_zopa": float(sols[0].ratification.mean()),
        "regimes": [as_of.isoformat(), *[c.isoformat() for c in changes]],
        "hazard": fit.as_dict(),
        "deadlines": [d.isoformat() for d in dls if d is not None],
        "bargaining_power_median": float(np.median(prep.problem.alpha)),
        "agenda": list(case.issue_names),
        "_packages": packages,
        "_feasible": feasible,
        "_ratification": ratif,
        **extra,
    }
    return PartnerForecast(
        partner=case.partner,
        as_of=as_of,
        p_deal_by=pdb,
        headline=headline,
        auto=auto,
        status_quo_rate=float(prov.get("status_quo_rate", np.nan)),
        threat_rate=float(prov.get("threat_rate", np.nan)),
        inputs=inputs,
    )


def _as_date(as_of: Any) -> dt.date:
    from tariffsim.core.dates import parse_date

    return parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of


def regimes(prep: Prepared, as_of: dt.date) -> tuple[list[Any], list[dt.date]]:
    """The per-draw problems of each ratification regime within a year of ``as_of`` (the first
    change only: a pre-election line that ends)."""
    from tariffsim.negotiation.bargain import on_day, regime_changes

    changes = regime_changes(prep.problem, as_of, as_of + dt.timedelta(days=365))[:1]
    return [prep.problem, *[on_day(prep.problem, c) for c in changes]], changes


def solve_symmetric(
    prep: Prepared,
    fixed: list[tuple[float, np.ndarray]],
    others_base: float,
    problem: Any = None,
) -> tuple[Any, int]:
    """Per-draw smallest fixed point x = r(h*(x)) with the open partners' reference equal to this
    partner's own rate; returns the solution and the iterations used."""
    from tariffsim.negotiation.bargain import solve_draws

    problem = problem if problem is not None else prep.problem
    sol = solve_draws(problem, claim_adjustment(prep, fixed) if fixed else None)
    it = 0
    for _ in range(MAX_ITER):
        it += 1
        x = np.where(sol.head_level >= 0, prep.rates[np.maximum(sol.head_level, 0)], 0.0)
        new = solve_draws(problem, claim_adjustment(prep, [*fixed, (others_base, x)]))
        same = np.array_equal(new.head_level, sol.head_level)
        sol = new
        if same:
            break
    return sol, it


def forecast_partner(
    partner: str,
    as_of: Any,
    *,
    draws: int = 2000,
    seed: int = 0,
    executor: str | None = None,
    case: Any = None,
    recalibration_history: Mapping[str, Any] | None = None,
) -> PartnerForecast:
    """The forecast for one partner (symmetric claims by the open partners; module docstring).

    ``executor`` is accepted for the interface; one partner is solved in process.
    ``recalibration_history`` (off by default): the model's past forecasts of earlier deals
    (``recalibration.build_history``); when given, the headline and car draws are recalibrated
    on them (``negotiation.recalibration``)."""
    day = _as_date(as_of)
    prep = prepare(partner, day, draws=draws, seed=seed, case=case)
    fixed, rec = concluded_refs(prep.partner, day, draws)
    others = [p for p in open_partners(day) if p != prep.partner]
    others_base = float(sum(headline_base_bn(p, day) for p in others))
    probs, changes = regimes(prep, day)
    sols, its = [], []
    for pr in probs:
        sol, it = solve_symmetric(prep, fixed, others_base, pr)
        sols.append(sol)
        its.append(it)
    claims = {"concluded": rec, "open": others, "open_base_usd_bn": others_base, "iterations": its}
    out = _record(prep, sols, day, seed, {"mode": "partner", "claims": claims}, changes)
    return _recalibrated(out, recalibration_history, seed)


def _recalibrated(
    fc: PartnerForecast, history: Mapping[str, Any] | None, seed: int
) -> PartnerForecast:
    """The record, recalibrated on ``history`` when one is given (research's hook)."""
    if history is None:
        return fc
    from tariffsim.negotiation.recalibration import apply

    out: PartnerForecast = apply(fc, history, seed=seed)
    return out


def _prepare_item(item: tuple[str, str, int, int]) -> Prepared | str:
    """A prepared partner, or the message of the input error that stopped it."""
    p, day, draws, seed = item
    try:
        return prepare(p, dt.date.fromisoformat(day), draws=draws, seed=seed)
    except InputError as exc:
        return f"{p}: {exc.message}"


def _x(prep: Prepared, sol: Any) -> np.ndarray:
    return np.where(sol.head_level >= 0, prep.rates[np.maximum(sol.head_level, 0)], 0.0)


def forecast_wave(
    as_of: Any,
    *,
    partners: Sequence[str] | None = None,
    draws: int = 2000,
    seed: int = 0,
    executor: str | None = None,
    errors: dict[str, str] | None = None,
    recalibration_history: Mapping[str, Any] | None = None,
) -> list[PartnerForecast]:
    """Every open partner's forecast with claims between them (Nash-in-Nash; module docstring).

    A partner whose case cannot be built (an input error) is left out of the wave; its message goes
    to ``errors`` when a dict is given. ``recalibration_history``: as in :func:`forecast_partner`."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.bargain import solve_draws

    day = _as_date(as_of)
    names = list(partners) if partners is not None else open_partners(day)
    if not names:
        raise InputError(f"no open negotiations on {day.isoformat()}")
    items = [(p, day.isoformat(), draws, seed) for p in names]
    if executor in (None, "serial"):
        got = [_prepare_item(x) for x in items]
    else:
        from tariffsim.parallel import run_draws

        got = run_draws(_prepare_item, items, executor=executor)
    preps = [g for g in got if isinstance(g, Prepared)]
    for g in got:
        if isinstance(g, str) and errors is not None:
            errors[g.split(":", 1)[0]] = g.split(": ", 1)[1]
    if not preps:
        raise InputError(f"no open negotiation could be forecast on {day.isoformat()}")
    fixed_by = {pp.partner: concluded_refs(pp.partner, day, draws) for pp in preps}

    def refs_for(pp: Prepared, sols: dict[str, Any]) -> list[tuple[float, np.ndarray]]:
        refs = list(fixed_by[pp.partner][0])
        refs += [
            (q.base_bn, _x(q, sols[q.partner]))
            for q in preps
            if q.partner != pp.partner and F.same_headline_class(q.partner, pp.partner)
        ]
        return refs

    sols = {
        pp.partner: solve_draws(
            pp.problem,
            claim_adjustment(pp, fixed_by[pp.partner][0]) if fixed_by[pp.partner][0] else None,
        )
        for pp in preps
    }
    it = 0
    for _ in range(MAX_ITER):
        it += 1
        new = {
            pp.partner: solve_draws(pp.problem, claim_adjustment(pp, refs_for(pp, sols)))
            for pp in preps
        }
        changed = any(not np.array_equal(new[p].head_level, sols[p].head_level) for p in new)
        sols = new
        if not changed:
            break
    out = []
    for pp in preps:
        probs, changes = regimes(pp, day)
        later = [solve_draws(pr, claim_adjustment(pp, refs_for(pp, sols))) for pr in probs[1:]]
        claims = {
            "concluded": fixed_by[pp.partner][1],
            "open": [q.partner for q in preps if q.partner != pp.partner],
            "iterations": it,
        }
        rec = _record(
            pp, [sols[pp.partner], *later], day, seed, {"mode": "wave", "claims": claims}, changes
        )
        out.append(_recalibrated(rec, recalibration_history, seed))
    return out


def _warm() -> None:
    """Load what every forecast needs (facts, outcomes, priors, flows) once, before a process pool
    forks (the backtest calls ``forecast_partner.warm()`` when it exists)."""
    from tariffsim.models.stakes_state import flows_2024
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.generate import priors
    from tariffsim.negotiation.outcomes import known_outcomes

    F.load()
    known_outcomes(dt.date(2026, 12, 31))
    priors()
    flows_2024()


forecast_partner.warm = _warm  # type: ignore[attr-defined]
