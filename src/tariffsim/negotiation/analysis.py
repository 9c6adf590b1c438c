"""One call from a case file to every answer a negotiator asks: :func:`analyze`.

Steps (each documented in its module):

1. preferences from economics and politics (:mod:`.preferences`) and the threat path's reservation
   values (:mod:`.threat`) → a :class:`~tariffsim.negotiation.domain.BargainingProblem`;
2. the exact Pareto frontier (issue-wise merge), the ZOPA, Nash, Kalai–Smorodinsky and maximum joint
   welfare packages (the core solution modules);
3. two-level ratification (:mod:`.ratification`): odds of each package, win-sets, the Nash package
   among packages both sides ratify with probability ≥ ½, and the "tied hands" comparison;
4. a Monte Carlo of alternating-offers negotiations (:mod:`.simulate`) over drawn parameters — the
   case's uncertain parameters (each drawn ``N(value, sd)`` clipped to ``[low, high]``, ``sd = (high −
   low)/4``), the strategies' concession exponents and deadlines — where a deal counts as an
   agreement only if it is then ratified (a Bernoulli draw with the joint ratification probability).
   Negotiators anticipate ratification: they offer only packages both sides ratify with probability
   ≥ ½ (their win-sets); the same runs without that filter give the agreement probability of
   negotiators who ignore their domestic constraints;
5. a sensitivity analysis: every ranged parameter at its low and high value, the Nash package's
   headline issues recomputed (the tornado chart).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError

HEADLINE = ("reciprocal_rate", "auto_rate")

#: default protocol and strategies when a case file does not set them
DEFAULT_PROTOCOL = {"deadline": 30, "deadline_low": 12, "breakdown": 0.01}


@dataclass(frozen=True, eq=False)
class Solved:
    """The deterministic solution of one case at one set of parameter values."""

    case: Any
    prefs: Any
    no_deal: Any
    problem: Any
    frontier: Any
    nash: Any
    kalai_smorodinsky: Any
    max_joint: Any
    ratification: Any
    nash_ratified: Any  # Solution-like dict or None
    frontier_joint_ratify: np.ndarray

    def as_levels(self, sol: Any) -> dict[str, Any] | None:
        return None if sol is None else dict(sol.levels)


def build_problem(case: Any, *, trade: Mapping[str, tuple[float, str]] | None = None):
    """(prefs, no_deal, BargainingProblem) of a case."""
    from tariffsim.negotiation.domain import BargainingProblem
    from tariffsim.negotiation.preferences import build_preferences
    from tariffsim.negotiation.threat import no_deal

    prefs = build_preferences(case, trade=trade)
    nd = no_deal(prefs)
    a, b = case.parties
    problem = BargainingProblem(
        prefs.agenda,
        (prefs.utilities[a], prefs.utilities[b]),
        (nd.reservation[a], nd.reservation[b]),
        (a, b),
    )
    return prefs, nd, problem


def solve_case(case: Any, *, trade: Mapping[str, tuple[float, str]] | None = None) -> Solved:
    """Frontier, Nash, KS, joint welfare and ratification of a case (no simulation)."""
    from tariffsim.negotiation.pareto import additive_frontier
    from tariffsim.negotiation.ratification import build_ratification, ratified_nash
    from tariffsim.negotiation.solutions import kalai_smorodinsky, max_joint_welfare, nash_solution

    prefs, nd, problem = build_problem(case, trade=trade)
    frontier = additive_frontier(problem.utilities)
    nash = nash_solution(problem, frontier=frontier)
    ks = kalai_smorodinsky(problem, frontier=frontier)
    mjw = max_joint_welfare(problem, frontier=frontier)
    rat = build_ratification(prefs, nd)
    idx, pj = ratified_nash(problem, frontier, rat)
    nr = None
    if idx is not None:
        nr = {
            "levels": frontier.describe(idx),
            "package": frontier.packages[idx].copy(),
            "utilities": (float(frontier.utilities[idx, 0]), float(frontier.utilities[idx, 1])),
            "joint_ratification": float(pj[idx]),
        }
    return Solved(case, prefs, nd, problem, frontier, nash, ks, mjw, rat, nr, pj)


def _nash_summary(s: Solved) -> dict[str, Any]:
    return {
        "nash": s.as_levels(s.nash),
        "ratification": None if s.nash is None else s.ratification.summary(s.nash.package),
        "nash_ratified": None if s.nash_ratified is None else s.nash_ratified["levels"],
    }


# --------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------


def draw_parameter_sets(case: Any, n: int, rng: np.random.Generator) -> list[dict[str, float]]:
    """``n`` sets of values for the case's uncertain parameters: normal around the value with
    sd = (high − low)/4, clipped to [low, high]. The first set is the case as written."""
    sets: list[dict[str, float]] = [{}]
    for _ in range(max(0, n - 1)):
        d = {}
        for name in case.uncertain:
            p = case.parameters[name]
            v = rng.normal(float(p.value), p.sd) if p.sd else float(p.value)
            d[name] = float(np.clip(v, p.low, p.high))
        sets.append(d)
    return sets


def _strategies(case_protocol: Mapping[str, Any]):
    from tariffsim.negotiation.strategies import Boulware, EscalatingThreat

    # the imposer threatens a higher rate on a date; the partner concedes late (Boulware)
    a = EscalatingThreat(
        e=float(case_protocol.get("imposer_e", 0.4)),
        escalation=float(case_protocol.get("escalation", 0.15)),
    )
    b = Boulware(e=float(case_protocol.get("partner_e", 0.3)))
    return a, b


def _simulate(
    case: Any,
    draws: int,
    seed: int,
    *,
    trade: Mapping[str, tuple[float, str]],
    anticipate: float | None = 0.5,
) -> dict[str, Any]:
    from tariffsim.negotiation.protocol import Protocol
    from tariffsim.negotiation.simulate import OfferSpace, offer_space, simulate

    rng = np.random.default_rng(seed)
    n_sets = 1 if not case.uncertain else int(np.clip(draws // 200, 1, 16))
    sets = draw_parameter_sets(case, n_sets, rng)
    sizes = [draws // n_sets + (1 if i < draws % n_sets else 0) for i in range(n_sets)]
    proto = {**DEFAULT_PROTOCOL, **dict(case.protocol)}
    strategies = _strategies(proto)
    k = len(case.issues)
    pk_all, agreed_all, ratified_all, rounds_all, pjoint_all = [], [], [], [], []
    for i, (over, n) in enumerate(zip(sets, sizes, strict=True)):
        if n == 0:
            continue
        c = case.with_values(over) if over else case
        solved = solve_case(c, trade=trade)
        problem = solved.problem
        space = offer_space(problem, seed=seed + i)
        if anticipate is not None and space.packages.shape[0]:
            # two-level negotiators offer only what they expect both sides to ratify (Putnam's
            # win-sets): the offerable packages are filtered by P_joint ≥ anticipate
            keep = solved.ratification.joint(space.packages) >= anticipate
            if keep.any():
                space = OfferSpace(
                    space.packages[keep],
                    space.utilities[keep],
                    (space.hypotheses[0][:, keep], space.hypotheses[1][:, keep]),
                )

        def sampler(r: np.random.Generator, m: int) -> dict[str, np.ndarray]:
            return {
                "a.e": r.uniform(0.2, 1.0, m),
                "a.escalation": r.uniform(0.0, 0.3, m),
                "b.e": r.uniform(0.15, 0.8, m),
                "deadline": r.integers(proto["deadline_low"], proto["deadline"] + 1, m),
            }

        res = simulate(
            problem,
            strategies,
            draws=n,
            param_sampler=sampler,
            protocol=Protocol(deadline=proto["deadline"], breakdown=proto["breakdown"]),
            seed=seed + 1000 + i,
            space=space,
        )
        agreed = res.agreed
        pj = np.zeros(n)
        if agreed.any():
            pj[agreed] = solved.ratification.joint(
                res.packages[agreed].astype(problem.agenda.dtype)
            )
        ratified = agreed & (rng.random(n) < pj)
        pk_all.append(res.packages)
        agreed_all.append(agreed)
        ratified_all.append(ratified)
        rounds_all.append(res.rounds)
        pjoint_all.append(pj)
    packages = np.concatenate(pk_all) if pk_all else np.zeros((0, k), dtype=np.int32)
    agreed = np.concatenate(agreed_all)
    ratified = np.concatenate(ratified_all)
    rounds = np.concatenate(rounds_all)
    pj = np.concatenate(pjoint_all)
    return {
        "packages": packages,
        "agreed": agreed,
        "ratified": ratified,
        "rounds": rounds,
        "joint_ratification": pj,
        "parameter_sets": n_sets,
    }


def deal_distribution(
    case: Any, packages: np.ndarray, mask: np.ndarray
) -> dict[str, dict[str, Any]]:
    """Per issue over the deals in ``mask`` (:func:`~tariffsim.negotiation.simulate.distribution_of_deals`)."""
    from tariffsim.negotiation.simulate import distribution_of_deals

    return distribution_of_deals(case.agenda(), packages[mask])


# --------------------------------------------------------------------------------------------
# Sensitivity (tornado)
# --------------------------------------------------------------------------------------------


def _gain_share(s: Solved) -> float | None:
    """The imposer's share of the Nash gains: g_a / (g_a + g_b)."""
    if s.nash is None:
        return None
    ga = s.nash.utilities[0] - s.problem.reservation[0]
    gb = s.nash.utilities[1] - s.problem.reservation[1]
    return float(ga / (ga + gb)) if ga + gb > 0 else None


