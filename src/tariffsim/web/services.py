"""The web app's calls into the library, shared by the JSON API and the HTML pages.

Every function takes the warm :class:`~tariffsim.web.state.AppState` and plain arguments, and returns
JSON-ready dictionaries (the shapes of :mod:`tariffsim.web.schemas`). User mistakes raise
:class:`~tariffsim.core.errors.InputError` (the API turns them into 422 with message and hint).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np

from tariffsim.core.errors import InputError, TariffsimError

PE_BASE_START = dt.date(2025, 1, 1)
GE_SCENARIO = "ustr_income_tax"
MAX_BATCH_ROWS = 200_000


def plain(obj: Any) -> Any:
    """JSON-ready copy (numpy scalars/arrays, dates, tuples → JSON types; NaN/inf → None)."""
    from tariffsim.cli.render import _default

    def fix(o: Any) -> Any:
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {str(k): fix(v) for k, v in o.items()}
        if isinstance(o, list):
            return [fix(v) for v in o]
        return o

    return fix(json.loads(json.dumps(obj, default=_default)))


def parse_day(state: Any, text: str | None, field: str = "date") -> dt.date:
    """A date in the schedule's coverage (default: today clipped to the coverage)."""
    from tariffsim.core.dates import parse_date

    lo, hi = state.schedule.coverage.start, state.schedule.coverage.last_day
    if text is None or not str(text).strip():
        return min(max(dt.date.today(), lo), hi)
    d = parse_date(str(text).strip(), field=field)
    if not lo <= d <= hi:
        raise InputError(
            f"{field}: {d} is outside the schedule's coverage ({lo} to {hi})",
            hint=f"give a date from {lo} to {hi}",
        )
    return d


# --- rates ----------------------------------------------------------------------------------------


def rate(state: Any, origin: str, hs: str, on: str) -> dict[str, Any]:
    day = parse_day(state, on)
    return state.schedule.rate(origin, hs, day).to_dict()


def timeline(
    state: Any, origin: str, hs: str, start: str | None, end: str | None
) -> dict[str, Any]:
    s = state.schedule
    lo, hi = s.coverage.start, s.coverage.last_day
    d1 = parse_day(state, start, "from") if start else lo
    d2 = parse_day(state, end, "to") if end else hi
    if d2 < d1:
        raise InputError(f"to ({d2}) is before from ({d1})", hint="'to' is the last day, inclusive")
    rows = s.timeline(origin, hs, d1, d2 + dt.timedelta(days=1))
    return {
        "origin": origin,
        "hs": hs,
        "from": d1.isoformat(),
        "to": d2.isoformat(),
        "rows": [r.to_dict() for r in rows],
    }


def measures(state: Any, on: str) -> dict[str, Any]:
    day = parse_day(state, on)
    return {
        "date": day.isoformat(),
        "measures": [r.to_dict() for r in state.schedule.in_force(day)],
    }


def rate_csv(
    state: Any, data: bytes, *, name: str = "upload.csv", skip_invalid: bool = False
) -> tuple[str, list[str]]:
    """Rate an uploaded CSV (``origin, hs, date[, value_usd]``) → (rated CSV text, skipped rows)."""
    from tariffsim.schedule.batch import rate_frame, read_entries, rounded

    df, cols = read_entries(data, name=name)
    if df.height > MAX_BATCH_ROWS:
        raise InputError(
            f"{name}: {df.height:,} rows (limit {MAX_BATCH_ROWS:,})", hint="split the file"
        )
    out, errors = rate_frame(state.schedule, df, cols=cols, name=name)
    if errors and not skip_invalid:
        shown = "; ".join(errors[:10]) + (
            f"; … ({len(errors) - 10} more)" if len(errors) > 10 else ""
        )
        raise InputError(
            f"{len(errors)} bad row{'s' if len(errors) > 1 else ''}: {shown}",
            where=name,
            hint="fix the rows, or pass skip_invalid=true to rate only the good rows",
        )
    return rounded(out).write_csv(), errors


