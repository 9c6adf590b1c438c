"""The alternating-offers mechanism (``Mechanism``) run in lockstep over a batch of negotiations.

Rounds ``t = 0, 1, …``; party ``(first + t) mod 2`` proposes. Before every round ``t ≥ 1`` the talks
break down with probability ``breakdown`` (a random, geometric deadline); at the fixed deadline ``T``
(per negotiation) they end without a deal. The responder accepts an offer ``o`` when

    u(o) > r_eff   and   ( u(o) ≥ τ(s_next)   or   t = T − 1 )

— AC_next (the offer beats what it would itself demand next) or, in the last round, anything better
than no deal. ``r_eff`` is the reservation lowered by the opponent's threats (``pressure``).

Offers: the proposer with target ``τ`` offers, among the candidate packages with own utility ≥ τ,
the one its opponent model rates highest (exact ties → higher own utility); if none reaches ``τ`` it
offers its best package.

Every negotiation of a batch steps together: state is ``(D,)`` arrays and offer choice is one masked
``argmax`` over a ``(D, C)`` array, so a round costs ``O(D·C)`` numpy work however many negotiations
run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.opponents import OpponentModel
from tariffsim.negotiation.sidestate import SideState, own_order
from tariffsim.negotiation.strategies import Strategy

#: outcome codes
AGREED, DEADLINE, BREAKDOWN = 1, 2, 3


@dataclass(frozen=True)
class Mechanism:
    """``deadline``: number of offers (rounds) before talks end; ``breakdown``: per-round probability
    of an exogenous end (geometric random deadline); ``first``: 0 or 1, who opens."""

    deadline: int = 40
    breakdown: float = 0.0
    first: int = 0

    def __post_init__(self) -> None:
        if self.deadline < 1:
            raise InputError(f"deadline must be at least one round, got {self.deadline}")
        if not 0.0 <= self.breakdown < 1.0:
            raise InputError(f"breakdown probability must be in [0, 1), got {self.breakdown}")
        if self.first not in (0, 1):
            raise InputError("first must be 0 or 1")


def _side_params(strategy: Strategy, n: int, overrides: dict[str, np.ndarray]) -> dict:
    out = {}
    for name in strategy.param_names():
        val = overrides.get(name, getattr(strategy, name))
        arr = np.broadcast_to(np.asarray(val, dtype=float), (n,))
        out[name] = arr
    return out


def run_batch(
    *,
    cand_utils: np.ndarray,
    strategies: tuple[Strategy, Strategy],
    models: tuple[OpponentModel, OpponentModel],
    protocol: Mechanism,
    reservation: np.ndarray,
    deadline: np.ndarray,
    breakdown: np.ndarray,
    overrides: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    seed: int,
) -> dict[str, Any]:
    """Run ``D`` negotiations in lockstep.

    ``cand_utils`` ``(C, 2)``: both parties' utilities of the offerable packages; ``reservation``
    ``(D, 2)``, ``deadline`` ``(D,)`` rounds, ``breakdown`` ``(D,)`` per-round probabilities;
    ``models[i]`` is side ``i``'s model *of its opponent*, built on the candidates in side ``i``'s
    :func:`own_order`. Returns arrays: ``deal`` (candidate index,
    −1 if none), ``round`` (agreement round, −1), ``outcome`` (AGREED / DEADLINE / BREAKDOWN),
    ``pressure`` ``(D, 2)`` (final threat pressure on each side).
    """
    D = reservation.shape[0]
    rng = np.random.default_rng(seed)
    u = [np.ascontiguousarray(cand_utils[:, 0]), np.ascontiguousarray(cand_utils[:, 1])]
    u_max = [float(u[0].max()), float(u[1].max())]
    # each side sees the candidates in its own order (own utility descending, see own_order):
    # "own utility ≥ τ" is then a prefix, found by one binary search per negotiation
    order = [own_order(u[0]), own_order(u[1])]
    inverse = [np.argsort(o) for o in order]
    neg_sorted = [-u[i][order[i]] for i in range(2)]  # ascending
    col = np.arange(u[0].shape[0])[None, :]
    span = [u_max[i] - reservation[:, i] for i in range(2)]
    sides = []
    for i in range(2):
        strategies[i].validate()
        models[i].reset(D)
        sides.append(
            SideState(
                index=i,
                u=u[i],
                u_max=u_max[i],
                reservation=reservation[:, i].astype(float),
                params=_side_params(strategies[i], D, overrides[i]),
                rng=np.random.default_rng(rng.integers(2**63)),
                model=models[i],
                opp_span=np.maximum(span[1 - i], 0.0),
                pressure_on_me=np.zeros(D),
            )
        )
    deadline = np.asarray(deadline, dtype=np.int64)
    last = np.maximum(deadline - 1, 1).astype(float)
    deal = np.full(D, -1, dtype=np.int64)
    agreed_round = np.full(D, -1, dtype=np.int64)
    outcome = np.zeros(D, dtype=np.int8)
    active = np.ones(D, dtype=bool)
    T = int(deadline.max())
    for t in range(T):
        ended = active & (t >= deadline)
        outcome[ended] = DEADLINE
        active &= ~ended
        if t > 0:
            broke = active & (rng.random(D) < breakdown)
            outcome[broke] = BREAKDOWN
            active &= ~broke
        if not active.any():
            break
        p = (protocol.first + t) % 2
        r = 1 - p
        sp, sr = sides[p], sides[r]
        s = t / last
        s_next = (t + 1) / last
        # threats: the proposer's (and responder's) pressure on the other side grows with time
        for i in (0, 1):
            pr = strategies[i].pressure(sides[i], s)
            if pr is not None:
                sides[1 - i].pressure_on_me = np.maximum(sides[1 - i].pressure_on_me, pr)
        tau = strategies[p].target(sp, s)
        # offers are computed for the negotiations still running only
        rows = np.flatnonzero(active)
        n_ok = np.searchsorted(neg_sorted[p], -tau[rows], side="right")  # how many have u ≥ τ
        est = sp.model.estimate(rows)  # (rows, C) in [0, 1], in p's own order
        pos = np.argmax(np.where(col < n_ok[:, None], est, -np.inf), axis=1)
        pos[n_ok == 0] = 0  # nothing reaches τ: offer the own best package
        offer = np.zeros(D, dtype=np.int64)  # finished negotiations: ignored (masked by active)
        offer[rows] = order[p][pos]  # candidate index
        # responder learns from the offer
        sr.model.observe(inverse[r][offer], s, active)
        uo = u[r][offer]
        if sr.opp_first_u is None:
            sr.opp_first_u = uo.copy()
            sr.opp_best_u = uo.copy()
        else:
            best = sr.opp_best_u
            assert best is not None  # set with opp_first_u
            sr.opp_best_u = np.where(active, np.maximum(best, uo), best)
        nxt = strategies[r].target(sr, s_next)
        last_round = t >= deadline - 1
        accept = active & (uo > sr.effective_reservation()) & ((uo >= nxt) | last_round)
        deal[accept] = offer[accept]
        agreed_round[accept] = t
        outcome[accept] = AGREED
        active &= ~accept
    outcome[active] = DEADLINE
    pressure = np.stack([sides[0].pressure_on_me, sides[1].pressure_on_me], axis=1)
    return {"deal": deal, "round": agreed_round, "outcome": outcome, "pressure": pressure}
