"""HTML routes: full pages (``/``, ``/etr``, ``/country/…``, ``/scenario``, ``/negotiation/…``) and
the HTMX partials they swap in (``/ui/...``). Templates live in ``templates/``; charts are Vega-Lite
specs from :mod:`tariffsim.web.charts`, rendered in the browser by ``static/app.js``.

Every page works without JavaScript for its main answer (forms submit with GET and the server renders
the result); HTMX makes them update in place, and long computations are jobs polled every 0.5 s.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from tariffsim.web import charts
from tariffsim.web import services as svc

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

NAV = [
    ("/", "Rate lookup"),
    ("/etr", "Effective rates"),
    ("/country", "Countries"),
    ("/scenario", "Scenario"),
    ("/negotiation", "Negotiation"),
]

Q = Annotated[str | None, Query(max_length=100)]


def pct(x: Any, digits: int = 2) -> str:
    if x is None:
        return "–"
    return f"{100 * float(x):.{digits}f}%"


def usd(x: Any) -> str:
    if x is None:
        return "–"
    x = float(x)
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.1f} bn"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.1f} m"
    if a < 0.5:
        return "$0"
    return f"{sign}${a:,.0f}"


def num(x: Any, digits: int = 2) -> str:
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    return f"{float(x):,.{digits}f}"


def level(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if unit == "fraction":
        return f"{100 * float(v):.1f}%"
    if unit == "t/yr":
        return f"{float(v):,.0f} t"
    return f"{float(v):,.4g} {unit}"


templates.env.filters.update(pct=pct, usd=usd, num=num, level=level)
templates.env.globals["nav"] = NAV


def _state(request: Request) -> Any:
    return request.app.state.tariffsim


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    st = _state(request)
    lo, hi = st.schedule.coverage.start, st.schedule.coverage.last_day
    base = {"coverage": (lo.isoformat(), hi.isoformat()), "path": request.url.path}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def error_page(
    request: Request, message: str, hint: str | None, *, status: int = 422
) -> HTMLResponse:
    return render(request, "error.html", status=status, message=message, hint=hint)


def error_partial(request: Request, message: str, hint: str | None) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "partials/error.html", {"message": message, "hint": hint}
    )


def _default_day(request: Request, text: str | None) -> str:
    return svc.parse_day(_state(request), text).isoformat()


# --- rate lookup ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def rate_page(request: Request, origin: Q = None, hs: Q = None, date: Q = None) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "origin": origin or "JPN",
        "hs": hs or "8703230190",
        "date": date or "2025-04-05",
    }
    if origin and hs:
        ctx.update(_rate_ctx(request, origin, hs, date or ctx["date"]))
    ctx["countries"] = svc.countries_list()
    return render(request, "rate.html", **ctx)


def _rate_ctx(request: Request, origin: str, hs: str, date: str) -> dict[str, Any]:
    st = _state(request)
    r = svc.rate(st, origin, hs, date)
    tl = svc.timeline(st, origin, hs, None, None)
    auths = list(st.etr.authorities)
    rows = [
        {"start": row["start"], "by_authority": _by_auth(row["measures"])} for row in tl["rows"]
    ]
    spec = charts.stacked_steps(
        rows,
        auths,
        title=f"Rate of {r['origin']} {r['hs']} over time",
        end=tl["rows"][-1]["end"] if tl["rows"] else None,
    )
    return {"result": r, "timeline": tl, "timeline_spec": spec}


def _by_auth(parts: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in parts:
        out[p["authority"]] = out.get(p["authority"], 0.0) + p["rate"]
    return out


@router.get("/ui/rate", response_class=HTMLResponse)
def rate_partial(
    request: Request,
    origin: Annotated[str, Query(max_length=64)],
    hs: Annotated[str, Query(max_length=20)],
    date: Annotated[str, Query(max_length=32)],
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "partials/rate_result.html", _rate_ctx(request, origin, hs, date)
    )


@router.get("/ui/hs-search", response_class=HTMLResponse)
def hs_partial(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    hs: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    q = q or hs
    if q.replace(".", "").strip().isdigit() and len(q.replace(".", "").strip()) == 10:
        q = ""  # a full code: nothing to suggest
    hits = svc.hs_search(_state(request), q, 12) if len(q.strip()) >= 2 else []
    return templates.TemplateResponse(request, "partials/hs_hits.html", {"hits": hits, "q": q})


# --- effective tariff rates -------------------------------------------------------------------


@router.get("/etr", response_class=HTMLResponse)
def etr_page(request: Request, date: Q = None) -> HTMLResponse:
    st = _state(request)
    day = _default_day(request, date or "2025-04-10")
    rows = [
        {
            "start": a.isoformat(),
            "by_authority": {
                au: float(st.etr.duty_by_authority[s, j]) / st.etr.imports_usd
                for j, au in enumerate(st.etr.authorities)
            },
        }
        for s, (a, _) in enumerate(st.etr.segment_dates())
    ]
    spec = charts.stacked_steps(
        rows,
        list(st.etr.authorities),
        title="ETR on 2024 US imports, by authority",
        end=(st.etr.end - dt.timedelta(days=1)).isoformat(),
    )
    return render(request, "etr.html", series_spec=spec, date=day, **_etr_ctx(request, day))


def _etr_ctx(request: Request, day: str) -> dict[str, Any]:
    st = _state(request)
    res = svc.etr(st, day, None, None)
    d = dt.date.fromisoformat(res["date"])
    seg = st.etr.segment(d)
    partner = st.etr.by("partner", seg)[:20]
    chapter = st.etr.by("chapter", seg)[:20]
    auth = st.etr.by("authority", seg)
    from tariffsim.core import countries

    for r in partner:
        try:
            r["name"] = countries.name(r["key"])
        except Exception:
            r["name"] = r["key"]
    return {
        "res": res,
        "by_partner": partner,
        "by_chapter": chapter,
        "by_authority": auth,
        "partner_spec": charts.bars(
            partner,
            field="etr",
            label="partner",
            title=f"ETR by partner on {res['date']} (top 20 by duty)",
        ),
        "chapter_spec": charts.bars(
            chapter,
            field="etr",
            label="HS chapter",
            title=f"ETR by chapter on {res['date']} (top 20 by duty)",
        ),
    }


@router.get("/ui/etr", response_class=HTMLResponse)
def etr_partial(request: Request, date: Annotated[str, Query(max_length=32)]) -> HTMLResponse:
    ctx = _etr_ctx(request, date)
    return templates.TemplateResponse(request, "partials/etr_date.html", ctx)


# --- countries --------------------------------------------------------------------------------


@router.get("/country", response_class=HTMLResponse)
def country_index(request: Request, iso3: Q = None, date: Q = None) -> HTMLResponse:
    if iso3:
        from tariffsim.core import countries

        code = countries.resolve(iso3)
        return RedirectResponse(
            f"/country/{code}" + (f"?date={date}" if date else ""), status_code=303
        )
    st = _state(request)
    g = st.etr.groups["partner"]
    seg = st.etr.segment(svc.parse_day(st, "2025-08-07"))
    top = st.etr.by("partner", seg)
    top.sort(key=lambda r: -r["imports_usd"])
    from tariffsim.core import countries

    rows = []
    for r in top[:40]:
        if not r["key"]:
            continue
        try:
            name = countries.name(r["key"])
        except Exception:
            continue
        rows.append({**r, "name": name})
    _ = g
    return render(
        request, "country_index.html", rows=rows, countries=svc.countries_list(), date="2025-08-07"
    )


@router.get("/country/{iso3}", response_class=HTMLResponse)
def country_page(request: Request, iso3: str, date: Q = None) -> HTMLResponse:
    st = _state(request)
    day = _default_day(request, date or "2025-08-07")
    c = svc.country(st, iso3[:64], day)
    rows = [{"start": r["start"], "by_authority": r["by_authority"]} for r in c["timeline"]]
    spec = charts.stacked_steps(
        rows,
        list(st.etr.authorities),
        title=f"ETR on 2024 imports from {c['name']}, by authority",
        end=c["timeline"][-1]["end"] if c["timeline"] else None,
    )
    return render(
        request, "country.html", c=c, timeline_spec=spec, date=day, countries=svc.countries_list()
    )


@router.post("/ui/country-models/{iso3}", response_class=HTMLResponse)
def country_models_start(
    request: Request, iso3: str, date: Annotated[str, Form(max_length=32)]
) -> HTMLResponse:
    st = _state(request)
    svc.parse_day(st, date)
    job = request.app.state.jobs.submit(
        "country-models", lambda p: svc.country_models(st, iso3[:64], date, p)
    )
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})


# --- scenario ---------------------------------------------------------------------------------


@router.get("/scenario", response_class=HTMLResponse)
def scenario_page(request: Request) -> HTMLResponse:
    st = _state(request)
    mids = sorted(st.schedule.spec.measures)
    return render(request, "scenario.html", measures=mids, countries=svc.countries_list())


@router.post("/ui/scenario", response_class=HTMLResponse)
def scenario_start(
    request: Request,
    date: Annotated[str, Form(max_length=32)],
    mode: Annotated[str, Form(max_length=16)] = "edits",
    origin: Annotated[str, Form(max_length=64)] = "",
    rate_pct: Annotated[str, Form(max_length=32)] = "",
    start: Annotated[str, Form(max_length=32)] = "",
    end: Annotated[str, Form(max_length=32)] = "",
    exempt_measure: Annotated[str, Form(max_length=80)] = "",
    exempt_products: Annotated[str, Form(max_length=2000)] = "",
    move_measure: Annotated[str, Form(max_length=80)] = "",
    move_from: Annotated[str, Form(max_length=32)] = "",
    move_to: Annotated[str, Form(max_length=32)] = "",
    reform_yaml: Annotated[str, Form(max_length=200_000)] = "",
    with_pe: Annotated[str, Form(max_length=8)] = "",
    with_ge: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    from tariffsim.core.errors import InputError
    from tariffsim.web import schemas as S
    from tariffsim.web.api import _scenario_text, run_scenario

    st = _state(request)
    edits: list[Any] = []
    if mode != "yaml":
        if origin.strip() and rate_pct.strip():
            try:
                r = float(rate_pct) / 100.0
            except ValueError:
                raise InputError(
                    f"rate {rate_pct!r} is not a number", hint="a percentage, e.g. 10"
                ) from None
            edits.append(
                S.CountryRateEdit(origin=origin, rate=r, start=start or date, end=end or None)
            )
        if exempt_measure.strip() and exempt_products.strip():
            prods = [p for p in exempt_products.replace(",", " ").split() if p]
            edits.append(S.ExemptEdit(measure=exempt_measure, products=prods))
        if move_measure.strip() and move_from.strip() and move_to.strip():
            edits.append(S.MoveDateEdit(measure=move_measure, from_date=move_from, to_date=move_to))
    req = S.ScenarioRequest(
        date=date,
        reform_yaml=reform_yaml if mode == "yaml" else None,
        edits=edits,
        with_pe=bool(with_pe),
        with_ge=bool(with_ge),
    )
    _scenario_text(st, req)
    svc.parse_day(st, date)
    job = request.app.state.jobs.submit("scenario", lambda p: run_scenario(st, req, p))
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})


# --- negotiation ------------------------------------------------------------------------------


@router.get("/negotiation", response_class=HTMLResponse)
def negotiation_index(request: Request) -> HTMLResponse:
    cases = svc.negotiation_cases()
    if len(cases) >= 1:
        return RedirectResponse(f"/negotiation/{cases[0]}", status_code=303)
    return render(request, "error.html", message="no negotiation cases installed", hint=None)


@router.get("/negotiation/{case}", response_class=HTMLResponse)
def negotiation_page(request: Request, case: str) -> HTMLResponse:
    ctl = svc.negotiation_controls(case[:100])
    return render(request, "negotiation.html", ctl=ctl, cases=svc.negotiation_cases())


@router.post("/ui/negotiation/{case}", response_class=HTMLResponse)
async def negotiation_start(request: Request, case: str) -> HTMLResponse:
    from tariffsim.core.errors import InputError

    form = await request.form()
    ctl = svc.negotiation_controls(case[:100])
    overrides: dict[str, float] = {}
    for c in ctl["controls"]:
        raw = form.get(c["name"])
        if raw is None or raw == "":
            continue
        try:
            v = float(str(raw))
        except ValueError:
            raise InputError(f"{c['name']}: {raw!r} is not a number") from None
        # a range input snaps to its step ((high − low)/100): within half a step is "unchanged"
        if abs(v - c["value"]) > (c["high"] - c["low"]) / 200 + 1e-12:
            overrides[c["name"]] = v
    try:
        draws = int(str(form.get("draws") or 200))
    except ValueError:
        raise InputError("draws must be a whole number") from None
    draws = max(1, min(draws, 5000))
    job = request.app.state.jobs.submit(
        "negotiation",
        lambda p: svc.negotiation(case[:100], overrides, draws=draws, seed=0, progress=p),
    )
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})


# --- jobs ---------------------------------------------------------------------------------------


@router.get("/ui/jobs/{job_id}", response_class=HTMLResponse)
def job_partial(request: Request, job_id: str) -> HTMLResponse:
    job = request.app.state.jobs.get(job_id[:40])
    if job is None:
        return error_partial(request, f"no job {job_id!r}", "start it again")
    d = job.to_dict()
    if d["status"] == "error":
        return error_partial(request, d["error"]["detail"], d["error"].get("hint"))
    if d["status"] != "done":
        return templates.TemplateResponse(request, "partials/job.html", {"job": d})
    res = d["result"]
    if job.kind == "scenario":
        ctx = {
            "s": res,
            "partner_spec": charts.compare_bars(
                res["by_partner"],
                title="ETR by partner: baseline vs scenario (largest changes in duty)",
            ),
            "auth_spec": charts.compare_bars(
                res["by_authority"], title="Points of ETR by authority"
            ),
        }
        return templates.TemplateResponse(request, "partials/scenario_result.html", ctx)
    if job.kind == "negotiation":
        return templates.TemplateResponse(
            request,
            "partials/negotiation_result.html",
            {"r": res, "pareto_spec": charts.pareto(res), "deal_spec": charts.deal_ranges(res)},
        )
    if job.kind == "country-models":
        return templates.TemplateResponse(request, "partials/country_models.html", {"m": res})
    return error_partial(request, f"unknown job kind {job.kind}", None)
