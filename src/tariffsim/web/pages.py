"""HTML routes: full pages (``/``, ``/etr``, ``/country/…``, ``/scenario``, ``/negotiation/…``) and
the HTMX partials they swap in (``/ui/...``). Templates live in ``templates/``; charts are Vega-Lite
specs from :mod:`tariffsim.web.charts`, rendered in the browser by ``static/app.js``.

Three rules:

* **Every page works without JavaScript.** Forms submit with GET (POST for the CSV upload and a
  reform YAML) and the server renders the answer into the page; HTMX only makes them update in
  place, and long computations become jobs polled every 0.5 s.
* **Every result has a URL.** A page's query string holds its inputs (``/?origin=JPN&hs=…&date=…``,
  ``/etr?date=…``, ``/scenario?date=…&origin=…``, ``/negotiation/CASE?run=1&…``); a GET of it
  renders the same result, and HTMX answers push that URL into the address bar (``HX-Push-Url``),
  so a result can be bookmarked, reloaded and shared.
* **Errors are pages, not JSON.** A user's mistake re-renders the page with the form as typed and
  the library's own message (the CLI's words) and a hint naming the page's controls, status 422.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tariffsim.core.errors import InputError
from tariffsim.core.palette import authority_label, order_authorities
from tariffsim.data.hts_chapters import chapter_label, chapter_title
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
    ("/wave", "Wave"),
]
DEFAULTS = {"origin": "JPN", "hs": "8703230190", "rate_date": "2025-04-05"}
ETR_DATE = "2025-04-10"
COUNTRY_DATE = "2025-08-07"
SKIP_HINT_PAGE = "fix the rows, or tick “skip invalid rows” to rate only the good rows"

Q = Annotated[str | None, Query(max_length=100)]


# --- formatting filters -------------------------------------------------------------------------


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


def clip(text: Any, n: int = 160) -> str:
    """The start of ``text`` up to ``n`` characters, cut at a word boundary (``…`` appended)."""
    t = str(text or "")
    if len(t) <= n:
        return t
    head = t[: n + 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > n // 2 else t[:n]).rstrip(" ,;›") + " …"


def tail(text: Any, n: int = 160) -> str:
    """The end of ``text`` (the most specific part of an HTS description path) up to ``n``
    characters, starting at a word boundary (``…`` prepended) — never mid-word."""
    t = str(text or "")
    if len(t) <= n:
        return t
    end = t[-(n + 1) :]
    cut = end.find(" ")
    return "… " + (end[cut + 1 :] if 0 <= cut < n // 2 else t[-n:]).lstrip(" ,;›")


def hs_dotted(code: Any) -> str:
    """``8703230190`` → ``8703.23.01.90``."""
    c = str(code)
    if len(c) != 10 or not c.isdigit():
        return c
    return f"{c[:4]}.{c[4:6]}.{c[6:8]}.{c[8:]}"


def cname(code: Any) -> str:
    """A partner's name for its ISO3 code (the code itself when unknown)."""
    from tariffsim.core import countries

    try:
        return countries.name(str(code))
    except InputError:
        return str(code)


def section_label(roman: Any) -> str:
    from tariffsim.duties.sections import SECTION_TITLES

    r = str(roman)
    return f"{r} {SECTION_TITLES[r]}" if r in SECTION_TITLES else r


templates.env.filters.update(
    pct=pct,
    usd=usd,
    num=num,
    level=level,
    clip=clip,
    tail=tail,
    hs_dotted=hs_dotted,
    cname=cname,
    chapter=chapter_label,
    chapter_title=chapter_title,
    section=section_label,
    authority=authority_label,
)
templates.env.globals["nav"] = NAV


def _state(request: Request) -> Any:
    return request.app.state.tariffsim


def _coverage(st: Any) -> tuple[str, str] | None:
    if st is None or st.schedule is None:
        return None
    lo, hi = st.schedule.coverage.start, st.schedule.coverage.last_day
    return (lo.isoformat(), hi.isoformat())


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    base = {"coverage": _coverage(_state(request)), "path": request.url.path}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def error_page(
    request: Request, message: str, hint: str | None, *, status: int = 422
) -> HTMLResponse:
    return render(request, "error.html", status=status, error=_error(message, hint))


def error_html(message: str, hint: str | None, *, title: str = "That did not work") -> str:
    """An error page without a request (the body-size limit answers before any route runs)."""
    from tariffsim.web.state import STATE

    return templates.env.get_template("error.html").render(
        coverage=_coverage(STATE), path="", title=title, error=_error(message, hint)
    )


