"""One call from a case to every answer a negotiator asks: :func:`analyze`.

1. **Benchmarks at the stated priors** (:func:`solve_central`): the exact Pareto frontier of the
   case's blocks (issue-wise merge), the ZOPA, the asymmetric Nash, Kalai–Smorodinsky and joint
   welfare packages, and the Nash package of expected gains with ratification. These are
   efficient-bargaining benchmarks under the priors as written — **not forecasts**.
2. **The forecast** (:mod:`tariffsim.negotiation.forecast`): the same bargain solved for every joint
   Latin-hypercube draw of all ranged priors, with the claims other partners would make; the
   distribution of each issue over the draws with a deal, P(deal) (a ratified ZOPA) and P(deal by
   date).
3. **Sensitivity**: rank correlation and first-order (binned) Sobol index of every prior with the
   headline rate, the car rate and P(deal) over the same draws.
4. **Tied hands** (Schelling 1960; Putnam 1988): the partner's approval line raised by a share of
   its cost of no deal; where the expected-gains Nash package moves.

:func:`check` scores any proposed package (``negotiate CASE --check PACKAGE.yaml``): each side's
utility and gain over no deal, the ratification odds per pivot, and the frontier packages that
dominate it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

HEADLINE = ("reciprocal_rate", "auto_rate")


# --------------------------------------------------------------------------------------------
# The block agenda (compound issues) and the case's issues
# --------------------------------------------------------------------------------------------


def block_agenda(case: Any, blocks: list[Any]) -> Any:
    """The domain agenda whose issues are the case's blocks (levels labelled ``a|b``)."""
    from tariffsim.negotiation.domain import Agenda, Issue

    issues = []
    for bl in blocks:
        specs = [case.issues[j] for j in bl.issues]
        if len(specs) == 1:
            s = specs[0]
            issues.append(Issue(bl.name, tuple(s.levels), s.unit, s.kind, s.description))
        else:
            labels = tuple(
                "|".join(str(specs[q].levels[row[q]]) for q in range(len(specs)))
                for row in bl.index
            )
            issues.append(Issue(bl.name, labels, "level", "categorical", ""))
    return Agenda(tuple(issues))


def case_levels(case: Any, blocks: list[Any], package: np.ndarray) -> dict[str, Any]:
    """A block package (row of block-level indices) as ``{case issue: level}``."""
    out: dict[str, Any] = {}
    for b, bl in enumerate(blocks):
        row = bl.index[int(package[b])]
        for q, j in enumerate(bl.issues):
            out[case.issues[j].name] = case.issues[j].levels[int(row[q])]
    return {n: out[n] for n in case.issue_names}


def block_package(case: Any, blocks: list[Any], levels: Mapping[str, Any]) -> np.ndarray:
    """``{case issue: level}`` (every issue) → the block package row."""
    missing = [n for n in case.issue_names if n not in levels]
    extra = [n for n in levels if n not in case.issue_names]
    if missing or extra:
        raise InputError(
            f"a package gives every issue of {case.id} once (missing {missing}, unknown {extra})"
        )
    idx = {n: case.issue(n).level_index(levels[n]) for n in case.issue_names}
    row = []
    for bl in blocks:
        want = np.asarray([idx[case.issues[j].name] for j in bl.issues])
        row.append(int(np.flatnonzero((bl.index == want[None, :]).all(axis=1))[0]))
    return np.asarray(row, dtype=np.int32)


# --------------------------------------------------------------------------------------------
# Central benchmarks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Central:
    case: Any
    tables: Any
    agenda: Any
    problem: Any  # domain.BargainingProblem over blocks
    frontier: Any
    alpha: float
    nash: Any
    nash_symmetric: Any
    kalai_smorodinsky: Any
    max_joint: Any
    ratification: Any
    expected_nash: dict[str, Any] | None  # Nash of expected gains with ratification (Iida 1993)

    def levels(self, sol: Any) -> dict[str, Any] | None:
        return None if sol is None else case_levels(self.case, self.tables.blocks, sol.package)


