"""Score one case's forecast deal distribution against an outcome file, and the case baselines.

This is what ``tariffsim negotiate CASE --score OUTCOME.yaml`` runs. Outcome file (YAML)::

    case: us-japan-2025-04          # the case the outcome belongs to
    kind: synthetic | observed
    observed_on: 2025-09-01         # when the outcome was known
    source: "…"                     # where the outcome comes from
    agreed: true                    # optional: whether the parties agreed (scores P(agreement))
    outcomes:
      reciprocal_rate: {value: 0.15, source: "…"}
      currency: {value: joint_statement}

Scores per issue, in the issue's unit (categorical issues on the index of the level in the case's
ordered list), all proper (:mod:`tariffsim.negotiation.scoring`):

* ``crps`` — of the forecast's distribution over the issue's levels (``shares``); for a numeric
  issue this needs the per-level shares of the deals; without them ``crps`` is ``None``;
* ``interval_score`` — of the 10–90 band ``[p10, p90]`` (α = 0.2);
* ``in_band`` and the point error of the median are reported too, but are not scores: coverage
  rewards whole-scale bands.

Scores are normalised by the issue's range (max − min level, or levels − 1) to average across
issues. Baselines (point forecasts from the case file alone): ``status_quo``, ``split_difference``
(midpoint of the two opening positions) and ``weighted_mean`` (positions weighted by each party's
salience: the spread of its utility over the issue's levels). A point forecast x has
``crps = |x − y|`` and ``interval_score = 10·|x − y|``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from tariffsim.core.errors import InputError
from tariffsim.negotiation.scoring import (
    ALPHA_10_90,
    brier,
    crps_discrete,
    crps_point,
    interval_score,
)

FORECASTERS = ("model", "status_quo", "split_difference", "weighted_mean")


@dataclass(frozen=True)
class Outcome:
    case: str
    kind: str
    values: Mapping[str, Any]
    source: str = ""
    path: Path | None = None
    agreed: bool | None = None


class _OutcomeValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Any
    source: str | None = None
    note: str | None = None


class _CaseOutcomeFile(BaseModel):
    """The case outcome file (unknown fields are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    case: str
    kind: Literal["observed", "synthetic"] = "observed"
    observed_on: dt.date | None = None
    source: str = ""
    agreed: StrictBool | None = None
    outcomes: dict[str, _OutcomeValue | StrictStr | StrictFloat | StrictInt] = Field(min_length=1)


def load_outcome(path: str | Path) -> Outcome:
    """Read a case outcome file (strict; errors name ``file:line: field``)."""
    from tariffsim.core.yamlio import display_name, read_yaml, validate

    p = Path(path)
    name = display_name(p)
    raw = read_yaml(p, name=name)
    try:
        f = validate(_CaseOutcomeFile, raw, name)
    except InputError as exc:
        exc.hint = (
            "see the case-outcome format in tariffsim.negotiation.case_scoring (docs/backtest.md)"
        )
        raise
    vals = {k: (v.value if isinstance(v, _OutcomeValue) else v) for k, v in f.outcomes.items()}
    return Outcome(case=f.case, kind=f.kind, values=vals, source=f.source, path=p, agreed=f.agreed)


def _position(spec: Any, v: Any) -> float:
    """Numeric value of a level: the value itself, or the index of a categorical level."""
    if spec.kind == "numeric":
        return float(v)
    return float(spec.level_index(v))


def _positions(spec: Any) -> list[float]:
    return [_position(spec, lv) for lv in spec.levels]


def _range(spec: Any) -> float:
    r = max(spec.levels) - min(spec.levels) if spec.kind == "numeric" else len(spec.levels) - 1
    return float(r) or 1.0


def baselines(case: Any, *, prefs: Any | None = None) -> dict[str, dict[str, float]]:
    """Point forecasts of the three case baselines per issue (numeric value or categorical index)."""
    from tariffsim.negotiation.preferences import build_preferences

    prefs = prefs or build_preferences(case)
    a, b = case.parties
    out: dict[str, dict[str, float]] = {
        "status_quo": {},
        "split_difference": {},
        "weighted_mean": {},
    }
    for j, spec in enumerate(case.issues):
        sq = spec.status_quo if spec.status_quo is not None else spec.levels[0]
        out["status_quo"][spec.name] = _position(spec, sq)
        pos = spec.positions
        if a in pos and b in pos:
            xa, xb = _position(spec, pos[a]), _position(spec, pos[b])
            out["split_difference"][spec.name] = 0.5 * (xa + xb)
            sa = float(np.ptp(prefs.utilities[a].tables[j]))
            sb = float(np.ptp(prefs.utilities[b].tables[j]))
            w = sa + sb
            out["weighted_mean"][spec.name] = (sa * xa + sb * xb) / w if w > 0 else 0.5 * (xa + xb)
    return out


def _shares(spec: Any, d: Mapping[str, Any]) -> list[float] | None:
    sh = d.get("shares")
    if not isinstance(sh, Mapping) or not sh:
        return None
    probs = []
    for lv in spec.levels:
        v = sh.get(lv)
        if v is None:
            v = next((s for k, s in sh.items() if _same_level(k, lv)), 0.0)
        probs.append(float(v))
    total = sum(probs)
    return [p / total for p in probs] if total > 0 else None


def _same_level(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-12
    except (TypeError, ValueError):
        return str(a) == str(b)


def _score_model(spec: Any, d: Mapping[str, Any], y: float) -> dict[str, Any]:
    rng = _range(spec)
    lo, hi = _position(spec, d["p10"]), _position(spec, d["p90"])
    med = _position(spec, d["median"])
    probs = _shares(spec, d)
    crps = crps_discrete(_positions(spec), probs, y) if probs is not None else None
    isc = interval_score(lo, hi, y, ALPHA_10_90)
    return {
        "forecast": med,
        "p10": min(lo, hi),
        "p90": max(lo, hi),
        "outcome": y,
        "crps": crps,
        "crps_norm": None if crps is None else crps / rng,
        "interval_score": isc,
        "interval_score_norm": isc / rng,
        "in_band": bool(min(lo, hi) - 1e-12 <= y <= max(lo, hi) + 1e-12),
        "abs_error": abs(med - y),
        "norm_error": abs(med - y) / rng,
    }


def _score_point(spec: Any, x: float, y: float) -> dict[str, Any]:
    rng = _range(spec)
    c = crps_point(x, y)
    isc = interval_score(x, x, y, ALPHA_10_90)
    return {
        "forecast": x,
        "outcome": y,
        "crps": c,
        "crps_norm": c / rng,
        "interval_score": isc,
        "interval_score_norm": isc / rng,
        "in_band": abs(x - y) < 1e-12,
        "abs_error": c,
        "norm_error": c / rng,
    }


def score(
    case: Any,
    deal: Mapping[str, Mapping[str, Any]],
    outcome: Outcome,
    *,
    prefs: Any | None = None,
    agreement_probability: float | None = None,
) -> dict[str, Any]:
    """Score a forecast deal distribution (``{issue: {median, p10, p90[, shares]}}``) and the baselines.

    Returns ``{"issues": {issue: {"model": …, "status_quo": …, …}}, "summary": {forecaster:
    {"mean_crps_norm", "mean_interval_score_norm", "coverage", "mean_norm_error", "n", "n_crps"}},
    "agreement": {"p", "agreed", "brier"} | None}``.
    """
    if outcome.case != case.id:
        raise InputError(
            f"outcome file is for case {outcome.case!r}, not {case.id!r}",
            where=str(outcome.path) if outcome.path else None,
        )
    base = baselines(case, prefs=prefs)
    issues: dict[str, dict[str, Any]] = {}
    for name, ov in outcome.values.items():
        spec = case.issue(name)
        y = _position(spec, ov)
        row: dict[str, Any] = {"unit": spec.unit}
        d = deal.get(name)
        if d is not None and d.get("median") is not None:
            row["model"] = _score_model(spec, d, y)
        for bname, pts in base.items():
            if name in pts:
                row[bname] = _score_point(spec, pts[name], y)
        issues[name] = row
    summary: dict[str, dict[str, Any]] = {}
    for who in FORECASTERS:
        rows = [r[who] for r in issues.values() if who in r]
        if not rows:
            continue
        crps = [r["crps_norm"] for r in rows if r["crps_norm"] is not None]
        summary[who] = {
            "mean_crps_norm": float(np.mean(crps)) if crps else None,
            "mean_interval_score_norm": float(np.mean([r["interval_score_norm"] for r in rows])),
            "coverage": float(np.mean([r["in_band"] for r in rows])),
            "mean_norm_error": float(np.mean([r["norm_error"] for r in rows])),
            "n": len(rows),
            "n_crps": len(crps),
        }
    agreement = None
    if outcome.agreed is not None and agreement_probability is not None:
        agreement = {
            "p": float(agreement_probability),
            "agreed": outcome.agreed,
            "brier": brier(float(agreement_probability), outcome.agreed),
        }
    return {
        "case": case.id,
        "outcome_kind": outcome.kind,
        "issues": issues,
        "summary": summary,
        "agreement": agreement,
    }


def score_rows(s: Mapping[str, Any]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Headers and rows of the summary table for the CLI (one row per forecaster)."""

    def f(x: Any) -> str:
        return "—" if x is None else f"{x:.3f}"

    headers = ["forecaster", "CRPS (norm.)", "interval score (norm.)", "in 10–90 band", "issues"]
    rows: list[tuple[str, ...]] = [
        (
            str(who),
            f(v["mean_crps_norm"]),
            f(v["mean_interval_score_norm"]),
            f"{v['coverage']:.0%}",
            str(v["n"]),
        )
        for who, v in s["summary"].items()
    ]
    return headers, rows