def sensitivity(
    case: Any, *, trade: Mapping[str, tuple[float, str]], headline: tuple[str, ...] = HEADLINE
) -> list[dict[str, Any]]:
    """Each ranged parameter at its low and high value (one at a time, others as written): the Nash
    package's headline issues and the imposer's share of the Nash gains ``g_a / (g_a + g_b)``.

    Sorted by swing = Σ_h |x_h(high) − x_h(low)| / range_h over headline issues plus
    |share(high) − share(low)|, largest first.
    """
    base = solve_case(case, trade=trade)
    heads = [h for h in headline if h in [i.name for i in case.issues]]
    ranges = {h: (max(case.issue(h).levels) - min(case.issue(h).levels)) or 1.0 for h in heads}

    def headline_of(s: Solved) -> dict[str, float | None]:
        if s.nash is None:
            return {h: None for h in heads}
        return {h: float(s.nash.levels[h]) for h in heads}

    b, b_share = headline_of(base), _gain_share(base)
    rows = []
    for name, p in case.numeric_params().items():
        vals: dict[str, Any] = {}
        shares: dict[str, float | None] = {}
        for side, v in (("low", p.low), ("high", p.high)):
            try:
                s = solve_case(case.with_values({name: v}), trade=trade)
            except InputError:
                vals[side], shares[side] = {h: None for h in heads}, None
                continue
            vals[side], shares[side] = headline_of(s), _gain_share(s)
        swing = 0.0
        for h in heads:
            lo, hi = vals["low"][h], vals["high"][h]
            if lo is not None and hi is not None:
                swing += abs(hi - lo) / ranges[h]
        if shares["low"] is not None and shares["high"] is not None:
            swing += abs(shares["high"] - shares["low"])
        rows.append(
            {
                "parameter": name,
                "low": p.low,
                "high": p.high,
                "value": float(p.value),
                "nash_low": vals["low"],
                "nash_high": vals["high"],
                "nash_base": b,
                "share_low": shares["low"],
                "share_high": shares["high"],
                "share_base": b_share,
                "swing": swing,
            }
        )
    rows.sort(key=lambda r: -r["swing"])
    return rows


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NegotiationResult:
    """Everything :func:`analyze` computed (frozen). :meth:`to_json` gives the CLI's JSON."""

    case_id: str
    as_of: str
    parties: tuple[str, str]
    issues: tuple[dict[str, Any], ...]
    reservation: dict[str, float]
    no_deal_levels: dict[str, Any]
    zopa: dict[str, Any]
    pareto_size: int
    pareto_points: np.ndarray  # (n, 2) utilities
    nash: dict[str, Any] | None
    nash_utilities: tuple[float, float] | None
    kalai_smorodinsky: dict[str, Any] | None
    ks_utilities: tuple[float, float] | None
    max_joint_welfare: dict[str, Any] | None
    nash_ratified: dict[str, Any] | None
    deal: dict[str, dict[str, Any]]
    agreement_probability: float
    negotiated_probability: float
    myopic_agreement_probability: float
    time_to_agreement: dict[str, float | None]
    ratification: dict[str, Any]
    tied_hands: dict[str, Any] | None
    sensitivity: list[dict[str, Any]]
    deal_utilities: np.ndarray  # (n_agreed, 2)
    draws: int
    seed: int
    timings: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

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
        }
        if full:
            out["details"] = {
                "case": self.case_id,
                "as_of": self.as_of,
                "parties": list(self.parties),
                "reservation": self.reservation,
                "no_deal_levels": self.no_deal_levels,
                "zopa": self.zopa,
                "nash_utilities": self.nash_utilities,
                "kalai_smorodinsky_utilities": self.ks_utilities,
                "max_joint_welfare": self.max_joint_welfare,
                "nash_ratified": self.nash_ratified,
                "negotiated_probability": self.negotiated_probability,
                "agreement_probability_if_negotiators_ignore_ratification": (
                    self.myopic_agreement_probability
                ),
                "time_to_agreement_rounds": self.time_to_agreement,
                "deal_shares": {k: v.get("shares") for k, v in self.deal.items() if "shares" in v},
                "tied_hands": self.tied_hands,
                "sensitivity": self.sensitivity,
                "draws": self.draws,
                "seed": self.seed,
                "timings_s": self.timings,
                "provenance": self.provenance,
            }
        return out