def solve_central(case: Any, *, threshold_shift: float = 0.0) -> Central:
    """Frontier, Nash (the case's power α and symmetric), KS, joint welfare and ratification."""
    from tariffsim.negotiation.bargain import build_problem, power, solve_draws
    from tariffsim.negotiation.domain import AdditiveUtility, BargainingProblem
    from tariffsim.negotiation.pareto import additive_frontier
    from tariffsim.negotiation.preferences import Env, build_tables
    from tariffsim.negotiation.ratification import build_ratification
    from tariffsim.negotiation.solutions import kalai_smorodinsky, max_joint_welfare, nash_solution

    tables = build_tables(case, Env(case))
    agenda = block_agenda(case, tables.blocks)
    a, b = case.parties
    ua = AdditiveUtility(agenda, tuple(t[0] for t in tables.party[a]))
    ub = AdditiveUtility(agenda, tuple(t[0] for t in tables.party[b]))
    problem = BargainingProblem(
        agenda, (ua, ub), (float(tables.reservation[a][0]), float(tables.reservation[b][0])), (a, b)
    )
    frontier = additive_frontier(problem.utilities)
    alpha = float(power(case, tables.env)[0])
    nash = nash_solution(problem, alpha=min(max(alpha, 1e-6), 1 - 1e-6), frontier=frontier)
    nash_sym = nash_solution(problem, frontier=frontier)
    ks = kalai_smorodinsky(problem, frontier=frontier)
    mjw = max_joint_welfare(problem, frontier=frontier)
    rat = build_ratification(tables, agenda, threshold_shift=threshold_shift)
    exp = None
    if threshold_shift == 0.0:
        sol = solve_draws(build_problem(tables))
    else:
        sol = solve_draws(_shifted(build_problem(tables), threshold_shift))
    if sol.feasible[0]:
        levels = {
            n: case.issues[j].levels[int(sol.packages[0, j])]
            for j, n in enumerate(case.issue_names)
        }
        pk = block_package(case, tables.blocks, levels)
        exp = {
            "levels": levels,
            "utilities": [float(sol.utilities[0, 0]), float(sol.utilities[0, 1])],
            "joint_ratification": float(rat.joint(pk)[0]),
        }
    return Central(
        case, tables, agenda, problem, frontier, alpha, nash, nash_sym, ks, mjw, rat, exp
    )


def _shifted(prob: Any, shift: float) -> Any:
    """The per-draw problem with the partner's approval lines raised by ``shift`` × its no-deal cost."""
    import dataclasses

    piv = []
    for p in prob.pivots:
        if p.party == 1:
            cost = np.maximum(np.abs(prob.status_quo_utilities[:, 1] - prob.d_b), 1e-3)
            p = dataclasses.replace(p, threshold=p.threshold + shift * cost)
        piv.append(p)
    return dataclasses.replace(prob, pivots=tuple(piv))


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NegotiationResult:
    """Everything :func:`analyze` computed (frozen). :meth:`to_json` gives the CLI's JSON."""

    case_id: str
    partner: str
    as_of: str
    parties: tuple[str, str]
    issues: tuple[dict[str, Any], ...]
    reservation: dict[str, float]
    no_deal_levels: dict[str, Any]
    zopa: dict[str, Any]
    pareto_size: int
    pareto_points: np.ndarray
    nash: dict[str, Any] | None
    nash_utilities: tuple[float, float] | None
    nash_symmetric: dict[str, Any] | None
    kalai_smorodinsky: dict[str, Any] | None
    ks_utilities: tuple[float, float] | None
    max_joint_welfare: dict[str, Any] | None
    expected_nash: dict[str, Any] | None
    bargaining_power: float
    deal: dict[str, dict[str, Any]]
    agreement_probability: float
    p_deal_by: dict[str, float]
    ratification: dict[str, Any]
    tied_hands: dict[str, Any] | None
    sensitivity: list[dict[str, Any]]
    deal_utilities: np.ndarray
    draws: int
    seed: int
    timings: dict[str, float]
    forecast: Any = None
    provenance: dict[str, Any] = field(default_factory=dict)
    stakes: dict[str, Any] | None = None

    def to_json(self, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "agreement_probability": self.agreement_probability,
            "deal": {
                k: {kk: v[kk] for kk in ("median", "p10", "p90", "unit")}
                for k, v in self.deal.items()
            },
            "nash": self.nash,
            "kalai_smorodinsky": self.kalai_smorodinsky,
            "pareto_size": self.pareto_size,
            "ratification": self.ratification,
            "partner": self.partner,
            "as_of": self.as_of,
            "p_deal_by": self.p_deal_by,
        }
        if full:
            out["details"] = {
                "case": self.case_id,
                "parties": list(self.parties),
                "what_the_numbers_are": (
                    "nash and kalai_smorodinsky are efficient-bargaining benchmarks at the case's "
                    "stated priors, not forecasts; deal, agreement_probability and p_deal_by are the "
                    "forecast over joint draws of every ranged prior"
                ),
                "reservation": self.reservation,
                "no_deal_levels": self.no_deal_levels,
                "zopa": self.zopa,
                "bargaining_power": self.bargaining_power,
                "nash_utilities": self.nash_utilities,
                "nash_symmetric": self.nash_symmetric,
                "kalai_smorodinsky_utilities": self.ks_utilities,
                "max_joint_welfare": self.max_joint_welfare,
                "expected_gains_nash": self.expected_nash,
                "deal_shares": {k: v.get("shares") for k, v in self.deal.items() if "shares" in v},
                "tied_hands": self.tied_hands,
                "sensitivity": self.sensitivity,
                "draws": self.draws,
                "seed": self.seed,
                "timings_s": self.timings,
                "provenance": self.provenance,
                "stakes": self.stakes,
            }
        return out


