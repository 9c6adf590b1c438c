"""Schedule engine benchmark: rates of every 2024 HS10 × partner row, on one day and every day.

Targets: all 334,728 rows of ``census/us_imports_hs10_by_partner_2024`` on one date in ≤ 0.5 s;
every day of the library (2024-01-01 → 2026-06-30) in ≤ 1 s (piecewise-constant segments). Wall
times on a loaded machine overstate the cost, so CPU times (``process_time``) are reported too, and
how long the best all-days run waited for a core (the compile neither sleeps nor reads disk: wall −
CPU is that wait). One ``tariffsim rate`` from a new process (start-up included, cold and warm) is
timed by ``bench_cli_cold.py``. Run: ``python benchmarks/run.py schedule``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np


def _waited() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (Linux
    ``/proc/thread-self/schedstat``, second field; nan elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


def _best(fn, reps: int) -> tuple[float, object, float, tuple[float, float]]:
    """(best wall time, last result, CPU wait of the best run — wall minus CPU when the process
    neither sleeps nor reads disk, i.e. the time other processes held the cores —, (wall, CPU)
    of the first run, which also pays for fresh memory)."""
    best, out, wait, first = float("inf"), None, float("nan"), (float("nan"), float("nan"))
    for i in range(reps):
        w = _waited()
        c = time.process_time()
        t = time.perf_counter()
        out = fn()
        dt_ = time.perf_counter() - t
        if i == 0:
            first = (dt_, time.process_time() - c)
        if dt_ < best:
            best, wait = dt_, _waited() - w
    return best, out, wait, first


def run(*, quick: bool) -> dict:
    from tariffsim.data.census import imports_2024
    from tariffsim.schedule import load_schedule

    reps = 1 if quick else 3
    t = time.perf_counter()
    s = load_schedule()
    load_s = time.perf_counter() - t

    df = imports_2024()
    df = df.filter(df["iso3"].is_not_null())
    hs = df["hs10"].to_numpy().astype(str)
    org = df["iso3"].to_numpy().astype(str)
    n = len(hs)

    one_day, c1, _, _ = _best(lambda: s.compile(hs, org, dt.date(2025, 9, 20)), reps)
    cov = s.coverage
    all_days, c2, all_wait, all_first = _best(
        lambda: s.compile(hs, org, cov.start, cov.end, dtype=np.float32), reps
    )
    cpu = float("inf")
    for _ in range(reps):
        t = time.process_time()
        s.compile(hs, org, cov.start, cov.end, dtype=np.float32)
        cpu = min(cpu, time.process_time() - t)
    t = time.perf_counter()
    days = np.arange(np.datetime64(cov.start), np.datetime64(cov.end))
    c2.segment_index(days)  # the daily series of row j is c2.total[seg, j]
    daily_s = time.perf_counter() - t
    # What the ETR series uses: each distinct part dotted with the trade values once, then added per
    # authority and segment (no dense (k, n) per-authority arrays; ``Compiled.by_authority`` builds
    # those — about 6 s and 0.5 GB here — and no duties path uses it on a whole period).
    w = df["imports_usd"].to_numpy().astype(np.float64)
    t = time.perf_counter()
    by_auth = c2.authority_dot(w)
    by_auth_s = time.perf_counter() - t
    t = time.perf_counter()
    c2.authority_at(int(c2.segment_index([dt.date(2025, 9, 20)])[0]))
    at_s = time.perf_counter() - t

    etr = float((c1.total[0] * w).sum() / w.sum())

    return {
        "rows": n,
        "measures": len(s.measure_ids),
        "load_schedule_s": round(load_s, 3),
        "one_day_s": round(one_day, 3),
        "one_day_target_s": 0.5,
        f"all_days_s ({cov.start}..{cov.last_day}, float32)": round(all_days, 3),
        "all_days_cpu_s": round(cpu, 3),
        "all_days_waiting_for_cpu_s (best wall run; other processes on the cores)": round(
            all_wait, 3
        ),
        "all_days_first_run_s (wall, CPU)": (round(all_first[0], 3), round(all_first[1], 3)),
        "all_days_target_s": 1.0,
        "segments": c2.k,
        "distinct_parts": len(c2._store),
        "days": len(days),
        f"segment_index_s ({len(days)} days)": round(daily_s, 4),
        "authority_dot_s (ETR by authority, every segment)": round(by_auth_s, 3),
        "authority_at_s (one day's rates by authority)": round(at_s, 3),
        "authorities": len(by_auth),
        "rows_missing_mfn_line": c1.missing_mfn,
        "import_weighted_rate_2025-09-20": round(etr, 4),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
