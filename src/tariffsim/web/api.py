"""JSON routes (``/api/...``), documented by FastAPI's OpenAPI spec at ``/openapi.json`` and ``/docs``.

Fast answers (rates, ETR from the warm cache) run in the event loop; everything that compiles the
schedule or solves a model is a plain ``def`` route (FastAPI runs it in its thread pool) or a job
(``/api/jobs/...``) polled for progress. Bad input → 422 ``{"detail", "hint"}`` with the library's
message; oversized bodies → 413 (see :mod:`tariffsim.web.app`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import PlainTextResponse, Response

from tariffsim.web import schemas as S
from tariffsim.web import services as svc

router = APIRouter(prefix="/api", tags=["api"])

ERR: dict[int | str, dict[str, Any]] = {
    422: {"model": S.ErrorOut, "description": "bad input: message and hint"}
}

Origin = Annotated[
    str,
    Query(min_length=1, max_length=64, description="ISO3 code, name or group", examples=["JPN"]),
]
Hs = Annotated[
    str,
    Query(
        min_length=1,
        max_length=20,
        description="HTS code, 10 digits (dots allowed)",
        examples=["8703230190"],
    ),
]
Day = Annotated[str, Query(max_length=32, description="YYYY-MM-DD", examples=["2025-04-05"])]
OptDay = Annotated[str | None, Query(max_length=32, description="YYYY-MM-DD")]
By = Annotated[str | None, Query(pattern="^(partner|group|chapter|section|authority)$")]


def _state(request: Request):
    return request.app.state.tariffsim


@router.get("/health")
async def health(request: Request) -> dict:
    """Readiness: the caches are warm; start-up timings (s), the schedule's coverage and segments."""
    st = _state(request)
    lo, hi = st.schedule.coverage.start, st.schedule.coverage.last_day
    return {
        "ready": st.etr is not None,
        "coverage": [lo.isoformat(), hi.isoformat()],
        "segments": len(st.etr.starts),
        "measures": len(st.schedule.measure_ids),
        "flows_rows": int(st.flows.n),
        "timings_s": {k: round(v, 3) for k, v in st.timings.items()},
    }


@router.get(
    "/rate",
    response_model=S.RateOut,
    response_model_exclude_unset=True,
    responses=ERR,
    summary="Rate of one entry",
)
async def get_rate(request: Request, origin: Origin, hs: Hs, date: Day) -> dict:
    """Every measure's part with its legal reference, and the total (the ``tariffsim rate --json``
    answer). Example: a Japanese car, HTS 8703.23.01.90, on 2025-04-05 → 0.275."""
    return svc.rate(_state(request), origin, hs, date)


@router.get("/timeline", response_model=S.TimelineOut, response_model_by_alias=True, responses=ERR)
async def get_timeline(
    request: Request,
    origin: Origin,
    hs: Hs,
    from_: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    to: Annotated[str | None, Query(max_length=32, description="last day, inclusive")] = None,
) -> dict:
    """One row per change of an entry's rate (``tariffsim timeline --json``)."""
    return svc.timeline(_state(request), origin, hs, from_, to)


@router.get("/measures", response_model=S.MeasuresOut, responses=ERR)
async def get_measures(request: Request, date: Day) -> dict:
    """The measures in force on a date with their references (``tariffsim measures --on --json``)."""
    return svc.measures(_state(request), date)