def deal_distribution(case: Any, packages: np.ndarray) -> dict[str, dict[str, Any]]:
    """Per case issue over deal packages (level indices): median, p10, p90 (levels) and shares."""
    from tariffsim.negotiation.simulate import distribution_of_deals

    return distribution_of_deals(case.agenda(), packages)


def analyze(
    case: Any,
    *,
    draws: int = 2000,
    seed: int = 0,
    with_sensitivity: bool = True,
    with_tied_hands: bool = True,
    with_explain: bool = False,
) -> NegotiationResult:
    """Analyse a case (a :class:`~tariffsim.negotiation.case.Case`, an id or a path)."""
    from tariffsim.negotiation.case import Case, load_case
    from tariffsim.negotiation.forecast import (
        concluded_refs,
        headline_base_bn,
        open_partners,
        prepare,
        solve_symmetric,
    )
    from tariffsim.negotiation.ratification import win_sets
    from tariffsim.negotiation.solutions import zopa as zopa_fn
    from tariffsim.negotiation.uncertainty import sensitivity_table

    if not isinstance(case, Case):
        case = load_case(case)
    if draws < 1:
        raise InputError(f"draws must be at least 1, got {draws}", hint="e.g. --draws 2000")
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    c = solve_central(case)
    t["benchmarks_s"] = time.perf_counter() - t0
    z = zopa_fn(c.problem, frontier=c.frontier, seed=seed)

    t1 = time.perf_counter()
    prep = prepare(case.partner, case.as_of, draws=draws, seed=seed, case=case)
    fixed, rec = concluded_refs(case.partner, case.as_of, draws)
    others = [p for p in open_partners(case.as_of) if p != case.partner]
    others_base = float(sum(headline_base_bn(p, case.as_of) for p in others))
    from tariffsim.negotiation.forecast import _record, regimes

    probs, changes = regimes(prep, case.as_of)
    sols = [solve_symmetric(prep, fixed, others_base, pr)[0] for pr in probs]
    claims = {"concluded": rec, "open": others}
    fc = _record(prep, sols, case.as_of, seed, {"mode": "case", "claims": claims}, changes)
    t["forecast_s"] = time.perf_counter() - t1
    ok = fc.inputs["_feasible"]
    pk = fc.inputs["_packages"]
    deal = deal_distribution(case, pk[ok])
    sol = sols[0]
    deal_ut = sol.utilities[sol.feasible]

    rat = c.ratification
    fpk = c.frontier.packages
    ratification: dict[str, Any] = {
        "nash": None if c.nash is None else rat.summary(c.nash.package),
        "kalai_smorodinsky": None
        if c.kalai_smorodinsky is None
        else rat.summary(c.kalai_smorodinsky.package),
        "forecast_mean_joint": float(fc.inputs["_ratification"][ok].mean()) if ok.any() else None,
        "win_sets_on_frontier": win_sets(rat, fpk),
        "nash_of_expected_gains": None if c.expected_nash is None else c.expected_nash["levels"],
        "pivots": {
            v.name: {
                "party": v.party,
                "threshold": v.threshold,
                "sigma": v.sigma,
                "needed": v.needed,
                "issues": list(v.issues),
            }
            for v in rat.pivots
        },
    }

    th = None
    t2 = time.perf_counter()
    if with_tied_hands and any(v.party == case.partner for v in rat.pivots) and c.expected_nash:
        ladder = []
        base = c.expected_nash["levels"]
        for shift in (0.25, 0.5, 1.0):
            ci = solve_central(case, threshold_shift=shift)
            after = ci.expected_nash["levels"] if ci.expected_nash else None
            moved = (
                {}
                if after is None
                else {
                    k: {"before": base[k], "after": after[k]} for k in base if base[k] != after[k]
                }
            )
            ladder.append({"threshold_shift": shift, "package": after, "moved": moved})
        th = {
            "what": "the partner's approval line raised by a share of its cost of no deal (location, not σ)",
            "before": base,
            "ladder": ladder,
        }
    t["tied_hands_s"] = time.perf_counter() - t2

    sens: list[dict[str, Any]] = []
    if with_sensitivity and prep.draws:
        hj = (
            case.issue_names.index("reciprocal_rate") if case.has_issue("reciprocal_rate") else None
        )
        outs: dict[str, np.ndarray] = {}
        if hj is not None:
            lv = np.asarray(case.issue("reciprocal_rate").levels, float)
            outs["headline"] = np.where(ok, lv[np.maximum(pk[:, hj], 0)], np.nan)
        if case.has_issue("auto_rate"):
            aj = case.issue_names.index("auto_rate")
            lv = np.asarray(case.issue("auto_rate").levels, float)
            outs["auto"] = np.where(ok, lv[np.maximum(pk[:, aj], 0)], np.nan)
        outs["p_deal"] = fc.inputs["_ratification"]
        sens = sensitivity_table(prep.draws, outs)
    t["total_s"] = time.perf_counter() - t0

    return NegotiationResult(
        case_id=case.id,
        partner=case.partner,
        as_of=case.as_of.isoformat(),
        parties=tuple(case.parties),
        issues=tuple(
            {
                "name": i.name,
                "unit": i.unit,
                "kind": i.kind,
                "levels": list(i.levels),
                "help": i.help,
            }
            for i in case.issues
        ),
        reservation={p: float(c.tables.reservation[p][0]) for p in case.parties},
        no_deal_levels=dict(c.tables.expected_no_deal),
        zopa=z.as_dict(),
        pareto_size=len(c.frontier),
        pareto_points=c.frontier.utilities.copy(),
        nash=c.levels(c.nash),
        nash_utilities=None if c.nash is None else c.nash.utilities,
        nash_symmetric=c.levels(c.nash_symmetric),
        kalai_smorodinsky=c.levels(c.kalai_smorodinsky),
        ks_utilities=None if c.kalai_smorodinsky is None else c.kalai_smorodinsky.utilities,
        max_joint_welfare=c.levels(c.max_joint),
        expected_nash=c.expected_nash,
        bargaining_power=c.alpha,
        deal=deal,
        agreement_probability=float(fc.inputs["_ratification"].mean()),
        p_deal_by={d.isoformat(): p for d, p in fc.p_deal_by.items()},
        ratification=ratification,
        tied_hands=th,
        sensitivity=sens,
        deal_utilities=deal_ut,
        draws=int(draws),
        seed=int(seed),
        timings=t,
        forecast=fc,
        provenance={
            "case_file": str(case.path) if case.path else None,
            "generated": dict(case.provenance),
            "priors_drawn": sorted(prep.draws),
            "forecast_inputs": {
                k: v for k, v in fc.inputs.items() if k != "agenda" and not k.startswith("_")
            },
        },
        stakes=_explain(case) if with_explain else None,
    )


