"""Benchmark of the negotiation case layer: ``tariffsim negotiate us-japan-2025-04`` end to end.

Figures: seconds to load the case and build the preferences (warm), seconds of ``analyze`` with the
default number of draws (warm), and wall-clock seconds of the command in a fresh process (cold: data
loading, schedule evaluation, simulation, sensitivity). Issue 5 asks for under a minute.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

CASE = "us-japan-2025-04"


def run(*, quick: bool) -> dict:
    from tariffsim.negotiation.analysis import analyze
    from tariffsim.negotiation.case import load_case
    from tariffsim.negotiation.preferences import build_preferences

    out: dict = {}
    c = load_case(CASE)
    build_preferences(c)  # warm the data caches
    t = time.perf_counter()
    reps = 3 if quick else 10
    for _ in range(reps):
        build_preferences(load_case(CASE))
    out["load_and_preferences_s"] = (time.perf_counter() - t) / reps
    out["packages"] = c.agenda().n_packages
    t = time.perf_counter()
    r = analyze(c, draws=2000, seed=0)
    out["analyze_2000_draws_s"] = time.perf_counter() - t
    out["pareto_size"] = r.pareto_size
    out["agreement_probability"] = r.agreement_probability
    exe = Path(sys.executable).with_name("tariffsim")
    cmd = (
        [str(exe), "negotiate", CASE, "--json"]
        if exe.exists()
        else [sys.executable, "-m", "tariffsim.cli.main", "negotiate", CASE, "--json"]
    )
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    out["cli_cold_s"] = time.perf_counter() - t
    return out
