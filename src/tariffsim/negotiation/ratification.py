"""Two-level games: domestic ratification of an international package (Putnam 1988).

Each party has *pivots* — veto players whose consent the package needs (Japan: the Diet majority, the
farm bloc on farm issues; the US: the President, Congress on some issues). A pivot weighs the issues
it cares about with the utility of its constituency and compares the package with no deal:

    P_v(ratify | p) = Φ( (U_v(p) − U_v(no deal)) / σ_v )

with ``Φ`` the standard normal CDF and ``σ_v`` (US$ bn/yr) the uncertainty of the negotiators about
the pivot's threshold (a probit random-utility model; ``Φ(0) = ½``: a package the pivot values
exactly as no deal passes half the time). Pivots decide independently, so

    P_party(p) = Π_{v ∈ party} [1 − n_v + n_v P_v(p)],        P_joint(p) = P_A(p) · P_B(p)

where ``n_v`` is the probability that the pivot's consent is needed at all (1 for the Diet; small
for the US Congress, which did not vote on the 2019 US–Japan agreement).

The *win-set* of a party (Putnam) is the set of packages it ratifies with probability ≥ ½; the
feasible set is the intersection of both win-sets. Since ``U_v`` is additive over issues each pivot
utility is an :class:`~tariffsim.negotiation.domain.AdditiveUtility` (tables of the pivot's
constituency, zero on issues the pivot does not vote on), and every probability is vectorised over
packages.

"Tied hands" (Schelling 1960; Putnam 1988): a tighter domestic constraint — a pivot whose weight in
its party's utility and whose stakes are scaled up — moves the negotiated package toward the
constrained side. :func:`tied_hands` compares the Nash packages before and after.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from tariffsim.negotiation.preferences import Preferences
from tariffsim.negotiation.threat import NoDeal


@dataclass(frozen=True, eq=False)
class PivotModel:
    """One pivot: its additive utility, no-deal value and σ."""

    name: str
    party: str
    utility: Any  # AdditiveUtility
    no_deal: float
    sigma: float
    issues: tuple[str, ...]
    needed: float = 1.0

    def consent(self, packages: np.ndarray) -> np.ndarray:
        """``Φ((U_v(p) − U_v(no deal)) / σ)`` for ``(m, k)`` packages."""
        return ndtr((self.utility.evaluate(packages) - self.no_deal) / self.sigma)

    def probability(self, packages: np.ndarray) -> np.ndarray:
        """``1 − n + n · Φ(…)``: the pivot passes the package (``n`` = P(its consent is needed))."""
        return 1.0 - self.needed + self.needed * self.consent(packages)


def ratify_probability(u_package: Any, u_no_deal: float, sigma: float) -> Any:
    """The probit ratification formula on utility values: ``Φ((u − u_0)/σ)``."""
    if not sigma > 0 or not math.isfinite(sigma):
        from tariffsim.core.errors import InputError

        raise InputError(f"sigma must be a positive number, got {sigma}")
    return ndtr((np.asarray(u_package, dtype=float) - u_no_deal) / sigma)


@dataclass(frozen=True, eq=False)
class Ratification:
    """All pivots of a case; vectorised probabilities per pivot, per party and joint."""

    pivots: tuple[PivotModel, ...]
    parties: tuple[str, str]

    def by_pivot(self, packages: np.ndarray) -> dict[str, np.ndarray]:
        return {v.name: v.probability(packages) for v in self.pivots}

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
        """Pivot utilities of one party (each non-decreasing ⇒ ratification non-decreasing)."""
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
            }
        for p in self.parties:
            out[p] = float(self.party(p, pk)[0])
        out["joint"] = float(self.joint(pk)[0])
        return out


def build_ratification(prefs: Preferences, nd: NoDeal) -> Ratification:
    """Pivot utilities and no-deal values from a case's constituencies and threat path."""
    from tariffsim.negotiation.domain import AdditiveUtility

    case = prefs.case
    names = [i.name for i in case.issues]
    pivots = []
    for pv in case.pivots:
        issues = pv.issues if pv.issues is not None else tuple(names)
        mask = np.asarray([n in issues for n in names])
        tables = tuple(
            t if mask[j] else np.zeros_like(t)
            for j, t in enumerate(prefs.constituency[pv.constituency])
        )
        pivots.append(
            PivotModel(
                name=pv.name,
                party=pv.party,
                utility=AdditiveUtility(prefs.agenda, tables),
                no_deal=nd.pivot_value(pv.constituency, mask),
                sigma=float(pv.sigma.value),
                issues=tuple(issues),
                needed=float(pv.needed),
            )
        )
    return Ratification(tuple(pivots), tuple(case.parties))  # type: ignore[arg-type]