def error_partial(request: Request, message: str, hint: str | None) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "partials/error.html", {"error": _error(message, hint)}
    )


def _error(message: str, hint: str | None, rows: list[str] | None = None) -> dict[str, Any]:
    shown = rows[:50] if rows else None
    more = len(rows) - 50 if rows and len(rows) > 50 else 0
    return {"message": message, "hint": hint, "rows": shown, "more": more}


def _exc(exc: InputError, hint: str | None = None) -> dict[str, Any]:
    """The template's error box for an exception (``hint`` replaces the library's when the
    library names a CLI option or API parameter the page does not have)."""
    rows = getattr(exc, "rows", None)
    msg = exc.summary if isinstance(exc, svc.BadRowsError) else str(exc)  # rows listed below it
    return _error(msg, hint if hint is not None else exc.hint, rows)


def page_url(path: str, params: dict[str, Any]) -> str:
    """``path?query`` with the non-empty parameters, in the given order."""
    q = [(k, str(v)) for k, v in params.items() if v not in (None, "", False)]
    return path + ("?" + urlencode(q) if q else "")


def _pushed(resp: Response, url: str | None) -> Response:
    """Tell HTMX to put the result's URL in the address bar."""
    if url:
        resp.headers["HX-Push-Url"] = url
    return resp


def _partial(request: Request, name: str, ctx: dict[str, Any], url: str | None = None) -> Response:
    return _pushed(templates.TemplateResponse(request, name, ctx), url)


# --- rate lookup --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def rate_page(request: Request, origin: Q = None, hs: Q = None, date: Q = None) -> HTMLResponse:
    asked = origin is not None or hs is not None or date is not None
    ctx: dict[str, Any] = {
        "origin": origin if origin is not None else DEFAULTS["origin"],
        "hs": hs if hs is not None else DEFAULTS["hs"],
        "date": date if date is not None else DEFAULTS["rate_date"],
        "countries": svc.countries_list(),
        "example": not asked,
    }
    status = 200
    try:
        ctx.update(_rate_ctx(request, ctx["origin"], ctx["hs"], ctx["date"]))
    except InputError as exc:
        ctx["error"] = _exc(exc)
        status = 422
    return render(request, "rate.html", status, **ctx)


def _resolve_hs(request: Request, text: str) -> tuple[str, dict[str, Any] | None]:
    """The HTS code of the HS box: digits as typed (the engine checks them); words → the best
    hit of the HS search (and the other hits, to show)."""
    t = text.strip()
    if not any(ch.isalpha() for ch in t):
        return t, None
    hits = svc.hs_search(_state(request), t, 8)
    if not hits:
        raise InputError(
            f"no HTS line matches {t!r}",
            hint="type the code's digits (e.g. 8703.23.01.90) or other words (e.g. passenger cars)",
        )
    return hits[0]["hs"], {"query": t, "hits": hits}


def _rate_ctx(request: Request, origin: str, hs: str, date: str) -> dict[str, Any]:
    st = _state(request)
    code, picked = _resolve_hs(request, hs)
    r = svc.rate(st, origin, code, date)
    tl = svc.timeline(st, origin, code, None, None)
    auths = order_authorities(st.etr.authorities)
    hi = st.schedule.coverage.last_day
    rows = []
    for row in tl["rows"]:
        rows.append(
            {
                **row,
                "to": svc.last_day(row["start"], row["end"], hi).isoformat(),
                "by_authority": _by_auth(row["measures"]),
            }
        )
    spec = charts.stacked_steps(
        rows,
        auths,
        title=f"Rate of {r['origin']} {hs_dotted(r['hs'])} over time",
        end=rows[-1]["to"] if rows else None,
    )
    url = page_url("/", {"origin": origin, "hs": r["hs"], "date": r["date"]})
    return {
        "result": r,
        "timeline_rows": rows,
        "timeline_spec": spec,
        "picked": picked,
        "result_url": url,
        "hs": r["hs"] if picked else hs,
    }


