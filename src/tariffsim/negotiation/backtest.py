"""Backtest of the 2025–26 wave: forecasts scored on the real deals, against baselines.

**Targets.** For every deal in :mod:`tariffsim.negotiation.outcomes`, the forecast made
:data:`LEAD_DAYS` (3) days before its announcement (origin ``T3``); for every impasse, the forecast
made 3 days before the deadline it missed. For every partner, the forecast made on
:data:`COMMON_ORIGIN` (15 April 2025, origin ``T1``), scored against that partner's first outcome
after it (China: Geneva). Each target is scored on

* the **headline rate** as the deal names it (deals only): CRPS from the forecast's draws and the
  interval score of its 10–90 band (:mod:`tariffsim.negotiation.scoring`);
* the **car rate** (total incl. MFN) where the deal set one and the forecast gives one;
* **P(deal within 60 days)** of the forecast date (Brier), an impasse counting as no deal.

**Forecasts** come from a forecaster with the signature of
``tariffsim.negotiation.forecast.forecast_partner(partner, as_of, *, draws, seed, executor)``
returning a record with ``partner, as_of, p_deal_by, headline, auto, status_quo_rate,
threat_rate, inputs`` (the PartnerForecast record). They run in parallel over targets through
:func:`tariffsim.parallel.run_draws` (``serial``, ``local`` process pool, or ``ray``).

**Baselines** (:mod:`tariffsim.negotiation.wave_baselines`) use only facts public on the forecast
date and deals concluded before it; anything fitted (the fraction of the way to the threat, the
deal hazard) is fitted on earlier deals only (rolling origin).

**Recalibrated model.** Each forecast is also recalibrated on the model's own T3 forecasts of the
deals concluded before its date (:mod:`tariffsim.negotiation.recalibration`, pre-registered) and
scored as the forecaster ``recalibrated`` (its P(deal) is the raw model's and is not scored again).

**Summary.** Mean scores per forecaster, skill ``1 − S_model/S_baseline`` with a paired bootstrap
interval over targets, the coverage and mean width of the 10–90 bands, and a reliability table of
P(deal within 60 days).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, Protocol

import numpy as np

from tariffsim.core.errors import InputError
from tariffsim.negotiation import wave_baselines as WB
from tariffsim.negotiation.case_scoring import Outcome, load_outcome, score, score_rows
from tariffsim.negotiation.outcomes import OutcomeFile, all_outcomes
from tariffsim.negotiation.recalibration import (
    PastForecast,
    Recalibrated,
    history_from,
    recalibrate,
)
from tariffsim.negotiation.scoring import (
    band,
    bootstrap_skill,
    brier,
    crps_point,
    crps_sample,
    interval_score,
    reliability,
)

__all__ = [
    "COMMON_ORIGIN",
    "HORIZON_DAYS",
    "LEAD_DAYS",
    "BacktestResult",
    "Outcome",
    "Target",
    "load_outcome",
    "run_backtest",
    "score",
    "score_rows",
    "summarize",
    "targets",
]

COMMON_ORIGIN = dt.date(2025, 4, 15)
LEAD_DAYS = 3
HORIZON_DAYS = 60
SCORES = ("headline_crps", "headline_is", "headline_median_ae", "auto_crps", "auto_is", "brier")
"""``headline_median_ae`` is the absolute error of the point forecast (the model's median; a
baseline's value), the Done-when comparison 'the median beats split-the-difference'; not a
proper score of the distribution."""
SET_APART = "CHN"
"""The partner whose targets are also summarised apart: China's headline is the IEEPA total
(145% in force and threatened in April and May 2025, deals at 30% and 20%), on another scale than
every other partner's, so its targets alone can decide a mean over all targets."""
MODELS = ("model", "recalibrated")
"""The forecasters whose skill against every other forecaster is computed."""
TIE = 1e-6
"""Two point forecasts whose absolute errors differ by at most this (rate fraction) are tied."""


class ForecastRecord(Protocol):
    """What the backtest reads from a forecast (``tariffsim.negotiation.forecast.PartnerForecast``)."""

    @property
    def partner(self) -> str: ...
    @property
    def as_of(self) -> dt.date: ...
    @property
    def p_deal_by(self) -> Mapping[dt.date, float]: ...
    @property
    def headline(self) -> np.ndarray: ...
    @property
    def auto(self) -> np.ndarray | None: ...
    @property
    def status_quo_rate(self) -> float: ...
    @property
    def threat_rate(self) -> float: ...


Forecaster = Callable[..., ForecastRecord]


@dataclass(frozen=True)
class Target:
    """One forecast to score: a partner, a forecast date and what happened after it."""

    key: str
    partner: str
    outcome_id: str
    origin: str  # "T1" (15 Apr 2025) or "T3" (3 days before)
    as_of: dt.date
    is_deal: bool
    headline: float | None
    form: str | None
    auto: float | None
    deal_within: bool  # a deal of the partner announced in (as_of, as_of + 60 days]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        return d


def _deal_within(partner: str, as_of: dt.date, outs: Sequence[OutcomeFile]) -> bool:
    end = as_of + dt.timedelta(days=HORIZON_DAYS)
    return any(
        o.kind == "deal" and o.partner == partner and o.concluded and as_of < o.concluded <= end
        for o in outs
    )


def targets(outcomes: Sequence[OutcomeFile] | None = None) -> list[Target]:
    """All targets (T3 per outcome file, T1 per partner), ordered by date then partner."""
    outs = list(outcomes) if outcomes is not None else all_outcomes()
    out: list[Target] = []

    def make(o: OutcomeFile, origin: str, as_of: dt.date) -> Target:
        return Target(
            key=f"{o.id}@{origin}",
            partner=o.partner,
            outcome_id=o.id,
            origin=origin,
            as_of=as_of,
            is_deal=o.kind == "deal",
            headline=o.headline.rate if o.headline else None,
            form=o.headline.form if o.headline else None,
            auto=o.auto_rate(),
            deal_within=_deal_within(o.partner, as_of, outs),
        )

    for o in outs:
        ref = (
            o.concluded
            if o.kind == "deal"
            else (o.impasse.reference_deadline if o.impasse else None)
        )
        if ref is None:  # pragma: no cover - the schema guarantees one
            continue
        out.append(make(o, "T3", ref - dt.timedelta(days=LEAD_DAYS)))
    for p in sorted({o.partner for o in outs}):
        later = [o for o in outs if o.partner == p and o.dates.announced > COMMON_ORIGIN]
        if later:
            first = min(later, key=lambda o: o.dates.announced)
            out.append(make(first, "T1", COMMON_ORIGIN))
    return sorted(out, key=lambda t: (t.as_of, t.partner, t.origin))


# --------------------------------------------------------------------------------------------
# Forecasting (parallel over targets)
# --------------------------------------------------------------------------------------------


def default_forecaster() -> Forecaster:
    """``tariffsim.negotiation.forecast.forecast_partner`` (the wave model)."""
    try:
        from tariffsim.negotiation.forecast import forecast_partner
    except ImportError:
        raise InputError(
            "the wave forecaster tariffsim.negotiation.forecast.forecast_partner is not available",
            hint="score the baselines alone with --baselines-only",
        ) from None
    return forecast_partner


def _forecast_one(
    task: tuple[str, dt.date], *, forecaster: Forecaster, draws: int, seed: int
) -> ForecastRecord:
    partner, as_of = task
    return forecaster(partner, as_of, draws=draws, seed=seed, executor=None)


def _p_within(fc: ForecastRecord, as_of: dt.date) -> float:
    key = as_of + dt.timedelta(days=HORIZON_DAYS)
    p = fc.p_deal_by.get(key)
    if p is None:
        p = {
            (k.isoformat() if isinstance(k, dt.date) else str(k)): v
            for k, v in fc.p_deal_by.items()
        }.get(key.isoformat())
    if p is None:
        raise InputError(
            f"the forecast for {fc.partner} on {as_of} has no P(deal by {key})",
            hint="p_deal_by must include as_of + 30, + 60 and + 90 days",
        )
    return float(p)


# --------------------------------------------------------------------------------------------
# Scoring one target
# --------------------------------------------------------------------------------------------


def _score_dist(draws: np.ndarray, y: float) -> dict[str, float | bool]:
    lo, hi = band(draws)
    return {
        "crps": crps_sample(draws, y),
        "interval_score": interval_score(lo, hi, y),
        "in_band": bool(lo - 1e-12 <= y <= hi + 1e-12),
        "width": hi - lo,
        "median": float(np.median(draws)),
        "p10": lo,
        "p90": hi,
    }


def _score_point(x: float, y: float) -> dict[str, float]:
    return {"crps": crps_point(x, y), "interval_score": interval_score(x, x, y), "forecast": x}


@dataclass
class TargetResult:
    target: Target
    baselines: dict[str, Any]
    forecast: dict[str, Any] | None = None
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    recalibrated: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.to_dict(),
            "forecast": self.forecast,
            "recalibrated": self.recalibrated,
            "baselines": self.baselines,
            "scores": self.scores,
        }


