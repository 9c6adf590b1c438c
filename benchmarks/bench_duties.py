"""Benchmark of the duties area: the daily ETR series 2025-01-01 → 2026-06-30 over all 334,728 rows.

Target (issue 3): ≤ 5 s for the series by partner and by authority. Reported: data load, schedule
load, compile (one call over the whole range), aggregate (per segment, days mapped by
segment_index), and the total; best of ``repeats`` runs for compile and aggregate.
"""

from __future__ import annotations

import datetime as dt
import time

START = dt.date(2025, 1, 1)
END = dt.date(2026, 7, 1)  # half-open: the last day is 2026-06-30


def run(*, quick: bool) -> dict:
    from tariffsim.duties.etr import _compile, series_from_compiled
    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    t0 = time.perf_counter()
    flows = default_flows()
    t1 = time.perf_counter()
    sched = load_schedule()
    t2 = time.perf_counter()
    repeats = 1 if quick else 3
    compile_s, agg_s = [], []
    series = None
    compiled = None
    for _ in range(repeats):
        a = time.perf_counter()
        compiled = _compile(sched, flows, START, END)
        b = time.perf_counter()
        series = series_from_compiled(compiled, flows, START, END, by=("partner",))
        c = time.perf_counter()
        compile_s.append(b - a)
        agg_s.append(c - b)
    assert series is not None and compiled is not None
    return {
        "rows": flows.n,
        "days": series.daily.height,
        "segments": len(series.segments),
        "seconds_data_load": round(t1 - t0, 3),
        "seconds_schedule_load": round(t2 - t1, 3),
        "seconds_compile": round(min(compile_s), 3),
        "seconds_aggregate": round(min(agg_s), 3),
        "seconds_series_total": round(min(compile_s) + min(agg_s), 3),
        "target_seconds": 5.0,
        "etr_first_day": round(float(series.daily["etr"][0]), 5),
        "etr_last_day": round(float(series.daily["etr"][-1]), 5),
    }