def _by_auth(parts: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in parts:
        out[p["authority"]] = out.get(p["authority"], 0.0) + p["rate"]
    return out


@router.get("/ui/rate", response_class=HTMLResponse)
def rate_partial(
    request: Request,
    origin: Annotated[str, Query(max_length=64)] = "",
    hs: Annotated[str, Query(max_length=100)] = "",
    date: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    try:
        ctx = _rate_ctx(request, origin, hs, date)
    except InputError as exc:
        return templates.TemplateResponse(request, "partials/error.html", {"error": _exc(exc)})
    return _partial(request, "partials/rate_result.html", ctx, ctx["result_url"])


@router.get("/ui/hs-search", response_class=HTMLResponse)
def hs_partial(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    hs: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    q = q or hs
    digits = q.replace(".", "").strip()
    if digits.isdigit() and len(digits) == 10:
        q = ""  # a full code: nothing to suggest
    hits: list[dict[str, Any]] = []
    if len(q.strip()) >= 2:
        with contextlib.suppress(InputError):  # no words to search for (e.g. "--"): no hints
            hits = svc.hs_search(_state(request), q, 12)
    return templates.TemplateResponse(request, "partials/hs_hits.html", {"hits": hits, "q": q})


@router.post("/upload", response_class=HTMLResponse)
def rate_upload(
    request: Request,
    file: UploadFile,
    skip_invalid: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """The page's CSV upload: the rated CSV as a download, or the page with the error (the same
    message as ``tariffsim rate --input``; the hint names the page's checkbox)."""
    st = _state(request)
    name = _upload_name(file.filename)
    try:
        text, skipped = svc.rate_csv(
            st,
            file.file.read(),
            name=name,
            skip_invalid=bool(skip_invalid),
            skip_hint=SKIP_HINT_PAGE,
        )
    except InputError as exc:
        ctx = {
            "origin": DEFAULTS["origin"],
            "hs": DEFAULTS["hs"],
            "date": DEFAULTS["rate_date"],
            "countries": svc.countries_list(),
            "batch_error": _exc(exc),
            "skip_invalid": bool(skip_invalid),
        }
        return render(request, "rate.html", 422, **ctx)
    stem = name.rsplit(".", 1)[0] or "entries"
    headers = {
        "Content-Disposition": f'attachment; filename="{stem}-rated.csv"',
        "X-Skipped-Rows": str(len(skipped)),
    }
    return Response(text, media_type="text/csv", headers=headers)


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name for messages: its last path part, printable, ≤ 80 chars."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:80].strip()
    return clean or "upload.csv"


# --- effective tariff rates -----------------------------------------------------------------------


@router.get("/etr", response_class=HTMLResponse)
def etr_page(request: Request, date: Q = None) -> HTMLResponse:
    st = _state(request)
    auths = order_authorities(st.etr.authorities)
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
        auths,
        title="ETR on 2024 US imports, by authority",
        end=st.schedule.coverage.last_day.isoformat(),
    )
    text = date if date is not None else ETR_DATE
    ctx: dict[str, Any] = {"series_spec": spec, "date": text}
    try:
        ctx.update(_etr_ctx(request, text))
    except InputError as exc:
        return render(request, "etr.html", 422, error=_exc(exc), **ctx)
    return render(request, "etr.html", **ctx)


def _etr_ctx(request: Request, day: str) -> dict[str, Any]:
    st = _state(request)
    res = svc.etr(st, day, None, None)
    d = dt.date.fromisoformat(res["date"])
    seg = st.etr.segment(d)
    partner = st.etr.by("partner", seg)[:20]
    chapter = st.etr.by("chapter", seg)[:20]
    section = st.etr.by("section", seg)
    auth = st.etr.by("authority", seg)
    for r in partner:
        r["name"] = cname(r["key"])
    chart_chapters = [{**r, "key": chapter_label(r["key"])} for r in chapter]
    chart_partners = [{**r, "key": f"{r['name']} ({r['key']})"} for r in partner]
    return {
        "res": res,
        "date": res["date"],
        "by_partner": partner,
        "by_chapter": chapter,
        "by_section": section,
        "by_authority": auth,
        "partner_spec": charts.bars(
            chart_partners,
            field="etr",
            label="partner",
            title=f"ETR by partner on {res['date']} (top 20 by duty)",
        ),
        "chapter_spec": charts.bars(
            chart_chapters,
            field="etr",
            label="HS chapter",
            title=f"ETR by chapter on {res['date']} (top 20 by duty)",
        ),
        "result_url": page_url("/etr", {"date": res["date"]}),
    }


@router.get("/ui/etr", response_class=HTMLResponse)
def etr_partial(request: Request, date: Annotated[str, Query(max_length=32)] = "") -> Response:
    try:
        ctx = _etr_ctx(request, date)
    except InputError as exc:
        return templates.TemplateResponse(request, "partials/error.html", {"error": _exc(exc)})
    return _partial(request, "partials/etr_date.html", ctx, ctx["result_url"])


# --- countries (and groups: the EU as one) --------------------------------------------------------


def _index_ctx(request: Request) -> dict[str, Any]:
    st = _state(request)
    seg = st.etr.segment(svc.parse_day(st, COUNTRY_DATE))
    top = st.etr.by("partner", seg)
    top.sort(key=lambda r: -r["imports_usd"])
    rows = [{**r, "name": cname(r["key"])} for r in top[:40] if r["key"]]
    eu = svc.group(st, "EU", COUNTRY_DATE, top=0)
    return {"rows": rows, "eu": eu, "countries": svc.countries_list(), "date": COUNTRY_DATE}


@router.get("/country", response_class=HTMLResponse)
def country_index(request: Request, iso3: Q = None, date: Q = None) -> Response:
    if iso3 is not None:
        from tariffsim.core import countries

        try:
            code = countries.resolve(iso3)
        except InputError as exc:
            return render(
                request,
                "country_index.html",
                422,
                error=_exc(exc),
                typed=iso3,
                **_index_ctx(request),
            )
        return RedirectResponse(page_url(f"/country/{code}", {"date": date}), status_code=303)
    return render(request, "country_index.html", **_index_ctx(request))


@router.get("/country/{iso3}", response_class=HTMLResponse)
def country_page(request: Request, iso3: str, date: Q = None, models: Q = None) -> HTMLResponse:
    """A partner's page; a group (``/country/EU``) is shown as one partner with its members."""
    st = _state(request)
    text = date if date is not None else COUNTRY_DATE
    try:
        c = svc.country(st, iso3[:64], text)
    except InputError as exc:
        ctx = _index_ctx(request)
        return render(request, "country_index.html", 422, error=_exc(exc), typed=iso3[:64], **ctx)
    auths = order_authorities(st.etr.authorities)
    spec = charts.stacked_steps(
        [{"start": r["start"], "by_authority": r["by_authority"]} for r in c["timeline"]],
        auths,
        title=f"ETR on 2024 imports from {c['name']}, by authority",
        end=svc.last_day(
            c["timeline"][-1]["start"], c["timeline"][-1]["end"], st.schedule.coverage.last_day
        ).isoformat()
        if c["timeline"]
        else None,
    )
    m = None
    if models:  # without JavaScript: the model results computed for this request
        m = svc.country_models(st, c["iso3"], c["date"])
    return render(
        request,
        "country.html",
        c=c,
        timeline_spec=spec,
        date=c["date"],
        countries=svc.countries_list(),
        m=m,
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


# --- scenario -------------------------------------------------------------------------------------

SCENARIO_FIELDS = (
    "date",
    "mode",
    "origin",
    "rate_pct",
    "start",
    "end",
    "exempt_measure",
    "exempt_products",
    "move_measure",
    "move_from",
    "move_to",
    "with_pe",
    "with_ge",
)


def _scenario_request(st: Any, f: dict[str, str]) -> Any:
    """The :class:`~tariffsim.web.schemas.ScenarioRequest` of the page's form fields."""
    from pydantic import ValidationError

    from tariffsim.web import schemas as S
    from tariffsim.web.api import _scenario_text

    mode = f.get("mode") or "edits"
    date = f.get("date", "")
    edits: list[Any] = []
    try:
        if mode != "yaml":
            origin, rate_pct = f.get("origin", "").strip(), f.get("rate_pct", "").strip()
            if origin and rate_pct:
                try:
                    r = float(rate_pct) / 100.0
                except ValueError:
                    raise InputError(
                        f"additional duty: {rate_pct!r} is not a number",
                        hint="type a percentage in “Additional duty (%)”, e.g. 10",
                    ) from None
                edits.append(
                    S.CountryRateEdit(
                        origin=origin,
                        rate=r,
                        start=f.get("start") or date,
                        end=f.get("end") or None,
                    )
                )
            em, ep = f.get("exempt_measure", "").strip(), f.get("exempt_products", "").strip()
            if em and ep:
                prods = [p for p in ep.replace(",", " ").split() if p]
                edits.append(S.ExemptEdit(measure=em, products=prods))
            mm, mf, mt = (f.get(k, "").strip() for k in ("move_measure", "move_from", "move_to"))
            if mm and mf and mt:
                edits.append(S.MoveDateEdit(measure=mm, from_date=mf, to_date=mt))
        req = S.ScenarioRequest(
            date=date,
            reform_yaml=f.get("reform_yaml") if mode == "yaml" else None,
            edits=edits,
            with_pe=bool(f.get("with_pe")),
            with_ge=bool(f.get("with_ge")),
        )
    except ValidationError as exc:
        e = exc.errors()[0]
        field = {"rate": "additional duty", "origin": "country"}.get(
            str(e["loc"][-1]) if e.get("loc") else "", "a field"
        )
        raise InputError(f"{field}: {e['msg']}", hint="check the fields of the form") from None
    if not req.edits and not (req.reform_yaml and req.reform_yaml.strip()):
        raise InputError(
            "nothing to compare: no edit filled in",
            hint="fill in a country and an additional duty, or a measure and HS prefixes to "
            "exempt, or a measure's dates; or choose “reform YAML” and paste one",
        )
    _scenario_text(st, req)
    svc.parse_day(st, date, required=True)
    return req


def _scenario_url(f: dict[str, str]) -> str | None:
    """The shareable URL of a scenario of edits (a reform YAML is not put in a URL)."""
    if (f.get("mode") or "edits") == "yaml":
        return None
    return page_url("/scenario", {k: f.get(k) for k in SCENARIO_FIELDS if k != "mode"})


def _scenario_ctx(res: dict[str, Any]) -> dict[str, Any]:
    return {
        "s": res,
        "partner_spec": charts.compare_bars(
            [{**r, "key": f"{cname(r['key'])} ({r['key']})"} for r in res["by_partner"]],
            title="ETR by partner: baseline vs scenario (largest changes in duty)",
        ),
        "auth_spec": charts.compare_bars(
            [{**r, "key": authority_label(r["key"])} for r in res["by_authority"]],
            title="Points of ETR by authority",
        ),
    }


def _scenario_page(request: Request, f: dict[str, str], *, run: bool) -> HTMLResponse:
    from tariffsim.web.api import run_scenario

    st = _state(request)
    ctx: dict[str, Any] = {
        "measures": sorted(st.schedule.spec.measures),
        "countries": svc.countries_list(),
        "f": f,
    }
    if not run:
        return render(request, "scenario.html", **ctx)
    try:
        req = _scenario_request(st, f)
    except InputError as exc:
        return render(request, "scenario.html", 422, error=_exc(exc), **ctx)
    url = _scenario_url(f)
    key = ("scenario-page", url) if url else None
    res = st.cached(key, lambda: run_scenario(st, req)) if key else run_scenario(st, req)
    return render(request, "scenario.html", result_url=url, **ctx, **_scenario_ctx(res))


@router.get("/scenario", response_class=HTMLResponse)
def scenario_page(
    request: Request,
    date: Q = None,
    origin: Q = None,
    rate_pct: Annotated[str | None, Query(max_length=32)] = None,
    start: Q = None,
    end: Q = None,
    exempt_measure: Q = None,
    exempt_products: Annotated[str | None, Query(max_length=2000)] = None,
    move_measure: Q = None,
    move_from: Q = None,
    move_to: Q = None,
    with_pe: Q = None,
    with_ge: Q = None,
) -> HTMLResponse:
    """The form; with a date in the query (a shared link, or the form sent without JavaScript)
    the comparison is computed and shown."""
    f = {k: v for k, v in locals().items() if k in SCENARIO_FIELDS and v is not None}
    return _scenario_page(request, f, run=date is not None)


@router.post("/scenario", response_class=HTMLResponse)
async def scenario_post(request: Request) -> HTMLResponse:
    """The form sent without JavaScript (a reform YAML does not fit in a URL)."""
    form = await request.form()
    f = {k: str(form.get(k) or "") for k in (*SCENARIO_FIELDS, "reform_yaml")}
    if len(f["reform_yaml"]) > 200_000:
        raise InputError(f"reform YAML is {len(f['reform_yaml']):,} characters (limit 200,000)")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_scenario_page, request, f, run=True)


@router.post("/ui/scenario", response_class=HTMLResponse)
async def scenario_start(request: Request) -> HTMLResponse:
    from tariffsim.web.api import run_scenario

    form = await request.form()
    f = {k: str(form.get(k) or "")[:200_000] for k in (*SCENARIO_FIELDS, "reform_yaml")}
    st = _state(request)
    req = _scenario_request(st, f)
    job = request.app.state.jobs.submit(
        "scenario", lambda p: run_scenario(st, req, p), url=_scenario_url(f)
    )
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})


# --- negotiation ----------------------------------------------------------------------------------


@router.get("/negotiation", response_class=HTMLResponse)
def negotiation_index(request: Request) -> Response:
    cases = svc.negotiation_cases()
    if len(cases) >= 1:
        return RedirectResponse(f"/negotiation/{cases[0]}", status_code=303)
    return error_page(request, "no negotiation cases installed", None)


def _negotiation_inputs(ctl: dict[str, Any], form: Any) -> tuple[dict[str, float], int, bool]:
    """(overrides, draws, sensitivity) from the form or query: a control differs from the case
    when it moved by more than half a slider step."""
    overrides: dict[str, float] = {}
    for c in ctl["controls"]:
        raw = form.get(c["name"])
        if raw is None or raw == "":
            continue
        try:
            v = float(str(raw))
        except ValueError:
            raise InputError(
                f"{c['label']}: {str(raw)[:40]!r} is not a number",
                hint="move the slider, or reset the form",
            ) from None
        # a range input snaps to its step ((high − low)/100): within half a step is "unchanged"
        if abs(v - c["value"]) > (c["high"] - c["low"]) / 200 + 1e-12:
            overrides[c["name"]] = v
    raw = str(form.get("draws") or 200)
    try:
        draws = int(raw)
    except ValueError:
        raise InputError(
            f"simulated negotiations: {raw[:20]!r} is not a whole number",
            hint="type a number from 1 to 5,000",
        ) from None
    if not 1 <= draws <= 5000:
        raise InputError(
            f"simulated negotiations: {draws} is not in [1, 5000]",
            hint="type a number from 1 to 5,000",
        )
    return overrides, draws, True  # the global sensitivity comes from the same draws: always shown


def _negotiation_url(case: str, overrides: dict[str, float], draws: int, _sens: bool) -> str:
    return page_url(
        f"/negotiation/{case}",
        {
            "run": 1,
            **{k: repr(float(v)) for k, v in overrides.items()},
            "draws": draws,
        },
    )


def _negotiation_ctx(res: dict[str, Any]) -> dict[str, Any]:
    ctx = {"r": res, "pareto_spec": charts.pareto(res), "deal_spec": charts.deal_ranges(res)}
    sens = res.get("sensitivity") or (res.get("details") or {}).get("sensitivity")
    if sens:
        ctx["tornado_spec"] = charts.tornado(sens, party=res["parties"][0])
    return ctx


@router.get("/negotiation/{case}", response_class=HTMLResponse)
def negotiation_page(request: Request, case: str) -> HTMLResponse:
    """The controls; with ``run=1`` in the query (a shared link, or the form sent without
    JavaScript) the analysis for those values is computed and shown."""
    st = _state(request)
    ctl = svc.negotiation_controls(case[:100])
    q = request.query_params
    ctx: dict[str, Any] = {"ctl": ctl, "cases": svc.negotiation_cases(), "q": q}
    if not q.get("run"):
        return render(request, "negotiation.html", **ctx)
    try:
        overrides, draws, sens = _negotiation_inputs(ctl, q)
    except InputError as exc:
        return render(request, "negotiation.html", 422, error=_exc(exc), **ctx)
    url = _negotiation_url(ctl["case"], overrides, draws, sens)
    res = st.cached(
        ("negotiation-page", url),
        lambda: svc.negotiation(ctl["case"], overrides, draws=draws, seed=0, with_sensitivity=sens),
    )
    return render(request, "negotiation.html", result_url=url, **ctx, **_negotiation_ctx(res))


@router.post("/ui/negotiation/{case}", response_class=HTMLResponse)
async def negotiation_start(request: Request, case: str) -> HTMLResponse:
    form = await request.form()
    ctl = svc.negotiation_controls(case[:100])
    overrides, draws, sens = _negotiation_inputs(ctl, form)
    job = request.app.state.jobs.submit(
        "negotiation",
        lambda p: svc.negotiation(
            ctl["case"], overrides, draws=draws, seed=0, progress=p, with_sensitivity=sens
        ),
        url=_negotiation_url(ctl["case"], overrides, draws, sens),
    )
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})