def _score_draws(
    who: str, h: np.ndarray, a: np.ndarray | None, t: Target, put: Callable[[str, str, float], None]
) -> dict[str, Any]:
    """Score one forecaster's headline and car draws on a target; its bands for the summary."""
    f: dict[str, Any] = {}
    if h.size:
        f["headline"] = {"median": float(np.median(h)), "p10": band(h)[0], "p90": band(h)[1]}
        if t.is_deal and t.headline is not None:
            s = _score_dist(h, t.headline)
            put(who, "headline_crps", float(s["crps"]))
            put(who, "headline_is", float(s["interval_score"]))
            put(who, "headline_median_ae", abs(float(s["median"]) - t.headline))
            f["headline"].update(in_band=s["in_band"], width=s["width"])
    if a is not None and a.size:
        f["auto"] = {"median": float(np.median(a)), "p10": band(a)[0], "p90": band(a)[1]}
        if t.auto is not None:
            s = _score_dist(a, t.auto)
            put(who, "auto_crps", float(s["crps"]))
            put(who, "auto_is", float(s["interval_score"]))
            f["auto"].update(in_band=s["in_band"], width=s["width"])
    return f


def _score_target(
    t: Target,
    fc: ForecastRecord | None,
    partners: Sequence[str],
    recal: tuple[Recalibrated, Recalibrated | None] | None = None,
) -> TargetResult:
    hb = WB.headline_baselines(t.partner, t.as_of)
    ab = WB.auto_baselines(t.partner, t.as_of) if t.auto is not None else None
    eb = WB.deal_baselines(t.as_of, partners, HORIZON_DAYS)
    res = TargetResult(
        target=t,
        baselines={"headline": hb, "auto": ab, "p_deal": eb},
    )
    scores: dict[str, dict[str, float]] = {}

    def put(who: str, key: str, val: float) -> None:
        scores.setdefault(who, {})[key] = val

    if t.is_deal and t.headline is not None:
        for b in WB.HEADLINE_BASELINES:
            s = _score_point(hb[b], t.headline)
            put(b, "headline_crps", s["crps"])
            put(b, "headline_is", s["interval_score"])
            put(b, "headline_median_ae", s["crps"])
    if ab is not None and t.auto is not None:
        for b in WB.HEADLINE_BASELINES:
            s = _score_point(ab[b], t.auto)
            put(b, "auto_crps", s["crps"])
            put(b, "auto_is", s["interval_score"])
    for b in WB.EVENT_BASELINES:
        put(b, "brier", brier(eb[b], t.deal_within))
    if fc is not None:
        f: dict[str, Any] = {
            "status_quo_rate": float(fc.status_quo_rate),
            "threat_rate": float(fc.threat_rate),
            "p_deal_within": _p_within(fc, t.as_of),
        }
        put("model", "brier", brier(f["p_deal_within"], t.deal_within))
        # the forecast's status quo and threat should be the facts' (same definitions)
        f["agrees_with_facts"] = bool(
            abs(f["status_quo_rate"] - hb["inputs"]["status_quo"]) < 1e-9
            and abs(f["threat_rate"] - hb["inputs"]["threat"]) < 1e-9
        )
        h = np.asarray(fc.headline, dtype=float)
        a = None if fc.auto is None else np.asarray(fc.auto, dtype=float)
        f.update(_score_draws("model", h, a, t, put))
        res.forecast = f
        if recal is not None:
            rh, ra = recal
            rc = _score_draws("recalibrated", rh.draws, None if ra is None else ra.draws, t, put)
            rc["fit"] = {"headline": rh.to_dict(), "auto": None if ra is None else ra.to_dict()}
            res.recalibrated = rc
    res.scores = scores
    return res


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def _metric_block(
    rows: Sequence[TargetResult], metric: str, *, n_boot: int, seed: int
) -> dict[str, Any]:
    """Mean and count per forecaster; the model's paired bootstrap skill against each other one."""
    who_has = sorted({w for r in rows for w, s in r.scores.items() if metric in s})
    block: dict[str, Any] = {"mean": {}, "n": {}}
    for w in who_has:
        vals = [r.scores[w][metric] for r in rows if metric in r.scores.get(w, {})]
        block["mean"][w] = float(np.mean(vals))
        block["n"][w] = len(vals)
    for me in MODELS:
        if me not in who_has:
            continue
        key = "" if me == "model" else f"_{me}"
        _skills(block, rows, metric, me, key, who_has, n_boot=n_boot, seed=seed)
    return block


