"""Monte Carlo of simulated negotiations: thousands of alternating-offers runs over drawn parameters.

``simulate(problem, strategies, draws=n, param_sampler=…)`` draws per-negotiation parameters
(reservations — e.g. an uncertain threatened rate —, deadlines, breakdown risk, strategy exponents),
runs the negotiations in lockstep batches (:func:`tariffsim.negotiation.protocol.run_batch`), and
returns the distribution of deals (per issue: median and 10th–90th percentiles in issue units),
P(agreement) and the time to agreement.

Offerable packages. Negotiators offer from a candidate set ``C``: the union of the strict Pareto
frontiers of (own utility, hypothesised opponent utility) for every opponent hypothesis of either side
(:func:`tariffsim.negotiation.opponents.weight_hypotheses`, the true utilities first). A negotiator that
picks "the package meeting my target that my opponent likes best" under a hypothesis only ever
offers a package on that hypothesis' frontier, so ``C`` holds every offer an oracle or Bayesian
negotiator can make; frequency-model negotiators are restricted to it too (documented
approximation). With an explicit candidate set of at most ``full_set_limit`` packages, all of them
are offerable.

Parallelism: batches of ``batch_size`` negotiations go through
``tariffsim.parallel.run_draws`` (local processes or Ray) when ``executor`` is not
``"serial"``; each batch has its own seed, so results do not depend on the executor.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import Agenda, BargainingProblem
from tariffsim.negotiation.opponents import (
    BayesianModel,
    FrequencyModel,
    OpponentModel,
    OracleModel,
    weight_hypotheses,
)
from tariffsim.negotiation.pareto import additive_frontier, candidate_frontier, nondominated_2d
from tariffsim.negotiation.protocol import (
    AGREED,
    BREAKDOWN,
    DEADLINE,
    Mechanism,
    own_order,
    run_batch,
)
from tariffsim.negotiation.strategies import Strategy

ParamSampler = Callable[[np.random.Generator, int], dict[str, np.ndarray]]

_BASE_KEYS = ("reservation_a", "reservation_b", "deadline", "breakdown")


@dataclass(frozen=True)
class OfferSpace:
    """Offerable packages ``(C, k)``, their utilities ``(C, 2)`` and opponent hypotheses.

    ``hypotheses[i]`` is ``(H, C)``: side ``i``'s hypotheses about its *opponent's* utility.
    """

    packages: np.ndarray
    utilities: np.ndarray
    hypotheses: tuple[np.ndarray, np.ndarray]


def offer_space(
    problem: BargainingProblem,
    *,
    n_hypotheses: int = 8,
    seed: int = 0,
    full_set_limit: int = 2_000,
) -> OfferSpace:
    """Build the candidate set (module docstring) and each side's opponent hypotheses on it."""
    ua, ub = problem.utilities
    hyp_b = weight_hypotheses(ub, n_hypotheses, seed=seed)  # A's hypotheses about B
    hyp_a = weight_hypotheses(ua, n_hypotheses, seed=seed + 1)  # B's hypotheses about A
    if problem.is_unrestricted and problem.agenda.n_packages > full_set_limit:
        parts = [additive_frontier((ua, ub)).packages]
        parts += [additive_frontier((ua, h)).packages for h in hyp_b]
        parts += [additive_frontier((h, ub)).packages for h in hyp_a]
        pk = np.unique(np.concatenate(parts, axis=0), axis=0)
    else:
        base = problem.candidate_packages()
        if base.shape[0] == 0:
            raise InputError("no feasible package to negotiate over")
        if base.shape[0] <= full_set_limit:
            pk = base
        else:
            ut_a, ut_b = ua.evaluate(base), ub.evaluate(base)
            keep = [nondominated_2d(ut_a, ut_b)]
            keep += [nondominated_2d(ut_a, h.evaluate(base)) for h in hyp_b]
            keep += [nondominated_2d(h.evaluate(base), ut_b) for h in hyp_a]
            pk = base[np.unique(np.concatenate(keep))]
    ut = problem.evaluate(pk)
    hb = np.stack([h.evaluate(pk) for h in hyp_b])
    ha = np.stack([h.evaluate(pk) for h in hyp_a])
    return OfferSpace(pk, ut, (hb, ha))


def _make_model(strategy: Strategy, side: int, space: OfferSpace, sizes) -> OpponentModel:
    """Side ``side``'s model of its opponent, on the candidates in the side's own order."""
    spec = strategy.opponent
    order = own_order(space.utilities[:, side])
    cands = space.packages[order]
    if spec.kind == "oracle":
        return OracleModel(cands, space.utilities[order, 1 - side])
    if spec.kind == "frequency":
        return FrequencyModel(cands, sizes, eta=spec.eta)
    hyp = space.hypotheses[side][: spec.hypotheses][:, order]
    return BayesianModel(cands, hyp, sigma=spec.sigma)


