"""End-to-end tests of the dashboard in headless Chromium (Debian's package, driven by Playwright).

A real server (uvicorn on a free loopback port) is started once for the module; each test loads a
page, uses its controls and checks the numbers shown against the JSON API of the same server (whose
values are checked against the library in tests/unit/test_web_api.py) and the known case of a
Japanese car on 2025-04-05 (27.5%: 2.5% MFN + 25% Section 232, Proclamation 10908). Screenshots go
to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx
import pytest
from playwright import sync_api  # a dev dependency (pyproject [dev]): missing, the tests error

CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 300
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: In CI (``CI`` set) a missing Chromium fails the tests (``make test`` installs it); on a
#: developer's machine without it they are skipped.
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI,
        reason=f"{CHROMIUM} not installed (make browser-deps)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "tariffsim.web.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    # the server's output goes to a file, not a pipe: a pipe nobody reads can fill and stall the
    # server, and an unclosed pipe is a ResourceWarning (an error in this suite) at teardown
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ}, stdout=log, stderr=log)
        try:
            yield _wait_for(proc, log, f"http://127.0.0.1:{port}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_for(proc: subprocess.Popen[bytes], log: IO[bytes], base: str) -> str:
    """Wait until the server answers; fail with its output if it exits or does not start."""
    t0 = time.time()
    while True:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"server exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/api/countries", timeout=2).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        # the warm-up (schedule, flows, ETR tables) takes ~4 s alone, over a minute when the
        # machine is shared by several test runs
        if time.time() - t0 > START_TIMEOUT_S:
            pytest.fail(f"server did not start within {START_TIMEOUT_S} s")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # a request the browser aborts because the page navigated away is not an error
    pg.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")
            else errors.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def _shot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f}%"


def _chart_rendered(page, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-rendered] svg", timeout=20_000)


def test_rate_lookup_page(server, page):
    page.goto(server + "/")
    page.fill("#origin", "JPN")
    page.fill("#hs", "8703.23.01")  # search over HS descriptions by code prefix
    page.wait_for_selector("[data-pick-hs='8703230190']", timeout=10_000)
    page.click("[data-pick-hs='8703230190']")
    assert page.input_value("#hs") == "8703230190"
    page.fill("#date", "2025-04-05")
    page.click("#rate-submit")
    page.wait_for_selector("#total-rate")
    # the known case: 2.5% MFN + 25% Section 232 (Proclamation 10908)
    assert page.inner_text("#total-rate").strip() == "27.50%"
    assert (
        page.inner_text("#measures-table tr[data-measure='s232_autos'] td.num").strip() == "25.00%"
    )
    _chart_rendered(page, "#timeline-chart")
    _shot(page, "rate_lookup")
    # search by words too
    page.fill("#hs", "spark-ignition")
    page.wait_for_selector("#hs-hits li a", timeout=10_000)
    assert not page.js_errors, page.js_errors


def test_hs_search_words(server, page):
    """The HS box's hints are the project's HS search (``duties.search``), checkable in the HTSUS:
    "bicycle" → 8712.00.48 "Other bicycles"; "wine" → heading 2204, never "swine" (0103);
    "Roquefort" → 0406.20.10 "Roquefort cheese"; full-width "８７１２．００．１５" → the three
    statistical lines of 8712.00.15; words in the HS box are rated as their best hit."""
    page.goto(server + "/")
    cases = [
        ("bicycle", "8712004800"),
        ("wine", "2204212000"),
        ("Roquefort", "0406201000"),
        ("\uff18\uff17\uff11\uff12\uff0e\uff10\uff10\uff0e\uff11\uff15", "8712001510"),
    ]
    for text, first in cases:
        page.fill("#hs", text)
        page.wait_for_selector(f"#hs-hits li:first-child a[data-pick-hs='{first}']", timeout=10_000)
        api = httpx.get(server + "/api/hs/search", params={"q": text, "limit": 12}).json()
        shown = page.eval_on_selector_all(
            "#hs-hits a[data-pick-hs]", "els => els.map(e => e.dataset.pickHs)"
        )
        assert shown == [h["hs"] for h in api], text
    assert not [c for c in shown if c.startswith("0103")]
    # words typed and sent: the best hit is rated, the others offered
    page.fill("#origin", "JPN")
    page.fill("#hs", "bicycle")
    page.fill("#date", "2025-04-05")
    page.click("#rate-submit")
    page.wait_for_selector("#hs-picked")
    assert "8712.00.48" in page.inner_text("#hs-picked")
    rate = httpx.get(
        server + "/api/rate", params={"origin": "JPN", "hs": "8712004800", "date": "2025-04-05"}
    ).json()
    assert page.inner_text("#total-rate").strip() == _pct(rate["total_rate"])
    assert not page.js_errors, page.js_errors


def test_rate_batch_download(server, page, tmp_path):
    f = tmp_path / "entries.csv"
    f.write_text("origin,hs,date,value_usd\nJPN,8703230190,2025-04-05,40000\n")
    page.goto(server + "/")
    page.set_input_files("#batch-file", str(f))
    with page.expect_download() as dl:
        page.click("#batch-submit")
    out = Path(dl.value.path()).read_text()
    header, row = out.splitlines()[:2]
    cols = dict(zip(header.split(","), row.split(","), strict=True))
    assert float(cols["total_rate"]) == pytest.approx(0.275)
    assert float(cols["duty_usd"]) == pytest.approx(11000.0)  # 0.275 × 40,000


def test_etr_page(server, page):
    api = httpx.get(server + "/api/etr", params={"date": "2025-08-07"}).json()
    page.goto(server + "/etr")
    _chart_rendered(page, "#etr-series-chart")
    page.fill("#etr-date-input", "2025-08-07")
    page.dispatch_event("#etr-date-input", "change")
    page.wait_for_function(
        "v => document.querySelector('#etr-value') && document.querySelector('#etr-value').textContent.trim() === v",
        arg=_pct(api["etr"]),
        timeout=10_000,
    )
    _chart_rendered(page, "#etr-partner-chart")
    by = httpx.get(
        server + "/api/etr", params={"date": "2025-08-07", "by": "partner", "top": 1}
    ).json()["by"][0]
    first = page.inner_text("#etr-by-partner tbody tr:first-child td.num")
    assert first.strip() == _pct(by["etr"])
    assert page.get_attribute("#csv-partner", "href") == "/api/etr.csv?date=2025-08-07&by=partner"
    _shot(page, "etr")
    assert not page.js_errors, page.js_errors


def test_country_page(server, page):
    api = httpx.get(server + "/api/country/JPN", params={"date": "2025-08-07"}).json()
    page.goto(server + "/country")
    page.fill("#country-input", "Japan")
    page.press("#country-input", "Enter")
    page.wait_for_url("**/country/JPN**")
    page.fill("#country-date", "2025-08-07")
    page.click("#country-date-form button")
    page.wait_for_selector("#country-etr")
    assert page.inner_text("#country-etr").strip() == _pct(api["etr"])
    _chart_rendered(page, "#country-timeline-chart")
    page.wait_for_selector("#models-done", timeout=90_000)  # PE and GE, computed in a job
    assert page.locator("#ge-welfare").count() + page.locator("#pe-table").count() >= 1
    _shot(page, "country_jpn")
    assert not page.js_errors, page.js_errors


def test_scenario_page(server, page, shared_data):  # the GE model needs the reference data
    page.goto(server + "/scenario")
    page.fill("#sc-date", "2025-08-07")
    page.fill("#sc-origin", "JPN")
    page.fill("#sc-rate", "10")
    page.fill("#sc-start", "2025-08-01")
    page.check("#sc-ge")
    page.click("#sc-submit")
    page.wait_for_selector("#scenario-done", timeout=90_000)
    api = httpx.post(
        server + "/api/scenario",
        json={
            "date": "2025-08-07",
            "edits": [
                {"kind": "country_rate", "origin": "JPN", "rate": 0.1, "start": "2025-08-01"}
            ],
        },
        timeout=120,
    ).json()
    assert page.inner_text("#sc-change").strip() == f"{100 * api['etr_change']:+.2f} pts"
    assert page.inner_text("#sc-scen-etr").strip() == _pct(api["scenario"]["etr"])
    # Japan's row: baseline + 10 points (an additional 10% on all its goods)
    row = page.locator("#sc-partners tr[data-key='JPN'] td.num")
    b, s = (float(row.nth(i).inner_text().strip("%")) for i in (0, 1))
    assert s - b == pytest.approx(10.0, abs=0.011)
    # the GE table lists Japan first (the only exporter whose US tariff changes)
    assert page.get_attribute("#sc-ge tbody tr[data-key='JPN']", "data-key") == "JPN"
    _chart_rendered(page, "#sc-partner-chart")
    _shot(page, "scenario")
    assert not page.js_errors, page.js_errors


def test_negotiation_page(server, page):
    page.goto(server + "/negotiation")
    page.wait_for_url("**/negotiation/us-japan-2025-04")
    page.wait_for_selector("#neg-done", timeout=90_000)  # computed on load
    api = httpx.get(
        server + "/api/negotiation/us-japan-2025-04", params={"draws": 200}, timeout=120
    ).json()
    assert page.inner_text("#neg-pagree").strip() == _pct(api["agreement_probability"], 1)
    nash = page.inner_text("#neg-packages tr[data-issue='reciprocal_rate'] td.nash").strip()
    assert nash == f"{100 * api['nash']['reciprocal_rate']:.1f}%"
    _chart_rendered(page, "#pareto-chart")
    _shot(page, "negotiation")
    # move a pivot's σ to its lowest value: the result is recomputed with that override
    slider = page.locator("input[data-control^='sigma:']").first
    name = slider.get_attribute("data-control")
    low = slider.get_attribute("min")
    slider.evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }", low
    )
    page.wait_for_selector(f"text={name}=", timeout=90_000)
    page.wait_for_selector("#neg-done", timeout=90_000)
    _shot(page, "negotiation_override")
    assert not page.js_errors, page.js_errors


# --- errors as pages, with and without JavaScript ------------------------------------------------


@pytest.fixture()
def nojs(browser):
    """A page in a context with JavaScript off: what a browser without scripts sees."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, java_script_enabled=False
    )
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _error_box(page) -> tuple[str, str]:
    box = page.locator("#error")
    return box.locator(".message").inner_text().strip(), box.locator(".hint").inner_text().strip()