def _skills(
    block: dict[str, Any],
    rows: Sequence[TargetResult],
    metric: str,
    me: str,
    key: str,
    who_has: Sequence[str],
    *,
    n_boot: int,
    seed: int,
) -> None:
    """``me``'s paired skill against every other forecaster (and, for the raw model, every
    forecaster's mean on the model's targets)."""
    if me == "model":
        # the baselines' means on the targets the model has a score for (the skill's pairs)
        block["mean_on_model_targets"] = {
            w: float(np.mean(v))
            for w in who_has
            if (
                v := [
                    r.scores[w][metric]
                    for r in rows
                    if metric in r.scores.get("model", {}) and metric in r.scores.get(w, {})
                ]
            )
        }
    block["skill" + key] = {}
    for w in who_has:
        if w == me:
            continue
        pairs = [
            (r.scores[me][metric], r.scores[w][metric])
            for r in rows
            if metric in r.scores.get(me, {}) and metric in r.scores.get(w, {})
        ]
        if pairs:
            m, b = zip(*pairs, strict=True)
            block["skill" + key][w] = bootstrap_skill(m, b, n_boot=n_boot, seed=seed).to_dict()


def _band(rows: Sequence[TargetResult], what: str, who: str = "model") -> dict[str, Any] | None:
    def rec(r: TargetResult) -> dict[str, Any] | None:
        return r.forecast if who == "model" else getattr(r, "recalibrated", None)

    fs = [f[what] for r in rows if (f := rec(r)) and what in f and "in_band" in f[what]]
    if not fs:
        return None
    return {
        "coverage": float(np.mean([f["in_band"] for f in fs])),
        "mean_width": float(np.mean([f["width"] for f in fs])),
        "n": len(fs),
    }


