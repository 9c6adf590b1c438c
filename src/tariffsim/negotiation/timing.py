"""Calendar time: the probability of a deal by a date.

A negotiation whose draw has a ratifiable package (probability ``q``, the joint ratification odds of
the bargaining solution; 0 when no package gives both sides a gain) concludes at a hazard ``λ`` per
day, raised by the factor ``m`` in the 14 days before each deadline in force (the end of a pause, a
letter's date, a truce's end — the deadline effect, Roth, Murnighan & Schoumaker 1988):

    P(deal by t) = q · (1 − exp(−λ · M(t))),     M(t) = ∫_0^t m(s) ds.

**Hazard.** ``λ`` has a Gamma prior from the durations of the US trade agreements of 2018-19 (KORUS
amendments 80 days, US–Japan 132, USMCA 410, US–China Phase One 377: 4 agreements in 999 days of
talks) and is updated with the deals of the 2025 wave concluded before the forecast date
(:func:`tariffsim.negotiation.outcomes.known_outcomes`): with ``k`` deals in ``E`` partner-days at
risk, ``λ ~ Gamma(4 + k, 999 + E)`` (rate per day; conjugate exponential–Gamma update). A partner
is at risk from its first threat (no earlier than 2 April 2025, the day of the country rates) until
its deal or the forecast date. Deals are counted as events of partners that had a ratifiable package
— the rate is the hazard *given* a deal is possible, which ``q`` then scales.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: durations (days) of the US agreements of 2018-19 used as the prior (see the module docstring)
HISTORIC_DAYS = (80, 132, 410, 377)
WAVE_START = dt.date(2025, 4, 2)
WINDOW_DAYS = 14


@dataclass(frozen=True)
class HazardFit:
    """The posterior of the daily hazard: Gamma(shape, rate)."""

    shape: float
    rate: float
    events: int
    exposure_days: float
    partners_at_risk: int

    @property
    def mean(self) -> float:
        return self.shape / self.rate

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        lam = rng.gamma(self.shape, 1.0 / self.rate, n)
        lam[0] = self.mean  # draw 0 is the central case
        return lam

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior": {"deals": len(HISTORIC_DAYS), "days": sum(HISTORIC_DAYS)},
            "events": self.events,
            "exposure_days": self.exposure_days,
            "partners_at_risk": self.partners_at_risk,
            "mean_daily_hazard": self.mean,
            "mean_days_to_deal": 1.0 / self.mean,
        }


def fit_hazard(as_of: dt.date) -> HazardFit:
    """The hazard's posterior from the deals concluded before ``as_of`` (see the module docstring)."""
    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.outcomes import known_outcomes

    deals = known_outcomes(as_of)
    concluded: dict[str, dt.date] = {}
    for o in deals:
        p = o.partner
        if o.concluded is not None and (p not in concluded or o.concluded < concluded[p]):
            concluded[p] = o.concluded
    exposure = 0.0
    at_risk = 0
    for p in F.partners():
        th = F.threats(p, as_of)
        start = max(min((t.date for t in th), default=WAVE_START), WAVE_START)
        end = min(concluded.get(p, as_of), as_of)
        if end > start:
            exposure += (end - start).days
            at_risk += 1
    events = sum(1 for p, d in concluded.items() if d >= WAVE_START)
    return HazardFit(
        shape=len(HISTORIC_DAYS) + events,
        rate=float(sum(HISTORIC_DAYS)) + exposure,
        events=events,
        exposure_days=exposure,
        partners_at_risk=at_risk,
    )


def effective_days(
    as_of: dt.date, horizon: Sequence[dt.date], deadlines: Sequence[dt.date], mult: np.ndarray
) -> np.ndarray:
    """``(n, len(horizon))``: M(t) = days to each date, plus (m − 1) × the days of each 14-day
    pre-deadline window that fall before it."""
    days = np.asarray([(t - as_of).days for t in horizon], dtype=float)
    extra = np.zeros_like(days)
    for dl in deadlines:
        lo = max((dl - dt.timedelta(days=WINDOW_DAYS) - as_of).days, 0)
        hi = max((dl - as_of).days, 0)
        extra += np.clip(np.minimum(days, hi) - lo, 0.0, None)
    return days[None, :] + (np.asarray(mult, float)[:, None] - 1.0) * extra[None, :]


def p_deal_by(
    as_of: dt.date,
    dates: Sequence[dt.date],
    q: np.ndarray,
    lam: np.ndarray,
    deadlines: Sequence[dt.date],
    mult: np.ndarray,
) -> np.ndarray:
    """``(n, len(dates))`` per-draw probabilities of a deal by each date."""
    M = effective_days(as_of, dates, deadlines, mult)
    return np.asarray(q, float)[:, None] * (1.0 - np.exp(-np.asarray(lam, float)[:, None] * M))


def p_deal_by_regimes(
    as_of: dt.date,
    dates: Sequence[dt.date],
    q: Sequence[np.ndarray],
    changes: Sequence[dt.date],
    lam: np.ndarray,
    deadlines: Sequence[dt.date],
    mult: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """P(deal by each date) when the ratification odds change on ``changes`` (an election ends a
    pre-election line): ``q[r]`` applies from ``changes[r-1]`` (``q[0]`` from ``as_of``). A regime that
    fails (its package would not pass) gives way to the next one independently:

        F(t) = F(c) + (1 − F(c)) · q_next · (1 − exp(−λ (M(t) − M(c))))   for t after a change c.

    Returns ``(P (n, len(dates)), share (n, len(q)))`` — the share of the deals by the last date made
    in each regime."""
    n = np.asarray(lam).shape[0]
    cuts = [as_of, *changes]
    allp = sorted(set(dates) | set(changes))
    M = effective_days(as_of, allp, deadlines, mult)
    col = {d: j for j, d in enumerate(allp)}
    lam_ = np.asarray(lam, float)

    def Mof(d: dt.date) -> np.ndarray:
        return np.zeros(n) if d <= as_of else M[:, col[d]]

    out = np.zeros((n, len(dates)))
    share = np.zeros((n, len(q)))
    for j, t in enumerate(dates):
        F = np.zeros(n)
        parts = np.zeros((n, len(q)))
        for r, qr in enumerate(q):
            start = cuts[r]
            if t <= start:
                break
            stop = min(t, cuts[r + 1]) if r + 1 < len(cuts) else t
            gain = (
                (1.0 - F) * np.asarray(qr, float) * (1.0 - np.exp(-lam_ * (Mof(stop) - Mof(start))))
            )
            parts[:, r] = gain
            F = F + gain
        out[:, j] = F
        if j == len(dates) - 1:
            share = np.where(F[:, None] > 0, parts / np.maximum(F[:, None], 1e-300), 0.0)
    return out, share