def test_upload_errors_are_pages(server, nojs, tmp_path):
    """A CSV with bad rows, sent by the page's form (no JavaScript): the page comes back with the
    message of `tariffsim rate --input` (file:line: problem, per row) and a hint naming the page's
    checkbox — not the API's JSON. Ticking the box then rates the good rows."""
    f = tmp_path / "shipments.csv"
    f.write_text(
        "origin,hs,date,value_usd\n"
        "JPN,8703230190,2025-04-05,40000\n"
        "Japn,8703230190,2025-04-05,1000\n"
        "JPN,870323,2025-04-05,1000\n"
    )
    page = nojs
    page.goto(server + "/")
    page.set_input_files("#batch-file", str(f))
    with page.expect_navigation() as nav:
        page.click("#batch-submit")
    assert nav.value.status == 422
    assert "application/json" not in (nav.value.headers.get("content-type") or "")
    msg, hint = _error_box(page)
    assert msg == "shipments.csv: 2 bad rows; nothing written"
    rows = [x.strip() for x in page.locator("#error ul.rows li").all_inner_texts()]
    assert rows[0].startswith("shipments.csv:3: origin: unknown country 'Japn'")
    assert rows[1].startswith("shipments.csv:4: hs: ")
    assert "tick “skip invalid rows”" in hint and "skip_invalid=true" not in hint
    _shot(page, "error_upload_bad_rows")
    page.set_input_files("#batch-file", str(f))
    page.check("#batch-skip")
    with page.expect_download() as dl:
        page.click("#batch-submit")
    out = Path(dl.value.path()).read_text().splitlines()
    assert len(out) == 2 and float(dict(zip(out[0].split(","), out[1].split(","), strict=True))["total_rate"]) == pytest.approx(0.275)  # fmt: skip