def _run_item(item: dict[str, Any], *, shared: dict[str, Any]) -> dict[str, Any]:
    space: OfferSpace = shared["space"]
    strategies = shared["strategies"]
    models = (
        _make_model(strategies[0], 0, space, shared["sizes"]),
        _make_model(strategies[1], 1, space, shared["sizes"]),
    )
    return run_batch(
        cand_utils=space.utilities,
        strategies=strategies,
        models=models,
        protocol=shared["protocol"],
        reservation=item["reservation"],
        deadline=item["deadline"],
        breakdown=item["breakdown"],
        overrides=item["overrides"],
        seed=item["seed"],
    )


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Outcome of ``draws`` simulated negotiations.

    ``packages`` ``(D, k)`` level indices of the deals (−1 rows: no deal); ``utilities`` ``(D, 2)``
    (NaN: no deal); ``rounds`` agreement round (−1); ``outcome`` 1 agreed / 2 deadline / 3 breakdown;
    ``params`` the drawn parameters.
    """

    agenda: Agenda
    names: tuple[str, str]
    packages: np.ndarray
    utilities: np.ndarray
    rounds: np.ndarray
    outcome: np.ndarray
    params: dict[str, np.ndarray]
    elapsed_s: float
    executor: str
    n_offerable: int
    pressure: np.ndarray | None = None

    @property
    def draws(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def agreed(self) -> np.ndarray:
        return self.outcome == AGREED

    @property
    def agreement_probability(self) -> float:
        return float(self.agreed.mean()) if self.draws else float("nan")

    @property
    def negotiations_per_second(self) -> float:
        return self.draws / self.elapsed_s if self.elapsed_s > 0 else float("inf")

    def time_to_agreement(self) -> dict[str, float | None]:
        """Rounds to agreement among agreed negotiations (round 0 = the opening offer accepted)."""
        r = self.rounds[self.agreed]
        if r.size == 0:
            return {"mean": None, "median": None, "p10": None, "p90": None}
        return {
            "mean": float(r.mean()),
            "median": float(np.median(r)),
            "p10": float(np.percentile(r, 10)),
            "p90": float(np.percentile(r, 90)),
        }

    def deal_distribution(self) -> dict[str, dict[str, Any]]:
        """Per issue over agreed deals (see :func:`distribution_of_deals`)."""
        return distribution_of_deals(self.agenda, self.packages[self.agreed])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        ut = self.utilities[self.agreed]
        return {
            "draws": self.draws,
            "agreement_probability": self.agreement_probability,
            "deadline_probability": float((self.outcome == DEADLINE).mean()),
            "breakdown_probability": float((self.outcome == BREAKDOWN).mean()),
            "time_to_agreement": self.time_to_agreement(),
            "deal": self.deal_distribution(),
            "mean_utilities": {
                n: (float(ut[:, i].mean()) if ut.shape[0] else None)
                for i, n in enumerate(self.names)
            },
            "offerable_packages": self.n_offerable,
            "elapsed_s": self.elapsed_s,
            "executor": self.executor,
        }


def _draw_params(
    problem: BargainingProblem,
    protocol: Mechanism,
    strategies: tuple[Strategy, Strategy],
    draws: int,
    sampler: ParamSampler | None,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    params: dict[str, np.ndarray] = {
        "reservation_a": np.full(draws, problem.reservation[0]),
        "reservation_b": np.full(draws, problem.reservation[1]),
        "deadline": np.full(draws, protocol.deadline, dtype=np.int64),
        "breakdown": np.full(draws, protocol.breakdown),
    }
    if sampler is None:
        return params
    drawn = sampler(rng, draws)
    allowed = set(_BASE_KEYS)
    for side, st in zip("ab", strategies, strict=True):
        allowed |= {f"{side}.{n}" for n in st.param_names()}
    for key, val in drawn.items():
        if key not in allowed:
            raise InputError(
                f"param_sampler returned unknown parameter {key!r}",
                hint=f"known parameters: {sorted(allowed)}",
            )
        arr = np.asarray(val)
        if arr.shape != (draws,):
            raise InputError(f"param_sampler: {key!r} must have shape ({draws},), got {arr.shape}")
        if not np.isfinite(arr.astype(float)).all():
            raise InputError(f"param_sampler: {key!r} has non-finite values")
        params[key] = arr
    params["deadline"] = np.asarray(params["deadline"]).astype(np.int64)
    if (params["deadline"] < 1).any():
        raise InputError("param_sampler: deadlines must be at least 1 round")
    b = params["breakdown"].astype(float)
    if ((b < 0) | (b >= 1)).any():
        raise InputError("param_sampler: breakdown probabilities must be in [0, 1)")
    return params


def simulate(
    problem: BargainingProblem,
    strategies: tuple[Strategy, Strategy],
    *,
    draws: int = 1000,
    param_sampler: ParamSampler | None = None,
    protocol: Mechanism | None = None,
    executor: str = "serial",
    workers: int | None = None,
    batch_size: int = 2000,
    seed: int = 0,
    progress: bool = False,
    space: OfferSpace | None = None,
) -> SimulationResult:
    """Run ``draws`` negotiations of ``problem`` between ``strategies[0]`` (party ``names[0]``) and
    ``strategies[1]``.

    ``param_sampler(rng, n)`` returns per-negotiation arrays of shape ``(n,)`` for any of
    ``reservation_a``, ``reservation_b``, ``deadline`` (rounds), ``breakdown`` (per-round
    probability), and strategy fields as ``"a.<field>"`` / ``"b.<field>"`` (e.g. ``"a.e"``). Results
    are reproducible for a given ``seed`` and ``batch_size`` whatever the executor.
    """
    if draws < 1:
        raise InputError(f"draws must be at least 1, got {draws}")
    if len(strategies) != 2:
        raise InputError("simulate needs exactly two strategies")
    protocol = protocol or Mechanism()
    for st in strategies:
        st.validate()
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    params = _draw_params(problem, protocol, strategies, draws, param_sampler, rng)
    space = space or offer_space(problem, seed=seed)
    reservation = np.stack(
        [params["reservation_a"].astype(float), params["reservation_b"].astype(float)], axis=1
    )
    items = []
    seeds = rng.integers(2**63, size=(draws + batch_size - 1) // batch_size)
    for b, start in enumerate(range(0, draws, batch_size)):
        sl = slice(start, min(draws, start + batch_size))
        overrides = tuple(
            {k.split(".", 1)[1]: params[k][sl] for k in params if k.startswith(f"{side}.")}
            for side in "ab"
        )
        items.append(
            {
                "reservation": reservation[sl],
                "deadline": params["deadline"][sl],
                "breakdown": params["breakdown"][sl].astype(float),
                "overrides": overrides,
                "seed": int(seeds[b]),
            }
        )
    shared = {
        "space": space,
        "strategies": tuple(strategies),
        "protocol": protocol,
        "sizes": problem.agenda.sizes,
    }
    fn = functools.partial(_run_item, shared=shared)
    if executor not in ("serial", "local", "ray"):
        raise InputError(f"unknown executor {executor!r}", hint="use serial, local or ray")
    if executor == "serial" or len(items) == 1:
        outs = [fn(it) for it in items]
        used = "serial"
    else:
        from tariffsim.parallel import run_draws

        outs = list(run_draws(fn, items, executor=executor, workers=workers, progress=progress))
        used = executor
    deal = np.concatenate([o["deal"] for o in outs])
    agreed = deal >= 0
    k = problem.agenda.k
    packages = np.full((draws, k), -1, dtype=np.int32)
    packages[agreed] = space.packages[deal[agreed]]
    utilities = np.full((draws, 2), np.nan)
    utilities[agreed] = space.utilities[deal[agreed]]
    return SimulationResult(
        agenda=problem.agenda,
        names=problem.names,
        packages=packages,
        utilities=utilities,
        rounds=np.concatenate([o["round"] for o in outs]),
        outcome=np.concatenate([o["outcome"] for o in outs]),
        params=params,
        elapsed_s=time.perf_counter() - t0,
        executor=used,
        n_offerable=int(space.packages.shape[0]),
        pressure=np.concatenate([o["pressure"] for o in outs]),
    )


__all__ = [
    "OfferSpace",
    "SimulationResult",
    "candidate_frontier",
    "offer_space",
    "simulate",
]


def distribution_of_deals(agenda: Agenda, packages: np.ndarray) -> dict[str, dict[str, Any]]:
    """Per issue over a set of deals (rows of level indices): median, p10 and p90 in issue units.

    Quantiles are inverted-CDF (the smallest level whose cumulative share reaches q), so every
    reported value is a level of the issue — a deal of "4.25% auto duty" that no package offers is
    never reported. Categorical issues take their levels as ordered in the case. Every issue reports
    the share of deals at each level (``shares``; for scoring with CRPS).
    """
    out: dict[str, dict[str, Any]] = {}
    for j, issue in enumerate(agenda.issues):
        if packages.shape[0] == 0:
            out[issue.name] = {"median": None, "p10": None, "p90": None, "unit": issue.unit}
            continue
        col = packages[:, j].astype(np.int64)
        q = np.percentile(col, [50, 10, 90], method="inverted_cdf").astype(int)
        counts = np.bincount(col, minlength=issue.n_levels) / col.shape[0]
        if issue.kind == "numeric":
            vals = issue.values(q)
            out[issue.name] = {
                "median": float(vals[0]),
                "p10": float(vals[1]),
                "p90": float(vals[2]),
                "unit": issue.unit,
                "shares": {float(lv): float(c) for lv, c in zip(issue.levels, counts, strict=True)},
            }
        else:
            out[issue.name] = {
                "median": issue.levels[q[0]],
                "p10": issue.levels[q[1]],
                "p90": issue.levels[q[2]],
                "unit": issue.unit,
                "shares": {lv: float(c) for lv, c in zip(issue.levels, counts, strict=True)},
            }
    return out
