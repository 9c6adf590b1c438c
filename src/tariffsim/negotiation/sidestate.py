"""One side's state in a batch of simulated negotiations, shared by the mechanism and the strategies.

Kept apart from :mod:`.protocol` (the mechanism that steps the negotiations) and :mod:`.strategies`
(what each side offers) so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tariffsim.negotiation.opponents import OpponentModel


@dataclass
class SideState:
    """One side's view of a batch of ``D`` negotiations (mutable, owned by the protocol run)."""

    index: int
    u: np.ndarray  # (C,) own utility of each candidate
    u_max: float
    reservation: np.ndarray  # (D,)
    params: dict[str, np.ndarray]  # (D,) per strategy field
    rng: np.random.Generator
    model: OpponentModel
    opp_span: np.ndarray  # (D,) opponent's u_max − reservation
    pressure_on_me: np.ndarray = field(
        default_factory=lambda: np.zeros(0)
    )  # (D,), set by the protocol
    opp_first_u: np.ndarray | None = None  # own utility of the opponent's first offer
    opp_best_u: np.ndarray | None = None  # best own utility among the opponent's offers

    def param(self, name: str) -> np.ndarray:
        return self.params[name]

    def effective_reservation(self) -> np.ndarray:
        return self.reservation - self.pressure_on_me


def own_order(u: np.ndarray) -> np.ndarray:
    """Candidate order of one side: own utility descending, ties by candidate index (stable).

    Opponent models of that side index candidates in this order."""
    return np.argsort(-np.asarray(u, dtype=float), kind="stable")