def _head_to_head(
    rows: Sequence[TargetResult], other: str, who: str = "model"
) -> dict[str, int] | None:
    """On how many targets ``who``'s median is closer to the deal than ``other``'s value."""
    pairs = [
        (r.scores[who]["headline_median_ae"], r.scores[other]["headline_median_ae"])
        for r in rows
        if "headline_median_ae" in r.scores.get(who, {})
        and "headline_median_ae" in r.scores.get(other, {})
    ]
    if not pairs:
        return None
    return {
        "closer": sum(m < b - TIE for m, b in pairs),
        "farther": sum(m > b + TIE for m, b in pairs),
        "tied": sum(abs(m - b) <= TIE for m, b in pairs),
    }


def summarize(rows: Sequence[TargetResult], *, n_boot: int, seed: int) -> dict[str, Any]:
    """The summary of scored targets (means, skills, bands, head-to-head, reliability)."""
    out: dict[str, Any] = {}
    for metric in SCORES:
        out[metric] = _metric_block(rows, metric, n_boot=n_boot, seed=seed)
    rest = [r for r in rows if r.target.partner != SET_APART]
    out[f"without_{SET_APART}"] = {
        metric: _metric_block(rest, metric, n_boot=n_boot, seed=seed)
        for metric in ("headline_crps", "headline_is", "headline_median_ae")
    }
    for who in MODELS:
        key = "" if who == "model" else f"_{who}"
        h2h = _head_to_head(rows, "split_difference", who)
        if h2h:
            out["median_vs_split" + key] = h2h
        band_rest = _band(rest, "headline", who)
        if band_rest:
            out[f"without_{SET_APART}"]["headline_band" + key] = band_rest
        h2h_rest = _head_to_head(rest, "split_difference", who)
        if h2h_rest:
            out[f"without_{SET_APART}"]["median_vs_split" + key] = h2h_rest
        for what in ("headline", "auto"):
            b = _band(rows, what, who)
            if b:
                out[f"{what}_band" + key] = b
    unscored = [
        r.target.key
        for r in rows
        if r.forecast is not None
        and r.target.is_deal
        and r.target.headline is not None
        and "headline_crps" not in r.scores.get("model", {})
    ]
    if any(r.forecast for r in rows):
        out["model_without_headline_draws"] = unscored
    differ = [r.target.key for r in rows if r.forecast and not r.forecast["agrees_with_facts"]]
    if any(r.forecast for r in rows):
        out["status_quo_or_threat_differ_from_facts"] = differ
    probs = [r.forecast["p_deal_within"] for r in rows if r.forecast]
    if probs:
        obs = [r.target.deal_within for r in rows if r.forecast]
        out["reliability"] = reliability(probs, obs)
    return out


