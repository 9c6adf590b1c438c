"""HTTP attack on the web app: about 600 hostile or odd requests, and what came back.

``python benchmarks/web_attack.py [--json FILE]`` starts the app under uvicorn on a free loopback
port (as ``tariffsim serve``) and sends, in this order:

* **fuzz** — every GET route with odd values of each parameter (empty, blank, 10 kB and 60 kB
  strings, NUL and control characters, ``<script>``, SQL, ``../``, full-width and Arabic-Indic
  digits, negative, huge and non-finite numbers, wrong types), and odd path parameters;
* **bodies** — malformed, deep (100,000 levels) and oversized JSON; wrong content types; an 8 MB
  streamed body; negotiation overrides out of range or non-finite;
* **yaml** — reform files built to hurt: alias bombs of 10^8 and 10^10 nodes, a recursive alias,
  YAML nested 20,000 deep, ``!!python/object`` tags, a 190,000-character scalar, binary;
* **uploads** — CSV files: binary, gzip, UTF-16, NaN/inf values, full-width digits, 200,001 rows,
  a 1 MB field, a path in the file name, through the API and the page's form;
* **paths** — traversal through ``/static``, the docs assets, case ids and country codes;
* **concurrency** — 60 mixed light requests at once, 50 identical rate lookups at once, and 6
  negotiation/scenario jobs at once with lookups in between;
* **answers** — requests whose right answer is known (the Japanese car of 2025-04-05 is 27.5%,
  typed in ASCII, full-width and Arabic-Indic digits; an empty date is refused, never rated on
  another day; the EU page's ETR equals ``/api/etr?by=group``).

It counts the statuses, the 5xx, the dropped connections, the wrong answers (a known answer that
came back different, or a 2xx to a request that must be refused), the largest body and the slowest
request, checks ``/api/health`` after each phase, and exits 1 if there was any 5xx, dropped
connection or wrong answer.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import _start

CAR = ("JPN", "8703230190", "2025-04-05", 0.275)  # 2.5% MFN + 25% Section 232 (Procl. 10908)


class Tally:
    def __init__(self) -> None:
        self.status: Counter[int] = Counter()
        self.by_phase: dict[str, Counter[int]] = {}
        self.dropped: list[str] = []
        self.server_errors: list[str] = []
        self.wrong: list[str] = []
        self.largest = (0, "")
        self.slowest = (0.0, "")
        self.requests = 0

    def record(self, phase: str, what: str, status: int | None, body: bytes, secs: float) -> None:
        self.requests += 1
        if status is None:
            self.dropped.append(f"{phase}: {what}")
            self.by_phase.setdefault(phase, Counter())[0] += 1
            return
        self.status[status] += 1
        self.by_phase.setdefault(phase, Counter())[status] += 1
        if status >= 500:
            self.server_errors.append(f"{phase}: {what} → {status} {body[:200]!r}")
        if len(body) > self.largest[0]:
            self.largest = (len(body), f"{phase}: {what}")
        if secs > self.slowest[0]:
            self.slowest = (secs, f"{phase}: {what}")

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "statuses": dict(sorted(self.status.items())),
            "by_phase": {k: dict(sorted(v.items())) for k, v in self.by_phase.items()},
            "server_errors_5xx": len(self.server_errors),
            "dropped_connections": len(self.dropped),
            "wrong_answers": len(self.wrong),
            "details": {
                "5xx": self.server_errors,
                "dropped": self.dropped,
                "wrong": self.wrong,
            },
            "largest_body_bytes": self.largest[0],
            "largest_body_request": self.largest[1],
            "slowest_s": round(self.slowest[0], 2),
            "slowest_request": self.slowest[1],
        }


async def send(
    client: Any,
    tally: Tally,
    phase: str,
    method: str,
    url: str,
    *,
    what: str | None = None,
    expect: set[int] | None = None,
    check: Any = None,
    **kw: Any,
) -> Any:
    """One request; ``expect``: statuses that are right (else a wrong answer); ``check(resp)``:
    returns an error text when the body is wrong."""
    label = what or f"{method} {url[:120]}"
    t = time.perf_counter()
    try:
        r = await client.request(method, url, **kw)
    except Exception as exc:  # a dropped connection or a client-side refusal
        name = type(exc).__name__
        if name in ("InvalidURL", "LocalProtocolError") or "too long" in str(exc).lower():
            tally.record(phase, label + f" [client refused: {name}]", 0, b"", 0.0)
            return None
        tally.record(phase, label + f" [{name}: {exc}]", None, b"", time.perf_counter() - t)
        return None
    tally.record(phase, label, r.status_code, r.content, time.perf_counter() - t)
    if expect is not None and r.status_code not in expect:
        tally.wrong.append(f"{phase}: {label}: status {r.status_code}, expected {sorted(expect)}")
    if check is not None and r.status_code < 500:
        problem = check(r)
        if problem:
            tally.wrong.append(f"{phase}: {label}: {problem}")
    return r


async def health(client: Any, tally: Tally, phase: str) -> None:
    await send(client, tally, phase, "GET", "/api/health", expect={200})


# --- payloads ------------------------------------------------------------------------------------

ODD = [
    "", " ", "0", "-1", "1e309", "nan", "inf", "NaN", "null", "true", "[]", "{}",
    "%00", "\x00", "\x01\x02", "\u202e", "😀", "<script>alert(1)</script>",
    "' OR 1=1 --", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "C:\\Windows\\win.ini",
    "８７０３２３０１９０", "٨٧٠٣٢٣٠١٩٠", "8703.23.01.90", "8703230190.0", "8.70323E+09",
    "2025-02-30", "2025-13-01", "20250405", "4/5/2025", "9999-12-31", "0001-01-01",
    "x" * 10_000, "9" * 60_000,
]  # fmt: skip


def _bomb(levels: int, width: int = 10) -> str:
    """The billion-laughs pattern: ``width``^``levels`` nodes from a few hundred bytes."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(width))
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"change: *a{levels}")
    return "\n".join(lines) + "\n"


