"""Rolling-origin recalibration of the wave forecasts: bias shift and Gaussian dressing from the
model's own errors on the deals concluded before the forecast date.

**Why.** The raw model's headline draws are biased and overconfident (its 10–90 bands cover far
fewer than 80% of the outcomes, several bands have zero width). The standard remedy for a biased,
under-dispersed ensemble is statistical post-processing fitted on past forecast errors only:
remove the mean error and add the spread the ensemble lacks ("dressing" each member with a kernel
whose variance makes the dressed ensemble's second moment match the past errors; Wang & Bishop
2005, "Improvement of ensemble reliability with a new dressing kernel", QJRMS 131, 965–986,
doi:10.1256/qj.04.120; Roulston & Smith 2003, "Combining dynamical and statistical ensembles",
Tellus A 55, 16–30). Central banks build their forecast intervals the same way from historical
forecast errors (Reifschneider & Tulip 2017, "Gauging the uncertainty of the economic outlook
using historical forecasting errors", FEDS 2017-020). With at most 15 past deals a full EMOS fit
(Gneiting, Raftery, Westveld & Goldman 2005, MWR 133, 1098–1118: four parameters by minimum
CRPS) is not identified, so only a shift and one added variance are estimated, and the shift is
shrunk toward zero.

**Specification.**
Fixed before it was run on any backtest target (the page ``docs/backtest.md`` names the commit).
For a forecast of partner ``p`` made on date ``t`` with
draws ``x_1..x_M`` of a rate (the headline as the deal names it, or the total car rate):

1. *Training deals* ``S_t``: the deals returned by ``known_outcomes(t)`` (concluded strictly before
   ``t``; nothing else about outcomes is read) that

   * set the rate being recalibrated — for the headline, a deal whose headline adds up the same
     measures as ``p``'s (``facts.headline_measures``: China's deals train China's forecasts
     only, as in the rolling baselines); for the car rate, every deal that set a car rate;
   * have a **past model forecast** in the history: the model's forecast for that deal's partner
     made :data:`LEAD_DAYS` (3) days before the deal was concluded (its T3 forecast), with at
     least one draw of that rate. One past forecast per deal; forecasts made on other dates are
     not used.

   ``y_d`` is the deal's rate as ``known_outcomes(t)`` gives it.
2. Per training deal: residual ``r_d = y_d − mean(X_d)`` and the draws' variance ``v_d = var(X_d)``
   (population variance, ``M_d`` draws).
3. ``n = |S_t|``. If ``n < N_MIN`` (:data:`N_MIN` = 3): **no recalibration** — the draws are
   returned unchanged (the default before enough deals exist: the raw model).
4. Otherwise:

   * shrinkage weight ``w = n / (n + K)`` with ``K`` = :data:`K_SHRINK` = 3 (a prior worth three
     deals that the model is unbiased: ``w`` = ½ at 3 deals, 0.8 at 12);
   * shift ``b = w · mean_d(r_d)``;
   * added variance (Wang & Bishop 2005, eq. for the dressing-kernel variance, with the shifted
     ensemble mean): ``s² = max(0, mean_d (r_d − b)² − mean_d (1 + 1/M_d)·v_d)`` — the part of
     the past squared error (after the shift) that the model's own spread did not account for;
   * recalibrated draws ``x'_i = max(0, x_i + b + s·z_i)``, ``z_i`` independent standard normal
     from ``numpy.random.default_rng([seed, 1])`` for the headline, ``[seed, 2]`` for the car
     rate (``seed`` = the forecast's seed). Rates cannot be negative, hence the floor at 0.
5. No draws (the model found no deal in any draw) stay no draws.
6. **P(deal) is not recalibrated.** The backtest's targets are chosen by their outcome (every
   deal's T3 forecast is made three days before that deal), so every past T3 target resolves
   "deal within 60 days"; a rolling Platt fit on past targets would learn the target design,
   not the forecaster's error. The recalibrated forecaster's P(deal) is the raw model's.
7. *Scored* as a forecaster of its own, "model, recalibrated (rolling)", beside the raw model and
   every baseline, in every table where the raw model has a score (headline CRPS, interval score,
   median error, 10–90 coverage and width, head to head against split the difference, the same
   without China, the car rate). The raw model stays in every table.
8. *Default in* ``forecast_partner``/``forecast_wave``: **off**, whatever the backtest shows —
   applying it needs the model's own forecast of every earlier deal (up to 15 more forecasts per
   call), far beyond the cost of one forecast; the option exists for users who pay that cost, and
   the backtest page reports whether it helped.

In the backtest the history is the run's own T3 forecasts; :func:`recalibrate` itself drops every
history entry whose deal is not in ``known_outcomes(t)`` or whose forecast date is not before
``t``, so a history holding later forecasts cannot leak them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from tariffsim.core.dates import parse_date
from tariffsim.core.errors import InputError
from tariffsim.negotiation import facts as F
from tariffsim.negotiation.outcomes import OutcomeFile, known_outcomes

LEAD_DAYS = 3
"""A deal's past forecast is the model's forecast made this many days before the deal (T3)."""
N_MIN = 3
"""Fewer training deals than this: the draws are returned unchanged."""
K_SHRINK = 3.0
"""Pseudo-count of the prior 'no bias': the shift is ``n/(n + K)`` of the mean residual."""

Rate = Literal["headline", "auto"]
_STREAM: dict[str, int] = {"headline": 1, "auto": 2}

__all__ = [
    "K_SHRINK",
    "LEAD_DAYS",
    "N_MIN",
    "Fit",
    "PastForecast",
    "Recalibrated",
    "apply",
    "build_history",
    "fit",
    "history_from",
    "recalibrate",
    "training_set",
]


def _moments(x: Any) -> tuple[float | None, float | None, int]:
    a = np.asarray(x, dtype=float).ravel() if x is not None else np.empty(0)
    if a.size == 0:
        return None, None, 0
    if not np.all(np.isfinite(a)):
        raise InputError("recalibration: forecast draws must be finite numbers")
    return float(a.mean()), float(a.var()), int(a.size)


@dataclass(frozen=True)
class PastForecast:
    """What the recalibration keeps of the model's forecast of one deal: the deal's outcome id,
    the forecast's partner and date, and the mean, population variance and count of its draws of
    each rate (``None``/0 where it gave none)."""

    outcome_id: str
    partner: str
    as_of: dt.date
    headline_mean: float | None
    headline_var: float | None
    headline_n: int
    auto_mean: float | None = None
    auto_var: float | None = None
    auto_n: int = 0

    @classmethod
    def from_record(cls, outcome_id: str, fc: Any) -> PastForecast:
        """From a forecast record (``partner``, ``as_of``, ``headline``, ``auto`` draws)."""
        hm, hv, hn = _moments(fc.headline)
        am, av, an = _moments(fc.auto)
        return cls(outcome_id, str(fc.partner), fc.as_of, hm, hv, hn, am, av, an)

    def moments(self, what: Rate) -> tuple[float | None, float | None, int]:
        if what == "headline":
            return self.headline_mean, self.headline_var, self.headline_n
        return self.auto_mean, self.auto_var, self.auto_n


def history_from(pairs: Iterable[tuple[str, Any]]) -> dict[str, PastForecast]:
    """A history keyed by outcome id from ``(outcome_id, forecast record)`` pairs."""
    return {oid: PastForecast.from_record(oid, fc) for oid, fc in pairs}


def _t3(o: OutcomeFile) -> dt.date | None:
    return o.concluded - dt.timedelta(days=LEAD_DAYS) if o.concluded is not None else None


def _same_class(o: OutcomeFile, partner: str) -> bool:
    return F.same_headline_class(o.partner, partner)


@dataclass(frozen=True)
class Fit:
    """The fitted correction: ``n`` training deals, weight ``w``, shift ``b``, added s.d. ``s``."""

    n: int
    weight: float
    shift: float
    sd: float
    applied: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "weight": self.weight,
            "shift": self.shift,
            "sd": self.sd,
            "applied": self.applied,
        }


def fit(residuals: Sequence[float], variances: Sequence[float], sizes: Sequence[int]) -> Fit:
    """Steps 3–4 of the specification: ``w = n/(n+K)``, ``b = w·mean(r)``,
    ``s² = max(0, mean((r − b)²) − mean((1 + 1/M)·v))``; identity below ``N_MIN`` deals."""
    r = np.asarray(residuals, dtype=float)
    v = np.asarray(variances, dtype=float)
    m = np.asarray(sizes, dtype=float)
    if not (r.shape == v.shape == m.shape):
        raise InputError("recalibration fit: residuals, variances and sizes differ in length")
    n = int(r.size)
    if n < N_MIN:
        return Fit(n, 0.0, 0.0, 0.0, False)
    if np.any(m < 1) or np.any(v < 0) or not np.all(np.isfinite(np.concatenate([r, v]))):
        raise InputError("recalibration fit: draws counts ≥ 1, variances ≥ 0, finite residuals")
    w = n / (n + K_SHRINK)
    b = float(w * r.mean())
    s2 = float(np.mean((r - b) ** 2) - np.mean((1.0 + 1.0 / m) * v))
    return Fit(n, float(w), b, float(np.sqrt(max(s2, 0.0))), True)


def training_set(
    partner: str, as_of: Any, history: Mapping[str, PastForecast], what: Rate = "headline"
) -> list[tuple[OutcomeFile, PastForecast, float]]:
    """Step 1: ``(deal, its past forecast, its rate y_d)`` for every deal in
    ``known_outcomes(as_of)`` that sets the rate (same headline class for the headline) and whose
    T3 forecast, made before ``as_of``, is in ``history`` with draws of that rate."""
    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    out = []
    for o in known_outcomes(day):
        y = (o.headline.rate if o.headline else None) if what == "headline" else o.auto_rate()
        if y is None or (what == "headline" and not _same_class(o, partner)):
            continue
        pf = history.get(o.id)
        if pf is None or pf.partner != o.partner or pf.as_of != _t3(o) or not pf.as_of < day:
            continue
        mean, var, n = pf.moments(what)
        if n < 1 or mean is None or var is None:
            continue
        out.append((o, pf, float(y)))
    return out


@dataclass(frozen=True)
class Recalibrated:
    """Recalibrated draws with the fit and the training deals it came from."""

    draws: np.ndarray
    fit: Fit
    deals: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.fit.to_dict(), "deals": list(self.deals)}


def recalibrate(
    draws: Any,
    *,
    partner: str,
    as_of: Any,
    history: Mapping[str, PastForecast],
    what: Rate = "headline",
    seed: int = 0,
) -> Recalibrated:
    """The recalibrated draws of one forecast (the specification in the module docstring).

    Reads outcomes only through ``known_outcomes(as_of)``; history entries of deals not concluded
    before ``as_of``, or made on another date than the deal's T3, are ignored."""
    if what not in _STREAM:
        raise InputError(f"recalibration: unknown rate {what!r}", hint="headline or auto")
    x = np.asarray(draws if draws is not None else [], dtype=float).ravel()
    train = training_set(partner, as_of, history, what)
    res, var, size = [], [], []
    for _o, pf, y in train:
        mean, v, n = pf.moments(what)
        res.append(y - float(mean))  # type: ignore[arg-type]
        var.append(float(v))  # type: ignore[arg-type]
        size.append(n)
    f = fit(res, var, size)
    deals = tuple(o.id for o, _pf, _y in train)
    if not f.applied or x.size == 0:
        return Recalibrated(x.copy(), f, deals)
    z = np.random.default_rng([int(seed), _STREAM[what]]).standard_normal(x.size)
    return Recalibrated(np.maximum(x + f.shift + f.sd * z, 0.0), f, deals)