@dataclass
class BacktestResult:
    rows: list[TargetResult]
    summary: dict[str, Any]
    settings: dict[str, Any]
    timings: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "definitions": {
                "origins": {
                    "T1": COMMON_ORIGIN.isoformat(),
                    "T3": f"{LEAD_DAYS} days before the deal (or missed deadline)",
                },
                "p_deal": f"a deal announced within {HORIZON_DAYS} days after the forecast date",
                "scores": "CRPS and 10-90 interval score (alpha 0.2) of rates as fractions; Brier of P(deal)",
                "skill": "1 - mean(model)/mean(baseline), paired percentile bootstrap over targets",
            },
            "targets": [r.to_dict() for r in self.rows],
            "summary": self.summary,
            "timings": self.timings,
        }


def recalibration_history(
    tg: Sequence[Target], fcs: Sequence[ForecastRecord | None]
) -> dict[str, PastForecast]:
    """The model's T3 forecast of each deal among the targets (the recalibration's history)."""
    return history_from(
        (t.outcome_id, fc)
        for t, fc in zip(tg, fcs, strict=True)
        if fc is not None and t.origin == "T3" and t.is_deal
    )


def recalibrate_all(
    tg: Sequence[Target], fcs: Sequence[ForecastRecord | None], *, seed: int
) -> list[tuple[Recalibrated, Recalibrated | None] | None]:
    """Each target's forecast recalibrated on the history (``recalibrate`` keeps only the deals
    concluded before the target's date)."""
    hist = recalibration_history(tg, fcs)
    out: list[tuple[Recalibrated, Recalibrated | None] | None] = []
    for t, fc in zip(tg, fcs, strict=True):
        if fc is None:
            out.append(None)
            continue
        kw: dict[str, Any] = {"partner": t.partner, "as_of": t.as_of, "history": hist, "seed": seed}
        h = recalibrate(fc.headline, what="headline", **kw)
        a = None if fc.auto is None else recalibrate(fc.auto, what="auto", **kw)
        out.append((h, a))
    return out


def run_backtest(
    *,
    forecaster: Forecaster | None = None,
    baselines_only: bool = False,
    draws: int = 2000,
    seed: int = 0,
    executor: str = "local",
    workers: int | None = None,
    n_boot: int = 2000,
    progress: bool = False,
    selected: Sequence[Target] | None = None,
) -> BacktestResult:
    """Run the wave backtest: forecast every target (in parallel), score it and the baselines."""
    from tariffsim.parallel import EXECUTORS, run_draws

    if executor not in EXECUTORS:
        raise InputError(
            f"unknown executor {executor!r}", hint=f"choose from {', '.join(EXECUTORS)}"
        )
    t0 = time.perf_counter()
    tg = list(selected) if selected is not None else targets()
    partners = sorted({o.partner for o in all_outcomes()})
    fcs: list[ForecastRecord | None] = [None] * len(tg)
    t_fc = 0.0
    if not baselines_only:
        fn = forecaster or default_forecaster()
        tasks = sorted({(t.partner, t.as_of) for t in tg})
        t1 = time.perf_counter()
        got = run_draws(
            partial(_forecast_one, forecaster=fn, draws=draws, seed=seed),
            tasks,
            executor=executor,
            workers=workers,
            progress=progress,
            chunksize=1,
        )
        t_fc = time.perf_counter() - t1
        by_task = dict(zip(tasks, got, strict=True))
        fcs = [by_task[(t.partner, t.as_of)] for t in tg]
    recals = recalibrate_all(tg, fcs, seed=seed)
    rows = [_score_target(t, fc, partners, rc) for t, fc, rc in zip(tg, fcs, recals, strict=True)]
    summary = summarize(rows, n_boot=n_boot, seed=seed)
    total = time.perf_counter() - t0
    return BacktestResult(
        rows=rows,
        summary=summary,
        settings={
            "draws": draws,
            "seed": seed,
            "executor": executor,
            "workers": workers,
            "n_boot": n_boot,
            "baselines_only": baselines_only,
            "targets": len(tg),
            "forecasts": 0 if baselines_only else len({(t.partner, t.as_of) for t in tg}),
        },
        timings={"forecasts_s": t_fc, "total_s": total},
    )
