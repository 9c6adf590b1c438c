"""Negotiation strategies: each maps time (and what the opponent did) to a target utility.

All strategies act on a batch of ``D`` negotiations at once: ``target`` returns a ``(D,)`` array of
own-utility targets. The protocol (:mod:`tariffsim.negotiation.protocol`) turns a target into an offer
— the candidate package that meets the target and that the opponent model rates highest — and accepts
an offer when it is worth at least the next own target (AC_next, Baarslag et al. 2014, *Decoupling
negotiating agents to explore the space of negotiation strategies*) and more than the reservation.

Normalised time ``s = t / (T − 1)`` runs from 0 (first round) to 1 (last round before the deadline
``T``); ``u_max`` is the best own utility among offerable packages and ``r`` the reservation, lowered
by any pressure the opponent's threats put on it.

* :class:`TimeDependent` (Faratin, Sierra & Jennings 1998, RAAS 24(3–4)):
  ``τ(s) = u_max − (u_max − r) · s^(1/e)`` — Boulware for ``e < 1`` (concede late), Conceder for
  ``e > 1``, linear for ``e = 1``.
* :class:`TitForTat` — relative tit-for-tat: concede (in own utility) ``ratio`` times what the opponent
  has conceded so far (measured by own utility of its offers), with a slow time-dependent floor so two
  tit-for-tat players do not deadlock.
* :class:`EscalatingThreat` — a Boulware negotiator that raises the opponent's cost of no deal over
  time (the opponent's effective reservation falls by ``escalation · s`` of its utility span): the
  "threat of a higher rate on a date".
* :class:`Randomizing` — mixes aspiration paths: each round it draws Boulware (``e_low``) with
  probability ``p_low`` else Conceder (``e_high``), plus uniform noise of ``±noise`` of its span, which
  makes its concessions hard to read for a frequency or Bayesian opponent model.

Strategy fields that are floats can be drawn per negotiation: the simulation's ``param_sampler`` may
return ``"a.e"`` or ``"b.escalation"`` arrays, which replace the field for that side.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation.opponents import ModelSpec

if TYPE_CHECKING:
    from tariffsim.negotiation.sidestate import SideState


def _time_path(st: SideState, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    r = st.effective_reservation()
    return st.u_max - (st.u_max - r) * np.power(np.clip(s, 0.0, 1.0), 1.0 / e)


@dataclass(frozen=True)
class Strategy:
    """Base class. ``opponent`` says how the negotiator models its opponent."""

    opponent: ModelSpec = field(default_factory=ModelSpec)

    name = "strategy"

    def param_names(self) -> tuple[str, ...]:
        """Fields that may be drawn per negotiation (the float fields)."""
        return tuple(
            f.name
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), float | int)
            and not isinstance(getattr(self, f.name), bool)
        )

    def validate(self) -> None:
        """Raise InputError on impossible parameters."""

    def target(self, st: SideState, s: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def pressure(self, st: SideState, s: np.ndarray) -> np.ndarray | None:
        """Reduction of the opponent's reservation at time ``s`` (None: no threats)."""
        return None


@dataclass(frozen=True)
class TimeDependent(Strategy):
    """``τ(s) = u_max − (u_max − r) s^(1/e)``; ``e < 1`` Boulware, ``e > 1`` Conceder."""

    e: float = 1.0
    name = "time_dependent"

    def validate(self) -> None:
        if not self.e > 0:
            raise InputError(f"time-dependent exponent e must be positive, got {self.e}")

    def target(self, st: SideState, s: np.ndarray) -> np.ndarray:
        return _time_path(st, s, st.param("e"))


def Boulware(e: float = 0.2, opponent: ModelSpec | None = None) -> TimeDependent:
    """Time-dependent strategy that concedes late (``e < 1``)."""
    return TimeDependent(opponent=opponent or ModelSpec(), e=e)


def Conceder(e: float = 2.0, opponent: ModelSpec | None = None) -> TimeDependent:
    """Time-dependent strategy that concedes early (``e > 1``)."""
    return TimeDependent(opponent=opponent or ModelSpec(), e=e)


