"""Benchmark of the negotiation case layer.

Figures: ``tariffsim negotiate us-japan-2025-04 --json`` and ``tariffsim negotiate PARTNER --as-of
DATE --json`` in a fresh process (cold interpreter; the disk caches of the law and the stakes warm),
wall and CPU seconds (on the shared machine the wall time grows with the load average, reported
beside), and ``forecast_partner`` in process (warm). Targets (issues 9 and 10): a case or a partner
forecast in ≤ 5 s from a cold CLI.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

CASE = "us-japan-2025-04"


def _cli(*args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of the command in a fresh process."""
    import resource

    exe = Path(sys.executable).with_name("tariffsim")
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "tariffsim.cli.main", *args]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def run(*, quick: bool) -> dict:
    from tariffsim.negotiation.forecast import forecast_partner

    out: dict = {}
    day = dt.date(2025, 4, 15)
    forecast_partner("JPN", day, draws=200)  # warm the disk caches
    t = time.perf_counter()
    reps = 1 if quick else 3
    for _ in range(reps):
        forecast_partner("JPN", day, draws=2000)
    out["forecast_partner_2000_draws_warm_s"] = (time.perf_counter() - t) / reps
    import os

    out["load_average_1min"] = os.getloadavg()[0]
    out["cli_case_cold_wall_s"], out["cli_case_cold_cpu_s"] = _cli("negotiate", CASE, "--json")
    out["cli_partner_cold_wall_s"], out["cli_partner_cold_cpu_s"] = _cli(
        "negotiate", "KOR", "--as-of", "2025-04-15", "--json"
    )
    return out
