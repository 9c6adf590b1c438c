"""The FastAPI application: ``create_app()``; ``tariffsim serve`` runs it with uvicorn.

* Start-up (lifespan) warms :data:`tariffsim.web.state.STATE`: the schedule, the 2024 flows, the ETR
  aggregates of every segment, the HS descriptions (``warm=False`` defers it to the first request).
* Errors: :class:`~tariffsim.core.errors.InputError` → 422 ``{"detail": message, "hint": hint}``;
  other tariffsim errors (missing data, a solver that did not converge) → 503 with their message;
  anything else → 500 ``internal error`` (details in the log only; :class:`CatchAll` answers it
  without dropping the client's keep-alive connection).
* Request bodies are limited (``max_body`` bytes, 5 MB by default): a larger ``Content-Length`` — or a
  streamed body that grows past it — is refused with 413 before the route runs.
* Static assets (the vendored Vega, Vega-Lite, vega-embed and htmx) are served by the app: no CDN.
  The API docs (``/docs`` Swagger UI, ``/redoc`` ReDoc) load their files from the
  ``fastapi-offline`` package, served under ``/static/docs``: no request leaves the server.
* A browser (an ``Accept: text/html`` request outside ``/api``) gets every error as an HTML page
  with the message and hint; the JSON API keeps ``{"detail", "hint"}``. JSON answers are rounded
  to 12 significant digits (:func:`tariffsim.web.services.rounded`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tariffsim.core.errors import InputError, TariffsimError
from tariffsim.web.jobs import JobRegistry
from tariffsim.web.state import STATE, AppState

HERE = Path(__file__).resolve().parent
MAX_BODY = 5 * 1024 * 1024
DRAIN_MAX = 64 * 1024 * 1024  # a browser's oversized upload is read (and dropped) up to this size
#: Every page may load only the app's own files: a script that tries another host (ReDoc's logo
#: from its CDN, say) is stopped by the browser before any request leaves. Vega compiles its
#: expressions with ``Function`` ('unsafe-eval'); Swagger UI starts from an inline script.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'"
)
log = logging.getLogger("tariffsim.web")


class _TooLarge(Exception):
    pass


class RoundedJSON(JSONResponse):
    """JSON with floats rounded to 12 significant digits (no 0.7250000000000001)."""

    def render(self, content: Any) -> bytes:
        from tariffsim.web.services import rounded

        return super().render(rounded(content))


def _docs_dir() -> Path:
    """The Swagger UI / ReDoc files shipped by the ``fastapi-offline`` package."""
    import importlib.resources

    return Path(str(importlib.resources.files("fastapi_offline") / "static"))


class BodyLimit:
    """ASGI middleware refusing request bodies larger than ``limit`` bytes with 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        html = False
        n = 0
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = 0
            elif k == b"accept":
                html = b"text/html" in v and not scope.get("path", "").startswith("/api")
        if n > self.limit:
            if html and n <= DRAIN_MAX:
                # a browser still sending its upload would show "connection reset" instead of
                # the page: read (and drop) the body first, up to DRAIN_MAX bytes
                while (await receive()).get("more_body", False):
                    pass
            await self._reject(send, html)
            return
        seen = 0
        started = False

        async def counted() -> dict:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return msg

        async def tracked(msg: dict) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._reject(send, html)

    async def _reject(self, send: Any, html: bool = False) -> None:
        mb = self.limit / 1024 / 1024
        message = f"the file is larger than {mb:g} MB ({self.limit:,} bytes)"
        hint = f"split it into files under {mb:g} MB, or rate it with tariffsim rate --input"
        if html:
            from tariffsim.web.pages import error_html

            body = error_html(message, hint, title="File too large").encode()
            ctype = b"text/html; charset=utf-8"
        else:
            import json

            body = json.dumps({"detail": message, "hint": hint}).encode()
            ctype = b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class CatchAll:
    """ASGI middleware answering any unexpected exception with a 500 (HTML for a browser, JSON
    otherwise) *without re-raising it*: Starlette's outermost error middleware re-raises after
    its 500, and uvicorn then drops the keep-alive connection, so the client's next request
    failed with "connection reset" (review of December 2026). The traceback goes to the log."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(msg: dict) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, receive, tracked)
        except _TooLarge:
            raise
        except Exception:
            log.exception("internal error on %s", scope.get("path", "")[:200])
            if started:
                return
            headers = dict(scope.get("headers", []))
            html = b"text/html" in headers.get(b"accept", b"") and not scope.get(
                "path", ""
            ).startswith("/api")
            if html:
                from tariffsim.web.pages import error_html

                body = error_html("internal error", "see the server log").encode()
                ctype = b"text/html; charset=utf-8"
            else:
                body = b'{"detail":"internal error","hint":"see the server log"}'
                ctype = b"application/json"
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", ctype), (b"content-length", b"%d" % len(body))],
                }
            )
            await send({"type": "http.response.body", "body": body})


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", ""
    )


def create_app(
    *, state: AppState | None = None, warm: bool = True, max_body: int = MAX_BODY
) -> FastAPI:
    """The dashboard and API. ``warm``: build the caches at start-up (else on the first request)."""
    st = state or STATE

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(st.warm_up)
        yield
        app.state.jobs.shutdown()

    app = FastAPI(
        title="tariffsim",
        version="0.1.0",
        description=(
            "US tariffs of 2025–26 as code: rates of any entry with legal references, effective tariff "
            "rates on 2024 imports, scenarios, model results and negotiation analysis. Rates are "
            "fractions (0.275 = 27.5%); dates are YYYY-MM-DD; bad input gets 422 with a hint."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        default_response_class=RoundedJSON,
    )
    app.state.tariffsim = st
    app.state.jobs = JobRegistry()

    @app.middleware("http")
    async def ensure_warm(request: Request, call_next):
        if st.etr is None and not request.url.path.startswith("/static"):
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(st.warm_up)
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
        return response

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        if _wants_html(request) and not request.headers.get("hx-request"):
            from tariffsim.web.pages import error_page

            return error_page(request, str(exc), exc.hint, status=422)
        if request.headers.get("hx-request"):
            from tariffsim.web.pages import error_partial

            # HTMX swaps only 2xx responses by default: answer 200 with the error box
            return error_partial(request, str(exc), exc.hint)
        return JSONResponse({"detail": str(exc), "hint": exc.hint}, status_code=422)

    @app.exception_handler(TariffsimError)
    async def other_error(request: Request, exc: TariffsimError):
        if _wants_html(request) and not request.headers.get("hx-request"):
            from tariffsim.web.pages import error_page

            return error_page(request, str(exc), exc.hint, status=503)
        return JSONResponse({"detail": str(exc), "hint": exc.hint}, status_code=503)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _wants_html(request) and not request.headers.get("hx-request"):
            from tariffsim.web.pages import error_page

            msg = {404: "no such page", 405: "this page does not take that kind of request"}.get(
                exc.status_code, str(exc.detail)
            )
            return error_page(
                request,
                f"{msg}: {request.url.path[:200]}",
                "use the menu above",
                status=exc.status_code,
            )
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        parts = []
        for e in errs[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{loc}: {e.get('msg', 'invalid')}")
        msg = "; ".join(parts) or "invalid request"
        if request.headers.get("hx-request"):
            from tariffsim.web.pages import error_partial

            return error_partial(request, msg, "check the fields of the form")
        if _wants_html(request):
            from tariffsim.web.pages import error_page

            return error_page(request, msg, "check the fields of the form", status=422)
        return JSONResponse(
            {"detail": msg, "hint": "see /docs for the parameters", "errors": _plain_errors(errs)},
            status_code=422,
        )

    app.mount("/static/docs", StaticFiles(directory=_docs_dir()), name="static-docs")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="tariffsim API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from a validator
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="tariffsim API",
            redoc_js_url="/static/docs/redoc.standalone.js",
            redoc_favicon_url="/static/docs/favicon.png",
            with_google_fonts=False,
        )

    from tariffsim.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(CatchAll)
    app.add_middleware(BodyLimit, limit=max_body)
    return app


def _plain_errors(errs: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for e in errs[:20]:
        out.append(
            {
                "loc": [str(x) for x in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
        )
    return out


def run(host: str = "127.0.0.1", port: int = 8000, *, log_level: str = "info") -> None:
    """Serve the app with uvicorn (one process; the caches are per process)."""
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level=log_level)