YAMLS = {
    "alias bomb 10^8": _bomb(8),
    "alias bomb 10^10": _bomb(10),
    "recursive alias": "a: &a [*a]\nchange: *a\n",
    "nested 20,000 deep": "change: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "nested maps 5,000 deep": "change:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 2000)),
    "python object tag": "change: !!python/object/apply:os.system ['echo hi']\n",
    "python name tag": "change: !!python/name:os.system\n",
    "huge scalar": "title: " + "x" * 190_000 + "\n",
    "binary": "\x00\x01\x02\xff" * 1000,
    "not a mapping": "- 1\n- 2\n",
    "unknown measure": "change:\n  nope: {title: x}\n",
    "bad rate": "add:\n- id: x\n  title: x\n  authority: s232\n  scope: {origins: [JPN], products: ['*']}\n  values: [{start: 2025-01-01, rate: lots}]\n",
}

CSVS = {
    "binary": bytes(range(256)) * 200,
    "gzip": gzip.compress(b"origin,hs,date\nJPN,8703230190,2025-04-05\n"),
    "utf-16": "origin,hs,date\nJPN,8703230190,2025-04-05\n".encode("utf-16"),
    "nan value": b"origin,hs,date,value_usd\nJPN,8703230190,2025-04-05,nan\n",
    "inf value": b"origin,hs,date,value_usd\nJPN,8703230190,2025-04-05,inf\n",
    "1e309 value": b"origin,hs,date,value_usd\nJPN,8703230190,2025-04-05,1e309\n",
    "semicolons": b"origin;hs;date\nJPN;8703230190;2025-04-05\n",
    "1 MB field": b"origin,hs,date\nJPN," + b"8" * 1_000_000 + b",2025-04-05\n",
    "200,001 rows": b"origin,hs,date\n" + b"JPN,8703230190,2025-04-05\n" * 200_001,
    "5,000 columns": (",".join(f"c{i}" for i in range(5000)) + "\n").encode() + b"1\n",
    "empty": b"",
    "header only": b"origin,hs,date\n",
    "trailing blank lines": b"origin,hs,date\nJPN,8703230190,2025-04-05\n\n\n",
    "excel empty row": b"origin,hs,date\nJPN,8703230190,2025-04-05\n,,\n",
}