def hs_search(state: Any, q: str, limit: int = 20) -> list[dict[str, str]]:
    from tariffsim.web.state import search_hs

    return search_hs(state.hs, q, limit=limit)


def countries_list() -> dict[str, Any]:
    from tariffsim.core import countries

    cs = sorted(countries.countries().values(), key=lambda c: c.name)
    return {
        "countries": [{"iso3": c.iso3, "name": c.name} for c in cs],
        "groups": {k: list(v) for k, v in countries.groups().items()},
    }


# --- effective rates --------------------------------------------------------------------------


def etr(state: Any, on: str | None, by: str | None, top: int | None) -> dict[str, Any]:
    day = parse_day(state, on)
    return state.etr.etr_json(day, by, top=top)


def etr_series(state: Any, start: str | None, end: str | None) -> list[dict[str, Any]]:
    lo, hi = state.schedule.coverage.start, state.schedule.coverage.last_day
    d1 = parse_day(state, start, "from") if start else lo
    d2 = parse_day(state, end, "to") + dt.timedelta(days=1) if end else hi + dt.timedelta(days=1)
    return state.etr.series_json(d1, d2)


# --- countries --------------------------------------------------------------------------------


def country(state: Any, iso3: str, on: str | None, *, top: int = 10) -> dict[str, Any]:
    """Exposure of a partner: 2024 imports, ETR on the date, top products with their rates, and
    its ETR timeline stacked by authority (every segment of the coverage)."""
    from tariffsim.core import countries

    code = countries.resolve(iso3)
    if countries.is_group(code):
        raise InputError(f"{code} is a group; give one country", hint="e.g. JPN, DEU, CHN")
    day = parse_day(state, on)
    g = state.etr.groups["partner"]
    hit = np.flatnonzero(g.keys == code)
    if not len(hit):
        raise InputError(
            f"no 2024 US imports from {countries.name(code)} ({code}) in the flows",
            hint="try another partner",
        )
    j = int(hit[0])
    seg = state.etr.segment(day)
    imp = float(g.imports_usd[j])
    duty = float(g.duty_usd[seg, j])
    order = np.argsort(-g.imports_usd)
    rank = int(np.flatnonzero(g.keys[order] == code)[0]) + 1

    def products() -> list[dict[str, Any]]:
        f = state.flows
        rows = np.flatnonzero(f.origin.astype(str) == code)
        v = np.asarray(f.value_usd, float)[rows]
        top_rows = rows[np.argsort(-v)[:top]]
        c = state.schedule.compile(
            hs10=f.hs10[top_rows],
            origin=f.origin[top_rows],
            start=day,
            end=day + dt.timedelta(days=1),
            shares={k: a[top_rows] for k, a in f.shares.items()},
        )
        r = np.asarray(c.at(day), float)
        desc = _descriptions(state, [str(h) for h in f.hs10[top_rows]])
        return [
            {
                "hs": str(f.hs10[i]),
                "description": desc.get(str(f.hs10[i]), ""),
                "imports_usd": float(f.value_usd[i]),
                "rate": float(r[k]),
                "duty_usd": float(r[k] * f.value_usd[i]),
            }
            for k, i in enumerate(top_rows.tolist())
        ]

    prods = state.cached(("country-products", code, seg, top), products)
    return {
        "iso3": code,
        "name": countries.name(code),
        "date": day.isoformat(),
        "imports_usd": imp,
        "share_of_us_imports": imp / state.etr.imports_usd,
        "rank": rank,
        "etr": duty / imp if imp > 0 else 0.0,
        "duty_usd": duty,
        "top_products": prods,
        "timeline": state.etr.partner_segments(code),
    }


def _descriptions(state: Any, codes: list[str]) -> dict[str, str]:
    import polars as pl

    t = state.hs.filter(pl.col("hts10").is_in(codes))
    return {
        r["hts10"]: (r["description_full"] or r["description"] or "")
        for r in t.iter_rows(named=True)
    }


