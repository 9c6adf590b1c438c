"""Backtesting: score a forecast deal distribution against an outcome file, and against baselines.

Outcome file (YAML; see ``cases/outcomes/example-synthetic.yaml``)::

    case: us-japan-2025-04          # the case the outcome belongs to
    kind: synthetic | observed
    observed_on: 2025-09-01         # when the outcome was known
    source: "…"                     # where the outcome comes from
    outcomes:
      reciprocal_rate: {value: 0.15, source: "…"}
      currency: {value: joint_statement}

Scores per issue (numeric issues in the issue's unit; categorical issues by the position of the level
in the case's ordered list):

* ``abs_error`` = ``|forecast median − outcome|``; ``norm_error`` = abs_error / (max level − min level);
* ``in_band`` = whether ``p10 ≤ outcome ≤ p90`` (the forecast's 10–90 band).

Baselines (no model, from the case file alone), each scored the same way (a point forecast, band =
the point):

* ``status_quo`` — the level in force on the as-of date;
* ``split_difference`` — the midpoint of the two parties' opening positions;
* ``weighted_mean`` — the mean of the positions weighted by each party's *salience* on the issue
  (the spread of its utility over the issue's levels) — the weighted-mean benchmark that often beats
  stakeholder-forecasting models.

Do not tune a case to an outcome you know: the case's as-of date rule exists for that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError


@dataclass(frozen=True)
class Outcome:
    case: str
    kind: str
    values: Mapping[str, Any]
    source: str = ""
    path: Path | None = None


def load_outcome(path: str | Path) -> Outcome:
    """Read an outcome file (errors name file:line)."""
    from tariffsim.negotiation.case import _Ctx, _read_yaml

    p = Path(path)
    raw = _read_yaml(p)
    ctx = _Ctx(p)
    node = ctx.need(raw, "outcomes", "outcomes")
    if not isinstance(node, Mapping) or not node:
        raise InputError(
            "outcomes must be a non-empty mapping", where=ctx.where(raw, "outcomes", "outcomes")
        )
    vals = {}
    for k, v in node.items():
        if isinstance(v, Mapping):
            vals[str(k)] = ctx.need(v, "value", f"outcomes.{k}")
        else:
            vals[str(k)] = v
    return Outcome(
        case=str(ctx.need(raw, "case", "case")),
        kind=str(raw.get("kind", "observed")),
        values=vals,
        source=str(raw.get("source", "")),
        path=p,
    )


def _position(spec: Any, v: Any) -> float:
    """Numeric value of a level: the value itself, or the index of a categorical level."""
    if spec.kind == "numeric":
        return float(v)
    return float(spec.level_index(v))


def _range(spec: Any) -> float:
    r = max(spec.levels) - min(spec.levels) if spec.kind == "numeric" else len(spec.levels) - 1
    return float(r) or 1.0


def baselines(case: Any, *, prefs: Any | None = None) -> dict[str, dict[str, float]]:
    """Point forecasts of the three baselines per issue (numeric value or categorical index)."""
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


def _score_point(
    spec: Any, forecast: float, lo: float, hi: float, outcome: float
) -> dict[str, Any]:
    err = abs(forecast - outcome)
    return {
        "forecast": forecast,
        "outcome": outcome,
        "abs_error": err,
        "norm_error": err / _range(spec),
        "in_band": bool(min(lo, hi) - 1e-12 <= outcome <= max(lo, hi) + 1e-12),
    }


def score(
    case: Any, deal: Mapping[str, Mapping[str, Any]], outcome: Outcome, *, prefs: Any | None = None
) -> dict[str, Any]:
    """Score a forecast deal distribution (``{issue: {median, p10, p90}}``) and the baselines.

    Returns ``{"issues": {issue: {"model": …, "status_quo": …, …}}, "summary": {forecaster:
    {"mean_norm_error", "coverage", "n"}}}``; categorical values are scored as level indices.
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
        o = _position(spec, ov)
        row: dict[str, Any] = {"unit": spec.unit}
        d = deal.get(name)
        if d is not None and d.get("median") is not None:
            row["model"] = _score_point(
                spec,
                _position(spec, d["median"]),
                _position(spec, d["p10"]),
                _position(spec, d["p90"]),
                o,
            )
        for bname, pts in base.items():
            if name in pts:
                x = pts[name]
                row[bname] = _score_point(spec, x, x, x, o)
        issues[name] = row
    summary: dict[str, dict[str, Any]] = {}
    for who in ("model", "status_quo", "split_difference", "weighted_mean"):
        rows = [r[who] for r in issues.values() if who in r]
        if rows:
            summary[who] = {
                "mean_norm_error": float(np.mean([r["norm_error"] for r in rows])),
                "coverage": float(np.mean([r["in_band"] for r in rows])),
                "n": len(rows),
            }
    return {"case": case.id, "outcome_kind": outcome.kind, "issues": issues, "summary": summary}