# --- jobs -----------------------------------------------------------------------------------------


@router.get("/ui/jobs/{job_id}", response_class=HTMLResponse)
def job_partial(request: Request, job_id: str) -> Response:
    job = request.app.state.jobs.get(job_id[:40])
    if job is None:
        return error_partial(request, f"no job {job_id[:40]!r}", "start it again")
    d = job.to_dict()
    if d["status"] == "error":
        return error_partial(request, d["error"]["detail"], d["error"].get("hint"))
    if d["status"] != "done":
        return templates.TemplateResponse(request, "partials/job.html", {"job": d})
    res = d["result"]
    if job.kind == "scenario":
        ctx = {**_scenario_ctx(res), "result_url": job.url}
        return _partial(request, "partials/scenario_result.html", ctx, job.url)
    if job.kind == "negotiation":
        ctx = {**_negotiation_ctx(res), "result_url": job.url}
        return _partial(request, "partials/negotiation_result.html", ctx, job.url)
    if job.kind == "country-models":
        return templates.TemplateResponse(request, "partials/country_models.html", {"m": res})
    if job.kind == "wave":
        ctx = {**_wave_ctx(res), "result_url": job.url}
        return _partial(request, "partials/wave_result.html", ctx, job.url)
    return error_partial(request, f"unknown job kind {job.kind}", None)