def test_upload_too_large_is_a_page(server, nojs, tmp_path):
    """A file over the 5 MB body limit: a 413 page saying so, not a reset connection or JSON."""
    f = tmp_path / "big.csv"
    line = "JPN,8703230190,2025-04-05,40000\n"
    f.write_text("origin,hs,date,value_usd\n" + line * (6 * 1024 * 1024 // len(line)))
    page = nojs
    page.goto(server + "/")
    page.set_input_files("#batch-file", str(f))
    with page.expect_navigation() as nav:
        page.click("#batch-submit")
    assert nav.value.status == 413
    msg, hint = _error_box(page)
    assert msg.startswith("the file is larger than 5 MB") and "split it" in hint
    _shot(page, "error_upload_too_large")


@pytest.mark.parametrize(
    ("url", "status", "message", "hint"),
    [
        (
            "/?origin=Japn&hs=8703230190&date=2025-04-05",
            422,
            "unknown country 'Japn'",
            "Japan (JPN)",
        ),
        ("/etr?date=garbage", 422, "date: 'garbage' is not a date", "YYYY-MM-DD"),
        ("/country/USA", 422, "the United States is the importer", "choose a trading partner"),
        ("/country/Japn", 422, "unknown country 'Japn'", "Japan (JPN)"),
        ("/?origin=JPN&hs=8703230190&date=", 422, "date: empty", "give a date from"),
        ("/no/such/page", 404, "no such page: /no/such/page", "menu"),
    ],
)
def test_error_pages_without_javascript(server, nojs, url, status, message, hint):
    """The review's raw-JSON cases: each is an HTML page with the library's message and hint
    (the same words as the CLI), and the page's form to try again."""
    resp = nojs.goto(server + url)
    assert resp.status == status
    assert resp.headers["content-type"].startswith("text/html")
    msg, h = _error_box(nojs)
    assert msg.startswith(message) and hint in h
    assert nojs.locator("header nav").count() == 1  # the site's page, with its menu
    if url.startswith("/country/USA"):
        _shot(nojs, "error_country_usa")


def test_eu_page(server, nojs):
    """/country/EU: the 27 members as one partner, the numbers of /api/country/EU (no JS)."""
    api = httpx.get(server + "/api/country/EU", params={"date": "2025-08-07"}, timeout=60).json()
    resp = nojs.goto(server + "/country/EU?date=2025-08-07")
    assert resp.status == 200
    assert nojs.inner_text("#country-etr").strip() == _pct(api["etr"])
    assert nojs.locator("#members-table tbody tr").count() == 27
    assert nojs.inner_text("h1").startswith("European Union")


def test_forms_without_javascript(server, nojs):
    """The rate form and the scenario form, sent by a browser without scripts: the answer is a
    page at a URL (GET) or the page itself (POST)."""
    page = nojs
    page.goto(server + "/")
    page.fill("#origin", "JPN")
    page.fill("#hs", "8703230190")
    page.fill("#date", "2025-04-05")
    page.click("#rate-submit")
    page.wait_for_url("**/?origin=JPN&hs=8703230190&date=2025-04-05")
    assert page.inner_text("#total-rate").strip() == "27.50%"
    # the timeline table ends on the coverage's last day, inclusive, as the CLI shows it
    cov = httpx.get(server + "/api/health").json()["coverage"]
    last = page.locator("#timeline-table tbody tr").last.locator("td").nth(1).inner_text()
    assert last.strip() == cov[1]
    page.goto(server + "/scenario")
    page.fill("#sc-date", "2025-08-07")
    page.fill("#sc-origin", "JPN")
    page.fill("#sc-rate", "10")
    page.fill("#sc-start", "2025-08-01")
    page.click("#sc-submit")
    page.wait_for_selector("#scenario-done", timeout=120_000)
    row = page.locator("#sc-partners tr[data-key='JPN'] td.num")
    b, s = (float(row.nth(i).inner_text().strip("%")) for i in (0, 1))
    assert s - b == pytest.approx(10.0, abs=0.011)  # an additional 10% on all Japanese goods
    link = page.get_attribute("#result-link", "href")
    assert link.startswith("/scenario?date=2025-08-07&origin=JPN&rate_pct=10")


# --- shared result URLs ----------------------------------------------------------------------------


def test_result_urls_render_on_reload(server, page):
    """A result reached with HTMX has a URL in the address bar; reloading it renders the same."""
    page.goto(server + "/")
    page.fill("#origin", "KOR")
    page.fill("#hs", "8703230190")
    page.fill("#date", "2025-09-20")
    page.click("#rate-submit")
    page.wait_for_url("**/?origin=KOR&hs=8703230190&date=2025-09-20")
    shown = page.inner_text("#total-rate").strip()
    api = httpx.get(
        server + "/api/rate", params={"origin": "KOR", "hs": "8703230190", "date": "2025-09-20"}
    ).json()
    assert shown == _pct(api["total_rate"])
    page.reload()
    assert page.inner_text("#total-rate").strip() == shown
    _shot(page, "shared_rate_url_reloaded")
    # the ETR page: a date picked → /etr?date=…; reload shows that date's ETR
    page.goto(server + "/etr")
    page.fill("#etr-date-input", "2025-11-14")
    page.dispatch_event("#etr-date-input", "change")
    page.wait_for_url("**/etr?date=2025-11-14")
    etr = httpx.get(server + "/api/etr", params={"date": "2025-11-14"}).json()["etr"]
    page.reload()
    assert page.inner_text("#etr-value").strip() == _pct(etr)
    assert not page.js_errors, page.js_errors


def test_negotiation_url_with_overrides(server, page):
    """Moving a slider pushes /negotiation/CASE?run=1&<control>=<value>…; opening that URL in a
    fresh page renders the same result (seeded draws)."""
    page.goto(server + "/negotiation/us-japan-2025-04")
    page.wait_for_selector("#neg-done", timeout=120_000)
    slider = page.locator("input[data-control^='sigma:']").first
    name = slider.get_attribute("data-control")
    low = slider.get_attribute("min")
    slider.evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }", low
    )
    page.wait_for_url(lambda u: "run=1" in u and "sigma" in u, timeout=120_000)
    page.wait_for_selector("#neg-done", timeout=120_000)
    shown = page.inner_text("#neg-pagree").strip()
    url = page.url
    assert "run=1" in url and "sigma" in url
    fresh = page.context.new_page()
    fresh.goto(url, timeout=180_000)
    assert fresh.inner_text("#neg-pagree").strip() == shown
    assert float(fresh.locator(f"input[data-control='{name}']").input_value()) == pytest.approx(
        float(low)
    )
    fresh.close()