# --- phases ----------------------------------------------------------------------------------------


async def phase_fuzz(c: Any, t: Tally) -> None:
    base = {"origin": "JPN", "hs": "8703230190", "date": "2025-04-05"}
    routes = {
        "/api/rate": base,
        "/api/timeline": {"origin": "JPN", "hs": "8703230190", "from": "2025-01-01", "to": "2025-12-31"},
        "/api/measures": {"date": "2025-04-05"},
        "/api/hs/search": {"q": "cars", "limit": "5"},
        "/api/etr": {"date": "2025-08-07", "by": "partner", "top": "5"},
        "/api/etr.csv": {"date": "2025-08-07", "by": "chapter"},
        "/api/etr/series": {"from": "2025-01-01", "to": "2025-01-31"},
        "/": base,
        "/etr": {"date": "2025-08-07"},
        "/ui/hs-search": {"q": "wine"},
    }  # fmt: skip
    sem = asyncio.Semaphore(4)

    async def one(path: str, params: dict[str, str]) -> None:
        async with sem:
            r = await send(
                c,
                t,
                "fuzz",
                "GET",
                path,
                params=params,
                what=f"GET {path} " + ", ".join(f"{k}={v[:20]!r}" for k, v in params.items()),
                check=_no_reflected_script,
            )
            del r

    jobs = []
    for path, good in routes.items():
        for key in good:
            for v in ODD[:: 2 if path in ("/", "/etr", "/ui/hs-search") else 1]:
                jobs.append(one(path, {**good, key: v}))
    for v in ["JPN", "EU", "USA", "Japn", "../etc", "%2e%2e", "x" * 300, "٨٧", "<b>"]:
        for path in (f"/api/country/{v}", f"/country/{v}"):
            jobs.append(one(path, {"date": "2025-08-07"}))
    await asyncio.gather(*jobs)
    await health(c, t, "fuzz")


def _no_reflected_script(r: Any) -> str | None:
    if "<script>alert(1)</script>" in r.text and "text/html" in r.headers.get("content-type", ""):
        return "reflected <script> unescaped in HTML"
    return None


async def phase_bodies(c: Any, t: Tally) -> None:
    ok_scn = {"date": "2025-08-07", "edits": [{"kind": "country_rate", "origin": "JPN",
              "rate": 0.1, "start": "2025-08-01"}]}  # fmt: skip
    bodies: list[tuple[str, str, Any, dict[str, str], set[int]]] = [
        ("malformed JSON", "/api/scenario", b'{"date": ', {"content-type": "application/json"}, {422, 400}),
        ("deep JSON 100k", "/api/scenario", b"[" * 100_000 + b"]" * 100_000, {"content-type": "application/json"}, {422, 400}),
        ("wrong content type", "/api/scenario", b"date=2025-08-07", {"content-type": "text/plain"}, {422, 400, 415}),
        ("text/yaml body", "/api/scenario", YAMLS["alias bomb 10^8"].encode(), {"content-type": "application/x-yaml"}, {422, 400, 415}),
        ("6 MB JSON", "/api/scenario", b'{"date":"' + b"x" * (6 * 1024 * 1024) + b'"}', {"content-type": "application/json"}, {413}),
        ("negotiation NaN", "/api/negotiation/us-japan-2025-04", b'{"overrides": {"sigma:x": NaN}}', {"content-type": "application/json"}, {422}),
        ("negotiation huge draws", "/api/negotiation/us-japan-2025-04", b'{"draws": 10000000}', {"content-type": "application/json"}, {422}),
        ("negotiation unknown control", "/api/negotiation/us-japan-2025-04", b'{"overrides": {"nope": 1}}', {"content-type": "application/json"}, {422}),
        ("scenario no edits", "/api/scenario", b'{"date": "2025-08-07"}', {"content-type": "application/json"}, {422}),
        ("scenario 51 edits", "/api/scenario", json.dumps({"date": "2025-08-07", "edits": ok_scn["edits"] * 51}).encode(), {"content-type": "application/json"}, {422}),
        ("scenario rate 1e309", "/api/scenario", b'{"date":"2025-08-07","edits":[{"kind":"country_rate","origin":"JPN","rate":1e309,"start":"2025-08-01"}]}', {"content-type": "application/json"}, {422}),
        ("scenario bad date", "/api/scenario", b'{"date":"2030-01-01","edits":[{"kind":"country_rate","origin":"JPN","rate":0.1,"start":"2025-08-01"}]}', {"content-type": "application/json"}, {422}),
        ("job for unknown case", "/api/jobs/negotiation/..%2F..%2Fetc%2Fpasswd", b"{}", {"content-type": "application/json"}, {422, 404}),
    ]  # fmt: skip
    for what, path, body, headers, expect in bodies:
        await send(
            c, t, "bodies", "POST", path, content=body, headers=headers, what=what, expect=expect
        )

    async def stream():
        for _ in range(8):
            yield b"x" * (1024 * 1024)

    await send(
        c, t, "bodies", "POST", "/api/scenario", content=stream(),
        headers={"content-type": "application/json"}, what="8 MB chunked body", expect={413, 400},
    )  # fmt: skip
    await health(c, t, "bodies")