def apply(fc: Any, history: Mapping[str, PastForecast], *, seed: int = 0) -> Any:
    """A forecast record (a frozen dataclass such as ``PartnerForecast``) with its headline and car
    draws recalibrated; ``inputs["recalibration"]`` records the fits and ``inputs["_raw_headline"]``
    / ``inputs["_raw_auto"]`` keep the raw draws. P(deal) is unchanged."""
    h = recalibrate(fc.headline, partner=fc.partner, as_of=fc.as_of, history=history, seed=seed)
    info: dict[str, Any] = {"headline": h.to_dict()}
    auto = fc.auto
    if fc.auto is not None:
        a = recalibrate(
            fc.auto, partner=fc.partner, as_of=fc.as_of, history=history, what="auto", seed=seed
        )
        info["auto"] = a.to_dict()
        auto = a.draws
    inputs = {
        **dict(fc.inputs),
        "recalibration": info,
        "_raw_headline": fc.headline,
        "_raw_auto": fc.auto,
    }
    return replace(fc, headline=h.draws, auto=auto, inputs=inputs)


def build_history(
    as_of: Any,
    forecaster: Callable[..., Any],
    *,
    partner: str | None = None,
    draws: int = 2000,
    seed: int = 0,
) -> dict[str, PastForecast]:
    """The model's T3 forecast of every deal concluded before ``as_of`` that could train a forecast
    of ``partner`` (all deals when ``None``): one forecaster call per deal (costly: a full
    forecast each). ``forecaster`` is ``forecast_partner``'s signature."""
    day = parse_date(as_of, field="as_of") if not isinstance(as_of, dt.date) else as_of
    pairs = []
    for o in known_outcomes(day):
        t3 = _t3(o)
        if t3 is None or (
            partner is not None and not _same_class(o, partner) and o.auto_rate() is None
        ):
            continue
        pairs.append((o.id, forecaster(o.partner, t3, draws=draws, seed=seed, executor=None)))
    return history_from(pairs)
