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

from tariffsim.core.dates import Period
from tariffsim.core.errors import InputError, TariffsimError

GE_SCENARIO = "ustr_income_tax"
MAX_BATCH_ROWS = 200_000


SIGNIFICANT_DIGITS = 12


def rounded(obj: Any, digits: int = SIGNIFICANT_DIGITS) -> Any:
    """A copy with every float rounded to ``digits`` significant digits (NaN/inf → None).

    Binary floating point leaves noise in the last digits of sums and products
    (0.1 + 0.2 = 0.30000000000000004; 0.025 + 0.7 = 0.7250000000000001); twelve significant digits
    keep every figure the data can support (a dollar of a trillion, a rate to 1e-12) and drop it.
    """

    def fix(o: Any) -> Any:
        if isinstance(o, float):
            return float(f"{o:.{digits}g}") if math.isfinite(o) else None
        if isinstance(o, dict):
            return {k: fix(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [fix(v) for v in o]
        return o

    return fix(obj)


def plain(obj: Any) -> Any:
    """JSON-ready copy (numpy scalars/arrays, dates, tuples → JSON types; NaN/inf → None)."""
    from tariffsim.core.jsonable import default

    def fix(o: Any) -> Any:
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {str(k): fix(v) for k, v in o.items()}
        if isinstance(o, list):
            return [fix(v) for v in o]
        return o

    return fix(json.loads(json.dumps(obj, default=default)))


def parse_day(
    state: Any, text: str | None, field: str = "date", *, required: bool = False
) -> dt.date:
    """A date in the schedule's coverage.

    Not given (``None``): today clipped to the coverage, unless ``required``. Given but empty (a
    query ``?date=``): an error — a blank date never silently means another day.
    """
    from tariffsim.core.dates import parse_date

    lo, hi = state.schedule.coverage.start, state.schedule.coverage.last_day
    if text is None and not required:
        return min(max(dt.date.today(), lo), hi)
    if text is None or not str(text).strip():
        raise InputError(
            f"{field}: empty", hint=f"give a date from {lo} to {hi} (YYYY-MM-DD, e.g. 2025-04-05)"
        )
    d = parse_date(str(text).strip(), field=field)
    if not lo <= d <= hi:
        raise InputError(
            f"{field}: {d} is outside the schedule's coverage ({lo} to {hi})",
            hint=f"give a date from {lo} to {hi}",
        )
    return d


# --- rates ----------------------------------------------------------------------------------------


def rate(state: Any, origin: str, hs: str, on: str | None) -> dict[str, Any]:
    day = parse_day(state, on, required=True)
    return state.schedule.rate(origin, hs, day).to_dict()


def timeline(
    state: Any, origin: str, hs: str, start: str | None, end: str | None
) -> dict[str, Any]:
    s = state.schedule
    lo, hi = s.coverage.start, s.coverage.last_day
    d1 = parse_day(state, start, "from") if start else lo
    d2 = parse_day(state, end, "to") if end else hi
    span = Period.from_inclusive(d1, d2, fields=("from", "to"))
    rows = s.timeline(origin, hs, span.start, span.end)
    return {
        "origin": origin,
        "hs": hs,
        "from": d1.isoformat(),
        "to": d2.isoformat(),
        "rows": [r.to_dict() for r in rows],
    }


def last_day(start: str | dt.date, end: str | dt.date, coverage_end: dt.date) -> dt.date:
    """The inclusive last day of a half-open row ``[start, end)`` (``Period.last_day``), never past
    the coverage (the CLI's "to (incl.)" column)."""
    p = Period(_day(start), _day(end))
    return min(p.last_day, coverage_end)


def _day(d: str | dt.date) -> dt.date:
    return dt.date.fromisoformat(d) if isinstance(d, str) else d


def measures(state: Any, on: str) -> dict[str, Any]:
    day = parse_day(state, on)
    return {
        "date": day.isoformat(),
        "measures": [r.to_dict() for r in state.schedule.in_force(day)],
    }


class BadRowsError(InputError):
    """Bad rows of an uploaded table; ``rows`` lists every ``file:line: problem`` (the page shows
    them one per line, like the CLI's stderr)."""

    def __init__(self, message: str, *, where: str, hint: str, rows: list[str]) -> None:
        super().__init__(message, where=where, hint=hint)
        self.rows = rows
        n = len(rows)
        self.summary = f"{where}: {n} bad row{'s' if n > 1 else ''}; nothing written"


SKIP_HINT_API = "fix the rows, or add ?skip_invalid=true to rate only the good rows"


def rate_csv(
    state: Any,
    data: bytes,
    *,
    name: str = "upload.csv",
    skip_invalid: bool = False,
    skip_hint: str = SKIP_HINT_API,
) -> tuple[str, list[str]]:
    """Rate an uploaded CSV (``origin, hs, date[, value_usd, claim]``), each row an entry as in
    ``tariffsim rate --input`` (:func:`tariffsim.schedule.batch.rate_frame`) → (rated CSV text,
    skipped rows).

    Bad rows (unless ``skip_invalid``) → :class:`InputError` with the message of ``tariffsim rate
    --input`` ("N bad rows; nothing written", then each ``file:line: problem``) and ``skip_hint``,
    which names the control of the edge (the API's query parameter, the page's checkbox)."""
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
        raise BadRowsError(
            f"{len(errors)} bad row{'s' if len(errors) > 1 else ''}; nothing written: {shown}",
            where=name,
            hint=skip_hint,
            rows=errors,
        )
    return rounded(out).write_csv(), errors


def hs_search(
    state: Any, q: str, limit: int = 20, origin: str | None = None, on: str | None = None
) -> list[dict[str, Any]]:
    """The HS search of ``tariffsim search`` (:func:`tariffsim.duties.search.search_hs`): HTS10
    lines whose code starts with the digits of ``q``, or ranked by its words (BM25), as
    ``{hs, description (the line's text), path (headings › … › line), score}``, plus
    ``total_rate`` (fraction) when ``origin`` and ``on`` are given."""
    from tariffsim.duties.search import search_hs

    if (origin is None) != (on is None):
        raise InputError(
            "give both origin and date to rate the hits", hint="e.g. origin=JPN&date=2025-04-05"
        )
    day = parse_day(state, on, required=True) if on is not None else None
    hits = search_hs(q, limit=limit, origin=origin, on=day, schedule=state.schedule)
    out = []
    for h in hits:
        row: dict[str, Any] = {
            "hs": h.hs,
            "description": h.description,
            "path": h.path,
            "score": h.score,
        }
        if h.total_rate is not None:
            row["total_rate"] = h.total_rate
        out.append(row)
    return out


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
    d2 = parse_day(state, end, "to") if end else hi
    span = Period.from_inclusive(d1, d2, fields=("from", "to"))
    return state.etr.series_json(span)


# --- countries --------------------------------------------------------------------------------


def country(state: Any, iso3: str, on: str | None, *, top: int = 10) -> dict[str, Any]:
    """Exposure of a partner: 2024 imports, ETR on the date, top products with their rates, and
    its ETR timeline stacked by authority (every segment of the coverage)."""
    from tariffsim.core import countries

    code = countries.resolve(iso3)
    if countries.is_group(code):
        return group(state, code, on, top=top)
    if code == "USA":
        raise InputError(
            "the United States is the importer: the flows are US imports from its partners",
            hint="choose a trading partner, e.g. JPN, CHN or EU",
        )
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


def group(state: Any, code: str, on: str | None, *, top: int = 10) -> dict[str, Any]:
    """A group of partners (the EU's 27 members, USMCA …) as one, like ``etr --by group``: 2024
    imports and rank among partners with the group counted as one, its ETR and duty on the date
    (Σ duty / Σ imports over the members' rows), its timeline by authority, its top products
    (HTS10 lines summed over members: rate = Σ duty / Σ imports of the line) and each member's row."""
    from tariffsim.core import countries

    day = parse_day(state, on)
    members = set(countries.expand(code))
    g = state.etr.groups["partner"]
    cols = np.flatnonzero(np.isin(g.keys.astype(str), list(members)))
    if not len(cols):
        raise InputError(f"no 2024 US imports from any member of {code}", hint="try a country")
    seg = state.etr.segment(day)
    imp = float(g.imports_usd[cols].sum())
    duty = float(g.duty_usd[seg, cols].sum())
    others = np.delete(g.imports_usd, cols)
    rank = int((others > imp).sum()) + 1
    member_rows = []
    for j in cols[np.argsort(-g.imports_usd[cols])].tolist():
        m_imp = float(g.imports_usd[j])
        member_rows.append(
            {
                "iso3": str(g.keys[j]),
                "name": countries.name(str(g.keys[j])),
                "imports_usd": m_imp,
                "etr": float(g.duty_usd[seg, j]) / m_imp if m_imp > 0 else 0.0,
                "duty_usd": float(g.duty_usd[seg, j]),
            }
        )

    def products() -> list[dict[str, Any]]:
        f = state.flows
        rows = np.flatnonzero(np.isin(f.origin.astype(str), list(members)))
        hs = f.hs10[rows].astype(str)
        v = np.asarray(f.value_usd, float)[rows]
        lines, inv = np.unique(hs, return_inverse=True)
        by_line = np.bincount(inv, weights=v, minlength=len(lines))
        pick = np.argsort(-by_line)[:top]
        sel = rows[np.isin(inv, pick)]
        c = state.schedule.compile(
            hs10=f.hs10[sel],
            origin=f.origin[sel],
            start=day,
            end=day + dt.timedelta(days=1),
            shares={k: a[sel] for k, a in f.shares.items()},
        )
        r = np.asarray(c.at(day), float)
        vs = np.asarray(f.value_usd, float)[sel]
        hs_sel = f.hs10[sel].astype(str)
        desc = _descriptions(state, [str(lines[k]) for k in pick])
        out = []
        for k in pick.tolist():
            m = hs_sel == lines[k]
            d = float((r[m] * vs[m]).sum())
            out.append(
                {
                    "hs": str(lines[k]),
                    "description": desc.get(str(lines[k]), ""),
                    "imports_usd": float(by_line[k]),
                    "rate": d / float(by_line[k]) if by_line[k] > 0 else 0.0,
                    "duty_usd": d,
                }
            )
        return out

    prods = state.cached(("group-products", code, seg, top), products)
    timeline = []
    pba = state.etr.partner_by_authority  # (A, k, g)
    for s, (a, b) in enumerate(state.etr.segment_dates()):
        d_s = float(g.duty_usd[s, cols].sum())
        timeline.append(
            {
                "start": a.isoformat(),
                "end": b.isoformat(),
                "etr": d_s / imp if imp > 0 else 0.0,
                "by_authority": {
                    au: float(pba[i, s, cols].sum()) / imp if imp > 0 else 0.0
                    for i, au in enumerate(state.etr.authorities)
                },
            }
        )
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
        "timeline": timeline,
        "members": member_rows,
    }


def _descriptions(state: Any, codes: list[str]) -> dict[str, str]:
    import polars as pl

    t = state.hs.filter(pl.col("hts10").is_in(codes))
    return {
        r["hts10"]: (r["description_full"] or r["description"] or "")
        for r in t.iter_rows(named=True)
    }


def country_models(state: Any, iso3: str, on: str | None, progress: Any = None) -> dict[str, Any]:
    """PE (the change from the law the 2024 flows reflect, ``models.pe.BASELINE_DATE``, to the
    date) and GE (the law on the date vs ``models.law_tariffs.BASELINE``; and the ILMS 2025 USTR
    scenario) results of one country or group. Cached; the first call takes a few seconds."""
    from tariffsim.core import countries
    from tariffsim.models.law_tariffs import BASELINE as GE_LAW_BASELINE
    from tariffsim.models.pe import BASELINE_DATE as PE_BASE_START

    say = progress or (lambda f, m: None)
    code = countries.resolve(iso3)
    day = parse_day(state, on)
    members = list(countries.expand(code))
    notes: list[str] = []
    pe_row = None
    if day > PE_BASE_START:
        say(0.1, "partial-equilibrium model")

        def pe() -> Any:
            from tariffsim.models.pe import run_pe

            return run_pe(start=PE_BASE_START, end=day, flows=state.flows).frame("partners")

        frame = state.cached(("pe-partners", day), pe)
        pe_row = _pe_row(frame, code, members)
        if pe_row is None:
            notes.append("no PE row for this partner")
    else:
        notes.append(f"PE compares {PE_BASE_START} with the date; pick a later date")
    say(0.6, "general-equilibrium model")
    ge_row = ge_paper = None
    try:
        law = ge_law(state, day)
        row = _ge_row(law, code)
        ge_row = {"scenario": f"law on {day} (vs {GE_LAW_BASELINE})", **row} if row else None

        def paper() -> Any:
            from tariffsim.models.ge_scenarios import run_scenario

            return run_scenario(GE_SCENARIO)

        row = _ge_row(state.cached(("ge", GE_SCENARIO), paper), code)
        ge_paper = {"scenario": GE_SCENARIO, **row} if row else None
        if ge_row is None:
            notes.append(
                f"the GE model has no aggregate for {code}; see its members' pages"
                if countries.is_group(code)
                else "the GE model has no row for this country"
            )
        elif countries.is_group(code):
            notes.append(f"GE: the model's {code} region (its {len(members)} members as one)")
    except TariffsimError as exc:  # GE data missing on this machine, or no convergence
        notes.append(f"GE unavailable: {exc}")
    say(1.0, "done")
    return plain(
        {
            "iso3": code,
            "date": day.isoformat(),
            "pe": pe_row,
            "pe_from": PE_BASE_START.isoformat(),
            "ge_vs": GE_LAW_BASELINE.isoformat(),
            "ge": ge_row,
            "ge_paper": ge_paper,
            "notes": notes,
        }
    )


def _pe_row(frame: Any, code: str, members: list[str]) -> dict[str, Any] | None:
    """The PE partners row of a country, or of a group summed over its members (USD sums; the
    ETRs are Σ duty / Σ imports before and after)."""
    import polars as pl

    sub = frame.filter(pl.col("iso3").is_in(members))
    if sub.height == 0:
        return None
    if len(members) == 1:
        return dict(sub.to_dicts()[0])
    out: dict[str, Any] = {"iso3": code}
    for col in (
        "imports_usd_before",
        "imports_usd_after",
        "creation_usd",
        "diversion_usd",
        "duty_usd_before",
        "duty_usd_after",
        "change_usd",
    ):
        out[col] = float(sub[col].sum())
    out["etr_before"] = out["duty_usd_before"] / out["imports_usd_before"]
    out["etr_after"] = out["duty_usd_after"] / out["imports_usd_after"]
    return out


def _ge_row(result: Any, code: str) -> dict[str, Any] | None:
    """The GE ``countries`` row of a country, or the ``regions`` row of a group the model
    aggregates itself (the EU)."""
    import polars as pl

    frame = result.frame("countries")
    rows = frame.filter(pl.col("iso3") == code).to_dicts()
    if rows:
        return dict(rows[0])
    regions = result.frames.get("regions")
    if regions is not None:
        rows = regions.filter(pl.col("region") == code).to_dicts()
        if rows:
            return {"iso3": code, **rows[0]}
    return None


def ge_law(state: Any, day: dt.date, reform_path: str | None = None) -> Any:
    """The GE model solved for the US tariffs the law sets on ``day`` relative to the GE baseline
    date (:func:`tariffsim.models.ge_scenarios.law_scenario`: ILMS 2025 calibration, revenue cuts
    the income tax, no retaliation — the ``tariffsim ge run --on`` scenario); the law's is cached
    per day, a reform is solved each time."""
    from tariffsim.models.ge_scenarios import law_scenario

    if reform_path is not None:
        return law_scenario(day, reform=reform_path)
    return state.cached(("ge-law", day), lambda: law_scenario(day))


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
    """The inputs a user may move, each with its unit and a line of help from the case's parameter
    metadata: constituency weights, each ratification pivot's σ, and every ranged parameter that is
    not derived from another (threat probabilities, pass-through, valuations …), with its bounds."""
    c = _case(case_id)
    controls: list[dict[str, Any]] = []
    for name, con in c.constituencies.items():
        w = float(con.weight)
        controls.append(
            {"name": f"weight:{name}", "label": f"weight of {name.replace('_', ' ')} ({con.party})",
             "group": "weights", "value": w, "low": 0.0, "high": max(1.0, 3.0 * w),
             "source": con.source, "unit": "× its stakes in the objective",
             "help": getattr(con, "note", "") or "How much this constituency's stakes count in "
             f"{con.party}'s objective (the case's value: {w:g})."}
        )  # fmt: skip
    pivot_params = set()
    for pv in c.pivots:
        s = pv.sigma
        pivot_params.add(getattr(s, "name", None))
        lo = float(s.low) if s.low is not None else float(s.value) / 4
        hi = float(s.high) if s.high is not None else float(s.value) * 4
        controls.append(
            {"name": f"sigma:{pv.name}", "label": f"σ of the {pv.name.replace('_', ' ')} pivot ({pv.party})",
             "group": "pivots", "value": float(s.value), "low": max(lo, 1e-6), "high": hi,
             "source": pv.source, "unit": getattr(s, "unit", "") or "",
             "help": getattr(s, "help", "") or "Uncertainty about the line this veto player needs."}
        )  # fmt: skip
    for name, p in c.parameters.items():
        if p.low is None or p.high is None or getattr(p, "derived", None) or name in pivot_params:
            continue
        try:
            v = float(p.value)
        except (TypeError, ValueError):
            continue
        controls.append(
            {"name": name, "label": name.replace("_", " "),
             "group": "threat" if "threat" in name or "prob" in name else "parameters",
             "value": v, "low": float(p.low), "high": float(p.high), "source": p.source,
             "unit": p.unit, "help": getattr(p, "help", "") or ""}
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
    with_sensitivity: bool = False,
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
    if with_sensitivity:
        say(0.1, "solving the case at each parameter's low and high value, then simulating")
    r = analyze(
        case, draws=draws, seed=seed, with_sensitivity=with_sensitivity, with_tied_hands=False
    )
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