@dataclass(frozen=True)
class TitForTat(Strategy):
    """Relative tit-for-tat: concede ``ratio`` × the opponent's concession, floor ``floor`` × linear."""

    ratio: float = 1.0
    floor: float = 0.3
    e: float = 1.0
    name = "tit_for_tat"

    def validate(self) -> None:
        if self.ratio < 0 or not 0 <= self.floor <= 1 or self.e <= 0:
            raise InputError("tit-for-tat needs ratio ≥ 0, 0 ≤ floor ≤ 1, e > 0")

    def target(self, st: SideState, s: np.ndarray) -> np.ndarray:
        r = st.effective_reservation()
        span = st.u_max - r
        if st.opp_first_u is None:
            conceded = np.zeros_like(r)
        else:
            conceded = np.maximum(st.opp_best_u - st.opp_first_u, 0.0)
        # the opponent's concession is measured in own utility and mirrored
        mirror = st.param("ratio") * conceded
        floor = st.param("floor") * span * np.power(np.clip(s, 0, 1), 1.0 / st.param("e"))
        return np.maximum(st.u_max - np.maximum(mirror, floor), r)


@dataclass(frozen=True)
class EscalatingThreat(Strategy):
    """Boulware targets (exponent ``e``) while the opponent's no-deal value falls by
    ``escalation · s`` of the opponent's utility span (``u_max − r`` of the opponent)."""

    e: float = 0.3
    escalation: float = 0.3
    name = "escalating_threat"

    def validate(self) -> None:
        if self.e <= 0 or self.escalation < 0:
            raise InputError("escalating threat needs e > 0 and escalation ≥ 0")

    def target(self, st: SideState, s: np.ndarray) -> np.ndarray:
        return _time_path(st, s, st.param("e"))

    def pressure(self, st: SideState, s: np.ndarray) -> np.ndarray:
        return st.param("escalation") * np.clip(s, 0, 1) * st.opp_span


@dataclass(frozen=True)
class Randomizing(Strategy):
    """Each round: Boulware (``e_low``) with probability ``p_low``, else Conceder (``e_high``);
    plus uniform noise ``±noise`` of the own utility span; clipped to ``[r, u_max]``."""

    e_low: float = 0.3
    e_high: float = 3.0
    p_low: float = 0.5
    noise: float = 0.05
    name = "randomizing"

    def validate(self) -> None:
        if self.e_low <= 0 or self.e_high <= 0 or not 0 <= self.p_low <= 1 or self.noise < 0:
            raise InputError("randomizing needs e_low, e_high > 0, 0 ≤ p_low ≤ 1, noise ≥ 0")

    def target(self, st: SideState, s: np.ndarray) -> np.ndarray:
        n = s.shape[0]
        low = st.rng.random(n) < st.param("p_low")
        e = np.where(low, st.param("e_low"), st.param("e_high"))
        tau = _time_path(st, s, e)
        r = st.effective_reservation()
        tau = tau + st.param("noise") * (st.u_max - r) * st.rng.uniform(-1.0, 1.0, n)
        return np.clip(tau, r, st.u_max)


STRATEGIES: dict[str, type[Strategy]] = {
    "time_dependent": TimeDependent,
    "tit_for_tat": TitForTat,
    "escalating_threat": EscalatingThreat,
    "randomizing": Randomizing,
}


def strategy_from_name(name: str, **params: Any) -> Strategy:
    """Build a strategy by name: boulware, conceder, linear, time_dependent, tit_for_tat,
    escalating_threat, randomizing (``params`` set its fields; ``opponent`` a model kind)."""
    model = params.pop("opponent", None)
    spec = ModelSpec(kind=model) if isinstance(model, str) else (model or ModelSpec())
    key = name.lower().replace("-", "_")
    if key == "boulware":
        return TimeDependent(opponent=spec, e=float(params.pop("e", 0.2)), **params)
    if key == "conceder":
        return TimeDependent(opponent=spec, e=float(params.pop("e", 2.0)), **params)
    if key == "linear":
        return TimeDependent(opponent=spec, e=1.0, **params)
    if key not in STRATEGIES:
        raise InputError(
            f"unknown strategy {name!r}",
            hint="use boulware, conceder, linear, tit_for_tat, escalating_threat or randomizing",
        )
    try:
        return STRATEGIES[key](opponent=spec, **params)
    except TypeError as exc:
        raise InputError(f"strategy {name!r}: {exc}") from None
