"""Two-level games: domestic ratification of a package (Putnam 1988), for the case as written.

Each pivot ``v`` (a veto point: a government's domestic approval, a legislature) weighs the package
with its constituency's utility on the issues it votes on and passes it with probability

    P_v(p) = 1 − n_v + n_v Φ( (U_v(p) − U_v(no deal) − τ_v) / σ_v )

where ``τ_v`` is the *location* of its line (what it needs above no deal: higher before an election)
and ``σ_v`` the negotiators' *uncertainty* about that line — two different things (a tighter
constraint is a higher ``τ``, not a smaller ``σ``); ``n_v`` the probability that its consent is
needed at all. ``P_party = Π_v P_v`` and ``P_joint = P_A P_B``.

Ratification enters the bargaining solution itself: the parties maximise the Nash product of their
*expected* gains, ``P_joint(p) · g``, so pivots move the package whenever the odds differ across
packages (Iida 1993; :mod:`tariffsim.negotiation.bargain`). Pivots are active on the dates their
case gives (``active_until``: a line that holds until an election).

The US veto point that bit in 2025–26 was the courts: it is modelled as the legal risk of the IEEPA
issue (``void_risk`` in :mod:`tariffsim.negotiation.preferences`), which lowers what the rates are
worth to both sides, not as a pivot on the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from tariffsim.core.errors import InputError


@dataclass(frozen=True, eq=False)
class PivotModel:
    """One pivot at the case's central values, on the block agenda."""

    name: str
    party: str
    utility: Any  # AdditiveUtility over blocks
    no_deal: float
    threshold: float
    sigma: float
    needed: float
    issues: tuple[str, ...]

    def consent(self, packages: np.ndarray) -> np.ndarray:
        return ndtr((self.utility.evaluate(packages) - self.no_deal - self.threshold) / self.sigma)

    def probability(self, packages: np.ndarray) -> np.ndarray:
        return 1.0 - self.needed + self.needed * self.consent(packages)


def ratify_probability(
    u_package: Any, u_no_deal: float, sigma: float, threshold: float = 0.0
) -> Any:
    """The probit formula on utility values: ``Φ((u − u_0 − τ)/σ)``."""
    if not sigma > 0 or not np.isfinite(sigma):
        raise InputError(f"sigma must be a positive number, got {sigma}")
    return ndtr((np.asarray(u_package, dtype=float) - u_no_deal - threshold) / sigma)


@dataclass(frozen=True, eq=False)
class Ratification:
    pivots: tuple[PivotModel, ...]
    parties: tuple[str, str]

    def party(self, party: str, packages: np.ndarray) -> np.ndarray:
        pk = np.atleast_2d(packages)
        out = np.ones(pk.shape[0])
        for v in self.pivots:
            if v.party == party:
                out = out * v.probability(pk)
        return out

    def joint(self, packages: np.ndarray) -> np.ndarray:
        return self.party(self.parties[0], packages) * self.party(self.parties[1], packages)

    def utilities_of(self, party: str) -> tuple[Any, ...]:
        return tuple(v.utility for v in self.pivots if v.party == party)

    def summary(self, package: np.ndarray) -> dict[str, Any]:
        pk = np.atleast_2d(package)
        out: dict[str, Any] = {"pivots": {}}
        for v in self.pivots:
            out["pivots"][v.name] = {
                "party": v.party,
                "probability": float(v.probability(pk)[0]),
                "consent": float(v.consent(pk)[0]),
                "needed": v.needed,
                "threshold": v.threshold,
                "sigma": v.sigma,
            }
        for p in self.parties:
            out[p] = float(self.party(p, pk)[0])
        out["joint"] = float(self.joint(pk)[0])
        return out


def build_ratification(
    tables: Any, agenda: Any, *, draw: int = 0, threshold_shift: float = 0.0
) -> Ratification:
    """Pivots active on the case's as-of date, on the block agenda, at draw ``draw`` of ``tables``.

    ``threshold_shift`` (a share of the pivot party's cost of no deal) is added to every partner
    pivot's line — the tied-hands experiment."""
    from tariffsim.negotiation.bargain import status_quo_utilities
    from tariffsim.negotiation.domain import AdditiveUtility

    case = tables.case
    env = tables.env
    blocks = tables.blocks
    sq = status_quo_utilities(tables)[draw]
    out = []
    for pv in case.pivots:
        if not pv.active_on(case.as_of):
            continue
        spec = next(p for p in case.spec.pivots if p.name == pv.name)
        mask = [pv.issues is None or any(n in pv.issues for n in bl.names) for bl in blocks]
        tabs = tuple(
            tables.constituency[pv.constituency][j][draw] * (1.0 if mask[j] else 0.0)
            for j in range(len(blocks))
        )
        nd = float((tables.no_deal[pv.constituency][draw] * np.asarray(mask)).sum())
        scale = 1.0
        if spec.scale == "no_deal_cost":
            pi = case.parties.index(pv.party)
            scale = max(abs(float(sq[pi] - tables.reservation[pv.party][draw])), 1e-3)
        thr = float(env.vec(spec.threshold)[draw]) * scale
        if pv.party == case.parties[1]:
            thr += threshold_shift * scale
        out.append(
            PivotModel(
                name=pv.name,
                party=pv.party,
                utility=AdditiveUtility(agenda, tabs),
                no_deal=nd,
                threshold=thr,
                sigma=max(float(env.vec(spec.sigma)[draw]) * scale, 1e-9),
                needed=float(np.clip(env.vec(spec.needed)[draw], 0.0, 1.0)),
                issues=tuple(pv.issues) if pv.issues is not None else tuple(case.issue_names),
            )
        )
    return Ratification(tuple(out), tuple(case.parties))


def win_sets(rat: Ratification, packages: np.ndarray, *, threshold: float = 0.5) -> dict[str, Any]:
    """Shares of ``packages`` in each party's win-set (P_party ≥ threshold) and in both."""
    pk = np.atleast_2d(packages)
    a, b = rat.parties
    pa, pb = rat.party(a, pk), rat.party(b, pk)
    m = pk.shape[0]
    return {
        "threshold": threshold,
        "packages": int(m),
        f"win_set_{a}": float((pa >= threshold).mean()) if m else 0.0,
        f"win_set_{b}": float((pb >= threshold).mean()) if m else 0.0,
        "both": float(((pa >= threshold) & (pb >= threshold)).mean()) if m else 0.0,
        "joint_probability_mean": float((pa * pb).mean()) if m else 0.0,
    }