# --- the wave of negotiations -------------------------------------------------------------------


def _wave_inputs(q: Any) -> tuple[dt.date, int]:
    from tariffsim.core.dates import parse_date
    from tariffsim.web import wave

    as_of = parse_date(str(q.get("as_of") or wave.DEFAULT_AS_OF), field="forecast as of")
    raw = str(q.get("draws") or wave.DEFAULT_DRAWS)
    try:
        draws = int(raw)
    except ValueError:
        raise InputError(
            f"simulated draws: {raw[:20]!r} is not a whole number",
            hint=f"type a number from 1 to {wave.MAX_DRAWS:,}",
        ) from None
    if not 1 <= draws <= wave.MAX_DRAWS:
        raise InputError(
            f"simulated draws: {draws} is not in [1, {wave.MAX_DRAWS}]",
            hint=f"type a number from 1 to {wave.MAX_DRAWS:,}",
        )
    return as_of, draws


def _wave_url(as_of: dt.date, draws: int) -> str:
    return page_url("/wave", {"as_of": as_of.isoformat(), "draws": draws, "run": 1})


def _wave_ctx(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "w": w,
        "bands_spec": charts.wave_bands(w["partners"], as_of=w["as_of"]),
        "pdeal_spec": charts.p_deal_lines(w["partners"], as_of=w["as_of"]),
    }