def win_sets(rat: Ratification, packages: np.ndarray, *, threshold: float = 0.5) -> dict[str, Any]:
    """Shares of ``packages`` in each party's win-set (P_party ≥ threshold) and in both."""
    pk = np.atleast_2d(packages)
    a, b = rat.parties
    pa, pb = rat.party(a, pk), rat.party(b, pk)
    return {
        "threshold": threshold,
        "packages": int(pk.shape[0]),
        f"win_set_{a}": float((pa >= threshold).mean()) if pk.shape[0] else 0.0,
        f"win_set_{b}": float((pb >= threshold).mean()) if pk.shape[0] else 0.0,
        "both": float(((pa >= threshold) & (pb >= threshold)).mean()) if pk.shape[0] else 0.0,
        "joint_probability_mean": float((pa * pb).mean()) if pk.shape[0] else 0.0,
    }


def ratified_nash(
    problem: Any, frontier: Any, rat: Ratification, *, min_joint: float = 0.5
) -> tuple[int | None, np.ndarray]:
    """Index (into ``frontier``) of the Nash package among frontier packages with joint ratification
    probability ≥ ``min_joint``, and the joint probabilities of all frontier packages."""
    pj = rat.joint(frontier.packages)
    da, db = problem.reservation
    ga = frontier.utilities[:, 0] - da
    gb = frontier.utilities[:, 1] - db
    ok = (ga > 0) & (gb > 0) & (pj >= min_joint)
    if not ok.any():
        return None, pj
    obj = np.where(ok, np.log(np.maximum(ga, 1e-300)) + np.log(np.maximum(gb, 1e-300)), -np.inf)
    return int(np.argmax(obj)), pj


def tied_hands(
    case: Any,
    constituency: str,
    factor: float,
    *,
    solve: Any,
    channels: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Nash packages with the constituency as given and with its weight and stakes (on ``channels``,
    if given) scaled by ``factor``.

    ``solve(case) -> dict`` returns ``{"nash": {issue: level}, "nash_ratified": {…} | None,
    "ratification": {…}}`` (see :func:`tariffsim.negotiation.analysis.solve_case`). The result lists
    the packages before and after and the issues that moved, for the Nash package and for the Nash
    package among packages both sides ratify with probability ≥ ½.
    """
    before = solve(case)
    after = solve(case.scale_constituency(constituency, factor, channels))

    def diff(x: Mapping[str, Any], y: Mapping[str, Any]) -> dict[str, Any]:
        return {k: {"before": x[k], "after": y[k]} for k in x if k in y and x[k] != y[k]}

    nb, na = before.get("nash") or {}, after.get("nash") or {}
    rb, ra = before.get("nash_ratified") or {}, after.get("nash_ratified") or {}
    return {
        "constituency": constituency,
        "factor": factor,
        "channels": list(channels) if channels else None,
        "moved": diff(nb, na),
        "moved_ratifiable": diff(rb, ra),
        "nash_before": nb,
        "nash_after": na,
        "nash_ratified_before": rb,
        "nash_ratified_after": ra,
        "ratification_before": before.get("ratification"),
        "ratification_after": after.get("ratification"),
    }


def party_probabilities(rat: Ratification, package: np.ndarray) -> Mapping[str, float]:
    return {p: float(rat.party(p, np.atleast_2d(package))[0]) for p in rat.parties}