SEMANTIC = {"unknown measure", "bad rate", "not a mapping"}  # valid YAML, wrong reform
VALID = {"huge scalar"}  # a reform whose title is 190,000 characters: allowed (limit 200,000)


async def phase_yaml(c: Any, t: Tally) -> None:
    def small_error(r: Any) -> str | None:
        if r.status_code >= 400 and len(r.content) > 20_000:
            return f"error body of {len(r.content):,} bytes"
        return None

    for what, text in YAMLS.items():
        for route in ("/api/scenario", "/api/jobs/scenario"):
            job = route.startswith("/api/jobs")
            if what in VALID:
                exp = {202} if job else {200}
            elif what in SEMANTIC:
                exp = {202, 422} if job else {422}  # a job may take it and fail with the message
            else:
                exp = {422}  # hostile structure: refused before anything runs
            await send(
                c, t, "yaml", "POST", route, json={"date": "2025-08-07", "reform_yaml": text},
                what=f"{what} → {route}", expect=exp, check=small_error,
            )  # fmt: skip
    # the page's form (POST /scenario, no JavaScript) with the worst two
    for what in ("alias bomb 10^10", "nested 20,000 deep"):
        await send(
            c, t, "yaml", "POST", "/scenario",
            data={"date": "2025-08-07", "mode": "yaml", "reform_yaml": YAMLS[what]},
            headers={"accept": "text/html"}, what=f"{what} → page form", expect={422},
        )  # fmt: skip
    await health(c, t, "yaml")


async def phase_uploads(c: Any, t: Tally) -> None:
    # blank rows are skipped, and said so; UTF-16 with a byte-order mark is what Excel's "Unicode
    # text" export writes, and the one table reader (core/tables.py) decodes it (rated 27.5% below)
    expect_ok = {"trailing blank lines", "excel empty row", "utf-16"}
    for what, data in CSVS.items():
        exp = {200} if what in expect_ok else {200, 422} if what == "header only" else {422, 413}
        await send(
            c, t, "uploads", "POST", "/api/rate/batch", files={"file": ("x.csv", data)},
            what=f"API upload: {what}", expect=exp,
            check=lambda r: "NaN/inf in a rated file" if r.status_code == 200 and ("nan" in r.text.lower() or "inf" in r.text.lower()) else None,
        )  # fmt: skip
        await send(
            c, t, "uploads", "POST", "/upload", files={"file": ("../../etc/x.csv", data)},
            headers={"accept": "text/html"}, what=f"page upload: {what}", expect=exp,
        )  # fmt: skip
    # full-width digits inside a CSV row, and a UTF-16 file, must be rated as the ASCII UTF-8 row
    # (27.5%), or refused
    known = {
        "full-width digits": "origin,hs,date\nJPN,８７０３２３０１９０,2025-04-05\n".encode(),
        "utf-16": CSVS["utf-16"],
    }
    for what, data in known.items():
        r = await send(
            c, t, "uploads", "POST", "/api/rate/batch", files={"file": ("k.csv", data)},
            what=f"API upload: {what}",
        )  # fmt: skip
        if r is not None and r.status_code == 200:
            rows = r.text.splitlines()
            row = dict(zip(rows[0].split(","), rows[1].split(","), strict=False))
            if abs(float(row["total_rate"]) - CAR[3]) > 1e-9:
                t.wrong.append(f"uploads: {what} CSV rated {row['total_rate']}, expected 0.275")
    await health(c, t, "uploads")