def country_models(state: Any, iso3: str, on: str | None, progress: Any = None) -> dict[str, Any]:
    """PE (the change from 2025-01-01 to the date, 2024 flows) and GE (the ILMS 2025 USTR scenario)
    results of one country. Both are cached; the first call takes a few seconds."""
    from tariffsim.core import countries

    say = progress or (lambda f, m: None)
    code = countries.resolve(iso3)
    day = parse_day(state, on)
    notes: list[str] = []
    pe_row = None
    if day > PE_BASE_START:
        say(0.1, "partial-equilibrium model")

        def pe() -> Any:
            from tariffsim.models.pe import run_pe

            return run_pe(start=PE_BASE_START, end=day, flows=state.flows).frame("partners")

        frame = state.cached(("pe-partners", day), pe)
        rows = frame.filter(frame["iso3"] == code).to_dicts()
        pe_row = rows[0] if rows else None
        if pe_row is None:
            notes.append("no PE row for this partner")
    else:
        notes.append(f"PE compares {PE_BASE_START} with the date; pick a later date")
    say(0.6, "general-equilibrium model")
    ge_row = ge_paper = None
    try:
        law = ge_law(state, day).frame("countries")
        rows = law.filter(law["iso3"] == code).to_dicts()
        ge_row = {"scenario": f"law on {day} (vs {GE_LAW_BASELINE})", **rows[0]} if rows else None

        def paper() -> Any:
            from tariffsim.models.ge_scenarios import run_scenario

            return run_scenario(GE_SCENARIO).frame("countries")

        frame = state.cached(("ge", GE_SCENARIO), paper)
        rows = frame.filter(frame["iso3"] == code).to_dicts()
        ge_paper = {"scenario": GE_SCENARIO, **rows[0]} if rows else None
        if ge_row is None:
            notes.append("the GE model has no row for this country")
    except TariffsimError as exc:  # GE data missing on this machine, or no convergence
        notes.append(f"GE unavailable: {exc}")
    say(1.0, "done")
    return plain(
        {
            "iso3": code,
            "date": day.isoformat(),
            "pe": pe_row,
            "ge": ge_row,
            "ge_paper": ge_paper,
            "notes": notes,
        }
    )


GE_LAW_BASELINE = dt.date(2025, 1, 1)


def ge_law(state: Any, day: dt.date, reform_path: str | None = None) -> Any:
    """The GE model (ILMS 2025 calibration, revenue cuts the income tax, no retaliation) solved for
    the US tariffs the law sets on ``day`` relative to 2025-01-01
    (:func:`tariffsim.models.law_tariffs.ge_tariffs_from_schedule`); the baseline law is cached
    per day, a reform is solved each time."""

    def solve() -> Any:
        from tariffsim.models import ge
        from tariffsim.models.ge_data import load_model
        from tariffsim.models.ge_scenarios import us_import_tariffs
        from tariffsim.models.law_tariffs import ge_tariffs_from_schedule

        model = load_model("baseline")
        rates = ge_tariffs_from_schedule(
            on=day, reform=reform_path, baseline=GE_LAW_BASELINE, iso3=model.iso3
        )
        eq = ge.solve(model, us_import_tariffs(model, rates), revenue="income_tax")
        return ge.make_result(model, eq, scenario=f"law_{day.isoformat()}")

    return solve() if reform_path is not None else state.cached(("ge-law", day), solve)


# --- negotiation ------------------------------------------------------------------------------


def negotiation_cases() -> list[str]:
    from tariffsim.negotiation.case import list_cases

    return list_cases()


def _case(case_id: str) -> Any:
    from tariffsim.negotiation.case import list_cases, load_case

    known = list_cases()
    if case_id not in known:  # never a path from a request
        raise InputError(
            f"unknown negotiation case {case_id!r}", hint=f"choose from {', '.join(known)}"
        )
    return load_case(case_id)


