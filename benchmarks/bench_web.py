"""Load test of the web app over loopback (issue 6): p50/p95 latency of a rate lookup and the ETR page.

Starts ``uvicorn`` with the app on 127.0.0.1 on a free port (one worker, as ``tariffsim serve``),
waits for the warm-up (schedule, flows, per-segment ETR aggregates), then sends a bounded number of
requests with a small concurrency using httpx's async client and reports p50/p95/max latency (ms)
per kind and the throughput. Targets: p95 ≤ 50 ms for ``GET /api/rate`` and ≤ 300 ms for the ETR
page (``GET /etr?date=…``: the HTML with its charts' data). The requests cycle through origins, HTS
lines and dates so that caches of single answers do not flatter the figures.

Bounded in count (``n`` per kind; 100 with ``quick``, 500 otherwise) and time (each phase stops
after 60 s).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {"rate": 50.0, "etr_page": 300.0}
START_TIMEOUT_S = 600  # a cold start (schedule rebuilt after a law change) on a shared machine
RATE_CASES = [
    ("JPN", "8703230190"), ("CHN", "8471300100"), ("DEU", "8703230190"), ("MEX", "2709001000"),
    ("KOR", "8703230140"), ("VNM", "8517130000"), ("CAN", "7601103000"), ("IND", "3004909215"),
]  # fmt: skip
DATES = [
    "2025-03-05",
    "2025-04-05",
    "2025-04-10",
    "2025-06-01",
    "2025-08-07",
    "2025-10-01",
    "2026-03-01",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start() -> tuple[subprocess.Popen, str, float]:
    import httpx

    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "tariffsim.web.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        if proc.poll() is not None:
            raise RuntimeError("uvicorn exited during start-up")
        try:
            if httpx.get(base + "/api/countries", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.perf_counter() - t0 > START_TIMEOUT_S:
            proc.terminate()
            raise RuntimeError(f"server not ready after {START_TIMEOUT_S} s")
        time.sleep(0.2)
    return proc, base, time.perf_counter() - t0


async def _phase(base: str, urls: list[str], concurrency: int, budget_s: float) -> dict:
    import httpx

    lat: list[float] = []
    errors = 0
    queue = list(reversed(urls))
    t_end = time.perf_counter() + budget_s

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while queue and time.perf_counter() < t_end:
            url = queue.pop()
            t = time.perf_counter()
            r = await client.get(url)
            lat.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors += 1

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.get(urls[0])  # connection set-up outside the timings
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    ms = np.array(lat) * 1000
    return {
        "requests": len(lat),
        "errors": errors,
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
        "req_per_s": round(len(lat) / wall, 1),
    }


def run(*, quick: bool) -> dict:
    n = 100 if quick else 500
    concurrency = 4
    proc, base, startup = _start()
    try:
        rate_urls = [
            f"/api/rate?origin={o}&hs={h}&date={DATES[i % len(DATES)]}"
            for i, (o, h) in enumerate(RATE_CASES[i % len(RATE_CASES)] for i in range(n))
        ]
        etr_urls = [f"/etr?date={DATES[i % len(DATES)]}" for i in range(max(20, n // 5))]
        etr_api = [f"/api/etr?date={DATES[i % len(DATES)]}&by=partner&top=20" for i in range(n)]
        res = {
            "startup_s": round(startup, 2),
            "rate": asyncio.run(_phase(base, rate_urls, concurrency, 60)),
            "etr_api": asyncio.run(_phase(base, etr_api, concurrency, 60)),
            "etr_page": asyncio.run(_phase(base, etr_urls, concurrency, 60)),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    res["concurrency"] = concurrency
    for k, t in TARGETS_MS.items():
        res[f"{k}_p95_target_ms"] = t
        res[f"{k}_meets_target"] = res[k]["p95_ms"] <= t and res[k]["errors"] == 0
    return res


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