def _explain(case: Any) -> dict[str, Any]:
    from tariffsim.negotiation.explain import explain

    return explain(case)


def check(case: Any, levels: Mapping[str, Any], *, top: int = 5) -> dict[str, Any]:
    """Utilities, gains, ratification odds of a package, and the frontier packages dominating it."""
    c = solve_central(case)
    pk = block_package(case, c.tables.blocks, levels)
    u = c.problem.evaluate(pk[None, :])[0]
    d = c.problem.reservation
    F = c.frontier.utilities
    dom = (F[:, 0] >= u[0]) & (F[:, 1] >= u[1]) & ((F[:, 0] > u[0]) | (F[:, 1] > u[1]))
    idx = np.flatnonzero(dom)
    # the dominating packages closest to the proposal (smallest total improvement) first
    order = idx[np.argsort((F[idx, 0] - u[0]) + (F[idx, 1] - u[1]))][:top]
    a, b = case.parties
    return {
        "case": case.id,
        "package": dict(levels),
        "utilities": {a: float(u[0]), b: float(u[1])},
        "gains_over_no_deal": {a: float(u[0] - d[0]), b: float(u[1] - d[1])},
        "individually_rational": bool(u[0] > d[0] and u[1] > d[1]),
        "ratification": c.ratification.summary(pk),
        "pareto_optimal": not bool(dom.any()),
        "dominated_by": int(dom.sum()),
        "dominating_examples": [
            {
                "package": case_levels(case, c.tables.blocks, c.frontier.packages[i]),
                "utilities": {a: float(F[i, 0]), b: float(F[i, 1])},
            }
            for i in order
        ],
        "benchmarks": {
            "nash": c.levels(c.nash),
            "kalai_smorodinsky": c.levels(c.kalai_smorodinsky),
        },
    }
