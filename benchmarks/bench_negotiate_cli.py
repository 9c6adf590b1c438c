"""``tariffsim negotiate PARTNER --as-of DATE --json`` from a new process: cold and first-time-for-a-date.

Targets (issues "Economics …" and "The 2025–26 wave"): a forecast for any partner and date in
≤ 5 s from a cold CLI. Each run is ``python -c 'from tariffsim.cli.main import main; …'`` in a
subprocess (start-up, imports and cache building count), in two set-ups:

* **cold** — an empty ``TARIFFSIM_CACHE`` (a fresh clone: the law library, the models' baseline and
  the date are all built);
* **new date** — a copy of a cache warmed by one forecast for another partner on another date
  (``GBR`` on 2025-05-05): the law library and the models' baseline are on disk, the date is not.

For each partner and date, the median of ``repeats`` runs of wall time and CPU time (user + system
of the child), with the load average (1 min) before each run: on the shared 2-core machine the wall
time grows with the load, the CPU time much less.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli_cold import _run as cli_child_run  # one child runner for the CLI

CASES: tuple[tuple[str, str], ...] = (
    ("JPN", "2025-04-15"),
    ("VNM", "2025-06-30"),
    ("EU", "2025-07-24"),
    ("KOR", "2025-07-27"),
    ("CHE", "2025-11-11"),
    ("IND", "2026-02-01"),
)
WARM_WITH = ("GBR", "2025-05-05")


def _run(partner: str, day: str, cache: Path) -> dict[str, float]:
    """One ``negotiate`` in a new process (the CLI child runner of ``bench_cli_cold``)."""
    env = dict(os.environ, TARIFFSIM_CACHE=str(cache))
    load = os.getloadavg()[0]
    r = cli_child_run(["negotiate", partner, "--as-of", day, "--json"], env)
    return {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "load": load}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "wall_s": round(statistics.median(r["wall_s"] for r in runs), 2),
        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "load_min": round(min(r["load"] for r in runs), 2),
        "load_max": round(max(r["load"] for r in runs), 2),
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    repeats = 1 if quick else 3
    cases = CASES[:2] if quick else CASES
    tmp = Path(tempfile.mkdtemp(prefix="tariffsim-negbench-"))
    try:
        warm = tmp / "warm"
        _run(*WARM_WITH, warm)
        out: dict[str, Any] = {}
        for partner, day in cases:
            cold_runs, new_runs = [], []
            for i in range(repeats):
                c = tmp / f"cold-{partner}-{i}"
                cold_runs.append(_run(partner, day, c))
                shutil.rmtree(c, ignore_errors=True)
                w = tmp / f"new-{partner}-{i}"
                shutil.copytree(warm, w)
                new_runs.append(_run(partner, day, w))
                shutil.rmtree(w, ignore_errors=True)
            out[f"{partner} {day}"] = {"cold": _median(cold_runs), "new_date": _median(new_runs)}
        return {"repeats": repeats, "warmed_with": " ".join(WARM_WITH), "runs": out}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - a manual run
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=1))
