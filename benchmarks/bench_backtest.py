"""Benchmark of the wave backtest: ``tariffsim backtest wave`` end to end.

Figures: the number of targets and forecasts; seconds of the baselines and scoring alone; and, when
the wave forecaster exists, seconds of the whole backtest with 2,000 draws per forecast on the local
process pool (2 workers) — the target is at most 60 s on 2 cores — and with the serial
executor for comparison, plus the cold CLI (a fresh process, ``--json``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def run(*, quick: bool) -> dict:
    from tariffsim.core.errors import InputError
    from tariffsim.negotiation.backtest import default_forecaster, run_backtest

    out: dict = {}
    t = time.perf_counter()
    base = run_backtest(baselines_only=True, n_boot=2000)
    out["baselines_only_s"] = time.perf_counter() - t
    out["targets"] = base.settings["targets"]
    try:
        default_forecaster()
    except InputError as exc:
        out["model"] = f"not available ({exc})"
        return out
    draws = 500 if quick else 2000
    for executor, workers in (("local", 2), ("serial", 1)):
        t = time.perf_counter()
        res = run_backtest(draws=draws, executor=executor, workers=workers)
        out[f"backtest_{executor}_{draws}_draws_s"] = time.perf_counter() - t
        out["forecasts"] = res.settings["forecasts"]
        if quick:
            break
    exe = Path(sys.executable).with_name("tariffsim")
    cmd = [str(exe), "backtest", "wave", "--json", "--workers", "2", "--draws", str(draws)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    out["cli_cold_s"] = time.perf_counter() - t
    return out
