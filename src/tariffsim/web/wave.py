"""The wave of 2025–26 negotiations on one page: every partner's forecast as of a date, and what
actually happened where it is known.

* **Forecasts** come from :func:`tariffsim.negotiation.forecast.forecast_wave` (every partner whose
  talks are open on the date, solved together — Nash-in-Nash with claims between them) as
  :class:`~tariffsim.negotiation.forecast.PartnerForecast` records: the headline rate as the deal
  would name it (median and 10–90 band of the draws, conditional on a deal), P(deal by date), the
  status quo and the threat on the date.
* **Outcomes** are read only through :func:`tariffsim.negotiation.outcomes.known_outcomes` — with
  *today* as the date, so that a deal is shown as the actual outcome only once it has happened (a
  forecast as of April 2025 is shown beside the July deal it is scored against, never a deal that
  has not happened yet). Each carries its sources (title and link).
* Partners whose deal was concluded **before** the forecast date are not forecast (the forecaster
  takes their deal as a precedent); the page says so and shows the deal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

DEFAULT_AS_OF = "2025-04-15"  # the day of the first Japan–US round (the shipped test case)
DEFAULT_DRAWS = 500
MAX_DRAWS = 5000


def outcomes_by_partner(today: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Deals concluded before ``today`` (default: the real today), per partner, oldest first:
    ``{id, title, announced, headline_rate, form, measures, auto_rate, sources: [{title, url}]}``.
    Impasses are not deals: they have no row here."""
    from tariffsim.negotiation.facts import sources
    from tariffsim.negotiation.outcomes import known_outcomes

    src = sources()
    out: dict[str, list[dict[str, Any]]] = {}
    for o in known_outcomes(today or dt.date.today()):
        if o.headline is None:
            continue
        refs = []
        for sid in o.headline.source:
            s = src.get(sid)
            if s is not None:
                refs.append({"id": sid, "title": s.title, "url": s.url, "date": s.date.isoformat()})
        out.setdefault(o.partner, []).append(
            {
                "id": o.id,
                "title": o.title,
                "announced": o.dates.announced.isoformat(),
                "headline_rate": float(o.headline.rate),
                "form": o.headline.form,
                "measures": list(o.headline.measures),
                "auto_rate": o.auto_rate(),
                "sources": refs,
            }
        )
    return out


def _quantiles(x: Any) -> dict[str, float] | None:
    a = None if x is None else np.asarray(x, dtype=float)
    if a is None or a.size == 0:
        return None
    return {
        "median": float(np.median(a)),
        "p10": float(np.percentile(a, 10)),
        "p90": float(np.percentile(a, 90)),
    }


def forecast_row(f: Any) -> dict[str, Any]:
    """The JSON of one :class:`PartnerForecast` for the page and the API."""
    return {
        "partner": f.partner,
        "as_of": f.as_of.isoformat(),
        "p_deal_by": {d.isoformat(): float(p) for d, p in sorted(f.p_deal_by.items())},
        "headline": _quantiles(f.headline),
        "auto": _quantiles(f.auto),
        "status_quo_rate": float(f.status_quo_rate),
        "threat_rate": float(f.threat_rate),
    }


def wave(
    as_of: dt.date, *, draws: int = DEFAULT_DRAWS, seed: int = 0, progress: Any = None
) -> dict:
    """Every partner's row as of ``as_of``: its forecast when its talks are open, the deal it had
    concluded before ``as_of`` otherwise, and the actual outcome known today."""
    from tariffsim.core import countries
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation import facts
    from tariffsim.negotiation.forecast import forecast_wave, open_partners

    say = progress or (lambda f, m: None)
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(
            f"draws: {draws} is not in [1, {MAX_DRAWS}]", hint="simulated draws per partner"
        )
    today = dt.date.today()
    actual = outcomes_by_partner(today)
    before = outcomes_by_partner(as_of)  # concluded before the forecast date: precedents
    open_now = open_partners(as_of)
    say(0.05, f"forecasting {len(open_now)} open partners ({draws} draws each)")
    forecasts: dict[str, Any] = {}
    problem = None
    if open_now:
        try:
            forecasts = {
                f.partner: forecast_row(f) for f in forecast_wave(as_of, draws=draws, seed=seed)
            }
        except InputError as exc:  # the forecaster's own refusal: shown, with the outcomes
            problem = {"message": str(exc), "hint": exc.hint}
    say(0.95, "assembling the table")
    rows = []
    for p in facts.partners():
        done = before.get(p, [])
        later = [o for o in actual.get(p, []) if o["announced"] >= as_of.isoformat()]
        try:
            name = countries.name(p)
        except InputError:
            name = p
        rows.append(
            {
                "partner": p,
                "name": name,
                "open": p in open_now,
                "forecast": forecasts.get(p),
                "concluded_before": done,
                "actual": later[0] if later else None,
                "actual_later": later[1:],
            }
        )
    rows.sort(key=lambda r: (not r["open"], r["name"]))  # open talks first
    return {
        "as_of": as_of.isoformat(),
        "today": today.isoformat(),
        "draws": draws,
        "seed": seed,
        "partners": rows,
        "problem": problem,
    }