def negotiation_controls(case_id: str) -> dict[str, Any]:
    """The inputs a user may move: constituency weights, pivot σ, and every parameter with a
    [low, high] range (threat probabilities, elasticities …), with their bounds."""
    c = _case(case_id)
    controls: list[dict[str, Any]] = []
    for name, con in c.constituencies.items():
        w = float(con.weight)
        controls.append(
            {"name": f"weight:{name}", "label": f"weight of {name} ({con.party})", "group": "weights",
             "value": w, "low": 0.0, "high": max(1.0, 3.0 * w), "source": con.source}
        )  # fmt: skip
    for pv in c.pivots:
        s = pv.sigma
        lo = float(s.low) if s.low is not None else float(s.value) / 4
        hi = float(s.high) if s.high is not None else float(s.value) * 4
        controls.append(
            {"name": f"sigma:{pv.name}", "label": f"pivot σ of {pv.name} ({pv.party})", "group": "pivots",
             "value": float(s.value), "low": max(lo, 1e-6), "high": hi, "source": pv.source}
        )  # fmt: skip
    for name, p in c.parameters.items():
        if p.low is None or p.high is None:
            continue
        try:
            v = float(p.value)
        except (TypeError, ValueError):
            continue
        controls.append(
            {"name": name, "label": name, "group": "threat" if "threat" in name or "prob" in name else "parameters",
             "value": v, "low": float(p.low), "high": float(p.high), "source": p.source, "unit": p.unit}
        )  # fmt: skip
    return {
        "case": c.id,
        "title": c.title,
        "as_of": c.as_of.isoformat(),
        "parties": list(c.parties),
        "issues": [
            {
                "name": i.name,
                "unit": i.unit,
                "kind": i.kind,
                "levels": list(i.levels),
                "description": i.description,
            }
            for i in c.issues
        ],
        "controls": controls,
    }


def negotiation(
    case_id: str,
    overrides: dict[str, float],
    *,
    draws: int = 200,
    seed: int = 0,
    progress: Any = None,
) -> dict[str, Any]:
    """:func:`tariffsim.negotiation.analysis.analyze` of a case with overrides (checked against
    the controls' bounds), plus the frontier points and simulated deals for the charts."""
    from tariffsim.negotiation.analysis import analyze

    say = progress or (lambda f, m: None)
    if not 1 <= draws <= 5000:
        raise InputError(f"draws must be in [1, 5000], got {draws}")
    c = _case(case_id)
    bounds = {k["name"]: k for k in negotiation_controls(case_id)["controls"]}
    for name, v in overrides.items():
        if name not in bounds:
            raise InputError(
                f"unknown control {name!r} for case {case_id}",
                hint=f"controls: {', '.join(bounds)}",
            )
        b = bounds[name]
        if not (isinstance(v, int | float) and math.isfinite(v) and b["low"] <= v <= b["high"]):
            raise InputError(
                f"{name} = {v!r} is outside [{b['low']:g}, {b['high']:g}]",
                hint="move the control within its range",
            )
    say(0.1, "solving the case and simulating negotiations")
    case = c.with_values(overrides) if overrides else c
    r = analyze(case, draws=draws, seed=seed, with_sensitivity=False, with_tied_hands=False)
    say(0.9, "preparing the charts")
    pts = np.asarray(r.pareto_points, float)
    if len(pts) > 2000:
        pts = pts[np.linspace(0, len(pts) - 1, 2000).astype(int)]
    deals = np.asarray(r.deal_utilities, float)
    if len(deals) > 500:
        deals = deals[:500]
    out = r.to_json(full=True)
    out["case"] = c.id
    out["title"] = c.title
    out["parties"] = list(r.parties)
    out["issues"] = list(r.issues)
    out["overrides"] = dict(overrides)
    out["reservation"] = dict(r.reservation)
    out["pareto_points"] = pts.tolist()
    out["deal_utilities"] = deals.tolist()
    out["nash_utilities"] = r.nash_utilities
    out["ks_utilities"] = r.ks_utilities
    say(1.0, "done")
    return plain(out)