async def phase_paths(c: Any, t: Tally) -> None:
    paths = [
        "/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fpyproject.toml", "/static/docs/../../../../etc/passwd",
        "/static/docs/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static//etc/passwd",
        "/static/vendor/../../app.py", "/static/%00", "/api/negotiation/..%2F..%2Fetc%2Fpasswd",
        "/api/negotiation/../../etc/passwd", "/negotiation/..%2F..%2Fetc%2Fpasswd",
        "/api/negotiation/%2e%2e/controls", "/api/country/..%2F..%2Fetc%2Fpasswd",
        "/api/jobs/../../etc/passwd", "/ui/jobs/..%2F..", "/country/%2e%2e%2f%2e%2e",
        "/docs/../openapi.json", "/redoc/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
        "/api/rate/../../../etc/passwd",
    ]  # fmt: skip
    for p in paths:
        await send(
            c, t, "paths", "GET", p, what=f"GET {p}",
            check=lambda r: "file contents leaked" if ("root:x:0:0" in r.text or "[project]" in r.text or ("import " in r.text[:2000] and "text/x-python" in r.headers.get("content-type", ""))) else None,
        )  # fmt: skip
    # the same through a raw socket: an HTTP client would remove the dot segments itself
    host, port = c.base_url.host, c.base_url.port
    for p in ["/static/../pyproject.toml", "/static/../../../../etc/passwd",
              "/static/vendor/../../app.py", "/static/docs/../../../../../etc/passwd",
              "/api/negotiation/../../etc/passwd/controls", "/../../etc/passwd"]:  # fmt: skip
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), 30)
            writer.close()
        except Exception as exc:
            t.record("paths", f"raw GET {p} [{type(exc).__name__}]", None, b"", 0.0)
            continue
        status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else None
        t.record("paths", f"raw GET {p}", status, raw, time.perf_counter() - t0)
        if b"root:x:0:0" in raw or b"[project]" in raw or b"def create_app" in raw:
            t.wrong.append(f"paths: raw GET {p}: file contents leaked")
    await health(c, t, "paths")


async def phase_concurrency(c: Any, t: Tally) -> None:
    light = [
        ("GET", "/api/rate", {"origin": o, "hs": h, "date": d})
        for o in ("JPN", "CHN", "DEU", "MEX", "CAN")
        for h in ("8703230190", "8471300100", "7208390015")
        for d in ("2025-04-05", "2025-08-07")
    ] + [
        ("GET", "/api/etr", {"date": d, "by": "partner", "top": "5"})
        for d in ("2025-04-10", "2025-08-07")
    ] * 5
    light += [("GET", "/etr", {"date": "2025-08-07"})] * 10 + [("GET", "/country/EU", {})] * 8  # fmt: skip
    await asyncio.gather(
        *[send(c, t, "concurrency", m, u, params=p, headers={"accept": "text/html"} if not u.startswith("/api") else {}) for m, u, p in light]
    )  # fmt: skip
    answers: list[float] = []

    async def car() -> None:
        r = await send(
            c, t, "concurrency", "GET", "/api/rate",
            params={"origin": CAR[0], "hs": CAR[1], "date": CAR[2]}, what="identical car lookup",
        )  # fmt: skip
        if r is not None and r.status_code == 200:
            answers.append(r.json()["total_rate"])

    await asyncio.gather(*[car() for _ in range(50)])
    if set(answers) != {CAR[3]}:
        t.wrong.append(f"concurrency: identical lookups gave {sorted(set(answers))}")
    jobs = []
    for i in range(3):
        jobs.append(
            send(
                c,
                t,
                "concurrency",
                "POST",
                "/api/jobs/negotiation/us-japan-2025-04",
                json={"draws": 300 + i},
                what="negotiation job",
            )
        )
        jobs.append(send(c, t, "concurrency", "POST", "/api/jobs/scenario", json={"date": "2025-08-07", "edits": [{"kind": "country_rate", "origin": "JPN", "rate": 0.05 * (i + 1), "start": "2025-08-01"}]}, what="scenario job"))  # fmt: skip
    started = await asyncio.gather(*jobs)
    ids = [r.json()["id"] for r in started if r is not None and r.status_code == 202]
    t0 = time.perf_counter()
    pending = set(ids)
    while pending and time.perf_counter() - t0 < 600:
        await send(c, t, "concurrency", "GET", "/api/rate", params={"origin": "JPN", "hs": CAR[1], "date": CAR[2]}, what="lookup while jobs run")  # fmt: skip
        for j in list(pending):
            r = await send(c, t, "concurrency", "GET", f"/api/jobs/{j}", what="job poll")
            if r is not None and r.json().get("status") in ("done", "error"):
                if r.json()["status"] == "error":
                    t.wrong.append(f"concurrency: job {j} failed: {r.json().get('error')}")
                pending.discard(j)
        await asyncio.sleep(1.0)
    if pending:
        t.wrong.append(f"concurrency: {len(pending)} jobs not done after 600 s")
    await health(c, t, "concurrency")