# --- the API docs, offline -------------------------------------------------------------------------


def test_api_docs_offline(server, browser):
    """/docs (Swagger UI) and /redoc render from the app's own files: every request the browser
    makes goes to the loopback server (a request anywhere else is aborted and fails the test)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    seen: list[str] = []
    outside: list[str] = []

    def guard(route):
        u = route.request.url
        seen.append(u)
        if u.startswith(server) or u.startswith("data:") or u.startswith("blob:"):
            route.continue_()
        else:
            outside.append(u)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "tariffsim" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=Rate of one entry", timeout=30_000)
    _shot(page, "api_docs_swagger", full_page=False)
    page.goto(server + "/redoc")
    page.locator("h2", has_text="Rate of one entry").wait_for(timeout=30_000)
    _shot(page, "api_docs_redoc", full_page=False)
    ctx.close()
    assert seen, "no request recorded"
    assert not outside, f"requests that left the server: {outside}"


# --- the wave of negotiations ----------------------------------------------------------------------


def test_wave_page(server, page):
    """The wave as of 2026-01-20 (the four open talks then: Brazil, Canada, India, Mexico) from a
    shared URL: each open partner's forecast as the API gives it, the deals concluded before the
    date as precedents, and India's deal of 2 Feb 2026 (18%) as the actual outcome with its sources."""
    url = "/wave?as_of=2026-01-20&draws=50&run=1"
    api = httpx.get(
        server + "/api/wave", params={"as_of": "2026-01-20", "draws": 50}, timeout=900
    ).json()
    page.goto(server + url, timeout=900_000)
    page.wait_for_selector("#wave-done", timeout=900_000)
    rows = page.locator("#wave-table tbody tr")
    assert rows.count() == len(api["partners"])
    ind = next(r for r in api["partners"] if r["partner"] == "IND")
    row = page.locator("#wave-table tr[data-partner='IND']")
    if ind["forecast"]:
        assert row.locator("td.median").inner_text().strip() == _pct(
            ind["forecast"]["headline"]["median"], 1
        )
    assert row.locator("td.actual strong").inner_text().strip() == "18%"
    assert row.locator("td.actual a").count() >= 1  # a source link
    twn = page.locator("#wave-table tr[data-partner='TWN']").inner_text()
    assert "deal concluded before 2026-01-20" in twn
    _chart_rendered(page, "#wave-bands-chart")
    _chart_rendered(page, "#wave-pdeal-chart")
    _shot(page, "wave_2026-01-20")
    assert not page.js_errors, page.js_errors