def analyze(
    case: Any,
    *,
    draws: int = 2000,
    seed: int = 0,
    with_sensitivity: bool = True,
    with_tied_hands: bool = True,
) -> NegotiationResult:
    """Analyse a case (a :class:`~tariffsim.negotiation.case.Case`, an id or a path)."""
    from tariffsim.negotiation.case import Case, load_case
    from tariffsim.negotiation.preferences import resolve_trade
    from tariffsim.negotiation.ratification import tied_hands, win_sets
    from tariffsim.negotiation.solutions import zopa as zopa_fn

    if not isinstance(case, Case):
        case = load_case(case)
    if draws < 1:
        raise InputError(f"draws must be at least 1, got {draws}", hint="e.g. --draws 2000")
    t = {}
    t0 = time.perf_counter()
    trade = resolve_trade(case)
    base = solve_case(case, trade=trade)
    t["solve_s"] = time.perf_counter() - t0
    z = zopa_fn(base.problem, frontier=base.frontier, seed=seed)

    t1 = time.perf_counter()
    sim = _simulate(case, draws, seed, trade=trade)
    # the same negotiations by negotiators who ignore ratification (they learn of it afterwards)
    myopic = _simulate(case, draws, seed, trade=trade, anticipate=None)
    t["simulate_s"] = time.perf_counter() - t1
    agreed, ratified = sim["agreed"], sim["ratified"]
    deal = deal_distribution(case, sim["packages"], ratified)
    rounds = sim["rounds"][ratified]
    tta = (
        {
            "median": float(np.median(rounds)),
            "p10": float(np.percentile(rounds, 10)),
            "p90": float(np.percentile(rounds, 90)),
        }
        if rounds.size
        else {"median": None, "p10": None, "p90": None}
    )
    deal_ut = (
        base.problem.evaluate(sim["packages"][ratified].astype(base.problem.agenda.dtype))
        if ratified.any()
        else np.zeros((0, 2))
    )

    rat = base.ratification
    ratification: dict[str, Any] = {
        "nash": None if base.nash is None else rat.summary(base.nash.package),
        "kalai_smorodinsky": None
        if base.kalai_smorodinsky is None
        else rat.summary(base.kalai_smorodinsky.package),
        "negotiated_deals_mean_joint": float(sim["joint_ratification"][agreed].mean())
        if agreed.any()
        else None,
        "win_sets_on_frontier": win_sets(rat, base.frontier.packages),
        "nash_among_ratifiable": None
        if base.nash_ratified is None
        else base.nash_ratified["levels"],
        "pivots": {
            v.name: {"party": v.party, "sigma": v.sigma, "issues": list(v.issues)}
            for v in rat.pivots
        },
    }

    th = None
    t2 = time.perf_counter()
    if with_tied_hands and case.tied_hands is not None:
        cons, factor, chans = case.tied_hands

        def solve(c: Any) -> dict[str, Any]:
            return _nash_summary(solve_case(c, trade=trade))

        th = tied_hands(case, cons, factor, solve=solve, channels=chans)
        # how far the constraint must tighten before the deal moves: a ladder of factors
        ladder = []
        for f in (1.5, 2.0, 3.0, 5.0, 10.0):
            step = tied_hands(case, cons, f, solve=solve, channels=chans)
            ladder.append(
                {"factor": f, "moved": step["moved"], "moved_ratifiable": step["moved_ratifiable"]}
            )
        th["ladder"] = ladder
    t["tied_hands_s"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    sens = sensitivity(case, trade=trade) if with_sensitivity else []
    t["sensitivity_s"] = time.perf_counter() - t3
    t["total_s"] = time.perf_counter() - t0

    return NegotiationResult(
        case_id=case.id,
        as_of=case.as_of.isoformat(),
        parties=tuple(case.parties),  # type: ignore[arg-type]
        issues=tuple(
            {"name": i.name, "unit": i.unit, "kind": i.kind, "levels": list(i.levels)}
            for i in case.issues
        ),
        reservation=dict(base.no_deal.reservation),
        no_deal_levels=dict(base.no_deal.expected_levels),
        zopa=z.as_dict(),
        pareto_size=len(base.frontier),
        pareto_points=base.frontier.utilities.copy(),
        nash=base.as_levels(base.nash),
        nash_utilities=None if base.nash is None else base.nash.utilities,
        kalai_smorodinsky=base.as_levels(base.kalai_smorodinsky),
        ks_utilities=None if base.kalai_smorodinsky is None else base.kalai_smorodinsky.utilities,
        max_joint_welfare=base.as_levels(base.max_joint),
        nash_ratified=None if base.nash_ratified is None else base.nash_ratified["levels"],
        deal=deal,
        agreement_probability=float(ratified.mean()),
        negotiated_probability=float(agreed.mean()),
        myopic_agreement_probability=float(myopic["ratified"].mean()),
        time_to_agreement=tta,
        ratification=ratification,
        tied_hands=th,
        sensitivity=sens,
        deal_utilities=deal_ut,
        draws=int(draws),
        seed=int(seed),
        timings=t,
        provenance={
            "trade": {k: {"usd": v[0], "from": v[1]} for k, v in trade.items()},
            "parameter_sets": sim["parameter_sets"],
            "uncertain_parameters": list(case.uncertain),
            "case_file": str(case.path) if case.path else None,
        },
    )