@router.get("/wave", response_class=HTMLResponse)
def wave_page(request: Request) -> HTMLResponse:
    """The form; with ``run=1`` (a shared link, or the form sent without JavaScript) the wave is
    computed (cached per date and draws) and shown."""
    from tariffsim.web import wave

    st = _state(request)
    q = request.query_params
    ctx: dict[str, Any] = {
        "as_of": q.get("as_of") or wave.DEFAULT_AS_OF,
        "draws": q.get("draws") or wave.DEFAULT_DRAWS,
    }
    try:
        as_of, draws = _wave_inputs(q)
    except InputError as exc:
        return render(request, "wave.html", 422, error=_exc(exc), **ctx)
    if not q.get("run"):
        return render(request, "wave.html", **ctx)
    try:
        w = st.cached(("wave", as_of, draws), lambda: wave.wave(as_of, draws=draws))
    except InputError as exc:
        return render(request, "wave.html", 422, error=_exc(exc), **ctx)
    url = _wave_url(as_of, draws)
    return render(request, "wave.html", result_url=url, **ctx, **_wave_ctx(w))


@router.post("/ui/wave", response_class=HTMLResponse)
async def wave_start(request: Request) -> HTMLResponse:
    from tariffsim.web import wave

    st = _state(request)
    as_of, draws = _wave_inputs(await request.form())

    def run(p: Any) -> Any:
        return st.cached(("wave", as_of, draws), lambda: wave.wave(as_of, draws=draws, progress=p))

    job = request.app.state.jobs.submit("wave", run, url=_wave_url(as_of, draws))
    return templates.TemplateResponse(request, "partials/job.html", {"job": job.to_dict()})