@router.get("/hs/search", response_model=list[S.HsHit], responses=ERR)
async def hs_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=100, examples=["passenger cars"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list:
    """HTS10 lines whose code starts with the digits given, or ranked by the words (the search of
    ``tariffsim search``: whole words, stemmed, BM25-ranked, everyday words mapped to the HTS's)."""
    return svc.hs_search(_state(request), q, limit)


@router.get("/countries", response_model=S.CountriesOut)
async def get_countries() -> dict:
    """ISO3 codes and names of every partner, and the groups (EU, USMCA …)."""
    return svc.countries_list()


@router.post(
    "/rate/batch",
    responses={
        **ERR,
        413: {"description": "upload larger than the limit"},
        200: {"content": {"text/csv": {}}},
    },
    response_class=PlainTextResponse,
)
def rate_batch(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV: origin, hs, date[, value_usd, claim]")],
    skip_invalid: Annotated[bool, Query()] = False,
) -> Response:
    """Rate a CSV of entries, each row an entry with its ``claim`` (blank = none) → the same rows
    with ``claim``, ``total_rate``, ``duty_usd`` and one ``rate_<authority>`` column per authority
    (``tariffsim rate --input``)."""
    data = file.file.read()
    text, skipped = svc.rate_csv(
        _state(request), data, name="upload.csv", skip_invalid=skip_invalid
    )
    headers = {
        "Content-Disposition": 'attachment; filename="rated.csv"',
        "X-Skipped-Rows": str(len(skipped)),
    }
    return Response(text, media_type="text/csv", headers=headers)


@router.get("/etr", response_model=S.EtrOut, response_model_exclude_none=True, responses=ERR)
async def get_etr(
    request: Request,
    date: OptDay = None,
    by: By = None,
    top: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> dict:
    """Effective tariff rate on 2024 US imports on a date (``tariffsim etr --on --json``),
    optionally by partner, group, chapter, section or authority."""
    return svc.etr(_state(request), date, by, top)


@router.get("/etr.csv", response_class=PlainTextResponse, responses=ERR)
async def get_etr_csv(request: Request, date: OptDay = None, by: By = "partner") -> Response:
    """The ETR table of a date by a grouping, as CSV."""
    res = svc.etr(_state(request), date, by or "partner", None)
    lines = ["key,etr,duty_usd,imports_usd"] + [
        f"{r['key']},{r['etr']:.10g},{r['duty_usd']:.2f},{r['imports_usd']:.2f}" for r in res["by"]
    ]
    headers = {
        "Content-Disposition": f'attachment; filename="etr_{res["date"]}_{by or "partner"}.csv"'
    }
    return Response("\n".join(lines) + "\n", media_type="text/csv", headers=headers)


@router.get("/etr/series", response_model=list[S.EtrDay], responses=ERR)
async def get_etr_series(
    request: Request,
    from_: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    to: Annotated[str | None, Query(max_length=32, description="last day, inclusive")] = None,
) -> list:
    """Daily ETR with the points of each authority (``tariffsim etr --from --to --json``)."""
    return svc.etr_series(_state(request), from_, to)


@router.get("/etr/series.csv", response_class=PlainTextResponse, responses=ERR)
async def get_etr_series_csv(
    request: Request,
    from_: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    to: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    rows = svc.etr_series(_state(request), from_, to)
    auths = list(rows[0]["by_authority"]) if rows else []
    lines = [",".join(["date", "etr", "duty_usd", *[f"etr_{a}" for a in auths]])]
    for r in rows:
        lines.append(
            ",".join(
                [
                    r["date"],
                    f"{r['etr']:.10g}",
                    f"{r['duty_usd']:.2f}",
                    *[f"{r['by_authority'][a]:.10g}" for a in auths],
                ]
            )
        )
    headers = {"Content-Disposition": 'attachment; filename="etr_series.csv"'}
    return Response("\n".join(lines) + "\n", media_type="text/csv", headers=headers)


@router.get("/country/{iso3}", response_model=S.CountryDetail, responses=ERR)
def get_country(request: Request, iso3: str, date: OptDay = None) -> dict:
    """A partner's exposure: 2024 imports, ETR on the date, top products, ETR timeline by authority."""
    return svc.country(_state(request), iso3[:64], date)


@router.get("/country/{iso3}/models", response_model=S.CountryModels, responses=ERR)
def get_country_models(request: Request, iso3: str, date: OptDay = None) -> dict:
    """PE (the 2024 flows' law → date) and GE (the law on the date; the ILMS 2025 USTR scenario)
    results for a country or group (cached; the first call takes seconds — the page uses the job
    route)."""
    return svc.country_models(_state(request), iso3[:64], date)


def _scenario_text(state, req: S.ScenarioRequest) -> str:
    from tariffsim.core.errors import InputError
    from tariffsim.web.scenario import check_reform_text, edits_to_reform, reform_yaml

    if req.reform_yaml and req.reform_yaml.strip():
        if req.edits:
            raise InputError("give reform_yaml or edits, not both")
        check_reform_text(req.reform_yaml)
        return req.reform_yaml
    if not req.edits:
        raise InputError(
            "give reform_yaml or at least one edit",
            hint="e.g. an edit {kind: country_rate, origin: JPN, rate: 0.1, start: 2025-10-01}",
        )
    return reform_yaml(
        edits_to_reform(state.schedule, [e.model_dump() for e in req.edits], title=req.title)
    )


def run_scenario(state, req: S.ScenarioRequest, progress=None) -> dict:
    from tariffsim.web.scenario import compare

    text = _scenario_text(state, req)
    day = svc.parse_day(state, req.date)
    out = compare(state, day, text, with_pe=req.with_pe, with_ge=req.with_ge, progress=progress)
    return svc.plain({**out, "reform_yaml": text})


@router.post("/scenario", response_model=S.ScenarioOut, responses=ERR)
def post_scenario(request: Request, body: S.ScenarioRequest) -> dict:
    """Apply a reform (YAML text, or edits) and compare the ETR (and optionally the PE model) with
    the baseline on a date."""
    return run_scenario(_state(request), body)


@router.get("/negotiation", response_model=list[str])
async def get_cases() -> list:
    """The shipped negotiation cases."""
    return svc.negotiation_cases()


@router.get("/negotiation/{case}/controls", responses=ERR)
async def get_controls(case: str) -> dict:
    """A case's issues and the inputs a user may move (with bounds)."""
    return svc.negotiation_controls(case[:100])


@router.get("/negotiation/{case}", responses=ERR)
def get_negotiation(
    case: str,
    draws: Annotated[int, Query(ge=1, le=5000)] = 200,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict:
    """The analysis of a case as written: ZOPA, Pareto frontier, Nash/KS packages, simulated deal
    distribution and ratification odds (``tariffsim negotiate CASE --json --full`` and chart data)."""
    return svc.negotiation(case[:100], {}, draws=draws, seed=seed)


@router.post("/negotiation/{case}", responses=ERR)
def post_negotiation(case: str, body: S.NegotiationRequest) -> dict:
    """The analysis with overrides of the case's controls (weights, pivot σ, ranged parameters)."""
    return svc.negotiation(case[:100], body.overrides, draws=body.draws, seed=body.seed)


# --- jobs --------------------------------------------------------------------------------------


@router.post("/jobs/scenario", response_model=S.JobOut, status_code=202, responses=ERR)
async def job_scenario(request: Request, body: S.ScenarioRequest) -> dict:
    """Start a scenario comparison in the background; poll ``/api/jobs/{id}``."""
    state = _state(request)
    _scenario_text(state, body)  # validate before queueing
    svc.parse_day(state, body.date)
    job = request.app.state.jobs.submit("scenario", lambda p: run_scenario(state, body, p))
    return job.to_dict()


@router.post("/jobs/negotiation/{case}", response_model=S.JobOut, status_code=202, responses=ERR)
async def job_negotiation(request: Request, case: str, body: S.NegotiationRequest) -> dict:
    """Start a negotiation analysis in the background; poll ``/api/jobs/{id}``."""
    svc.negotiation_controls(case[:100])  # unknown case → 422 now
    job = request.app.state.jobs.submit(
        "negotiation",
        lambda p: svc.negotiation(
            case[:100], body.overrides, draws=body.draws, seed=body.seed, progress=p
        ),
    )
    return job.to_dict()


@router.post("/jobs/country-models/{iso3}", response_model=S.JobOut, status_code=202, responses=ERR)
async def job_country_models(request: Request, iso3: str, date: OptDay = None) -> dict:
    """Start the PE/GE results of a country in the background; poll ``/api/jobs/{id}``."""
    state = _state(request)
    from tariffsim.core import countries

    countries.resolve(iso3[:64])
    svc.parse_day(state, date)
    job = request.app.state.jobs.submit(
        "country-models", lambda p: svc.country_models(state, iso3[:64], date, p)
    )
    return job.to_dict()


@router.get("/jobs/{job_id}", response_model=S.JobOut, responses={404: {"model": S.ErrorOut}})
async def get_job(request: Request, job_id: str) -> dict:
    """Status, progress (0–1) and, when done, the result of a job."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, detail=f"no job {job_id!r} (finished jobs are kept one hour)")
    return job.to_dict()


@router.get("/wave", responses=ERR)
def get_wave(
    as_of: Annotated[str, Query(max_length=32, examples=["2025-04-15"])] = "2025-04-15",
    draws: Annotated[int, Query(ge=1, le=5000)] = 500,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict:
    """Every partner as of a date: the forecast of each open partner (``forecast_wave``: headline
    median and 10–90 band given a deal, P(deal by date), status quo, threat), the deal of each
    partner concluded before the date, and the actual deal known today. Takes seconds to a minute;
    the page uses the job route."""
    from tariffsim.core.dates import parse_date
    from tariffsim.web import wave

    return svc.plain(wave.wave(parse_date(as_of, field="as_of"), draws=draws, seed=seed))


@router.post("/jobs/wave", response_model=S.JobOut, status_code=202, responses=ERR)
async def job_wave(
    request: Request,
    as_of: Annotated[str, Query(max_length=32)] = "2025-04-15",
    draws: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict:
    """Start the wave's forecasts in the background; poll ``/api/jobs/{id}``."""
    from tariffsim.core.dates import parse_date
    from tariffsim.web import wave

    day = parse_date(as_of, field="as_of")
    job = request.app.state.jobs.submit(
        "wave", lambda p: svc.plain(wave.wave(day, draws=draws, progress=p))
    )
    return job.to_dict()