async def phase_answers(c: Any, t: Tally) -> None:
    def rate_is(want: float):
        def check(r: Any) -> str | None:
            got = r.json().get("total_rate")
            return (
                None
                if got is not None and abs(got - want) < 1e-12
                else f"total_rate {got}, expected {want}"
            )

        return check

    for label, hs in (("ASCII", CAR[1]), ("dotted", "8703.23.01.90"), ("full-width", "８７０３２３０１９０"), ("Arabic-Indic", "٨٧٠٣٢٣٠١٩٠")):  # fmt: skip
        await send(
            c, t, "answers", "GET", "/api/rate", params={"origin": "JPN", "hs": hs, "date": CAR[2]},
            what=f"car, {label} digits", expect={200}, check=rate_is(CAR[3]),
        )  # fmt: skip
    await send(c, t, "answers", "GET", "/api/rate", params={"origin": "JPN", "hs": CAR[1], "date": ""}, what="empty date", expect={422})  # fmt: skip
    await send(c, t, "answers", "GET", "/api/rate", params={"origin": "JPN", "hs": CAR[1], "date": "  "}, what="blank date", expect={422})  # fmt: skip
    await send(c, t, "answers", "GET", "/api/rate", params={"origin": "JPN", "hs": CAR[1]}, what="no date", expect={422})  # fmt: skip
    grouped = (await c.get("/api/etr", params={"date": "2025-08-07", "by": "group"})).json()["by"]
    eu = next(r["etr"] for r in grouped if r["key"] == "EU")
    await send(
        c, t, "answers", "GET", "/api/country/EU", params={"date": "2025-08-07"}, what="EU as one",
        expect={200}, check=lambda r: None if abs(r.json()["etr"] - eu) < 1e-11 else f"EU etr {r.json()['etr']} ≠ {eu}",
    )  # fmt: skip
    await send(
        c, t, "answers", "GET", "/docs", what="docs offline", expect={200},
        check=lambda r: "a CDN in /docs" if ("cdn." in r.text or "https://" in r.text) else None,
    )  # fmt: skip
    await health(c, t, "answers")


async def run(base: str) -> Tally:
    import httpx

    t = Tally()
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as c:
        for name, phase in (
            ("fuzz", phase_fuzz),
            ("bodies", phase_bodies),
            ("yaml", phase_yaml),
            ("uploads", phase_uploads),
            ("paths", phase_paths),
            ("concurrency", phase_concurrency),
            ("answers", phase_answers),
        ):
            t0 = time.perf_counter()
            await phase(c, t)
            print(f"{name}: done in {time.perf_counter() - t0:.1f} s ({t.requests} requests so far)", file=sys.stderr)  # fmt: skip
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    proc, base, start_s = _start()
    try:
        t = asyncio.run(run(base))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    out = {"server_start_s": round(start_s, 1), **t.summary()}
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    bad = out["server_errors_5xx"] + out["dropped_connections"] + out["wrong_answers"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
