"""The first run, as a user meets it: the CLI from a new process, with an empty cache and warm.

Each command runs as ``python -m tariffsim.cli.main …`` in a subprocess (so start-up, imports and
cache building count), first with an empty ``TARIFFSIM_CACHE`` (cold: the state of a fresh clone)
and then again with the cache it left (warm). Two data set-ups: the reference data (``../shared``
or ``$TARIFFSIM_DATA``) when present, and the package bundle alone (``TARIFFSIM_DATA`` pointed at an
empty folder). For each run: wall time, CPU time (user + system of the child) and peak memory.

Wall time depends on the machine's load (CPU time much less), so the load average is reported with
every figure. Targets (issue 12 item 7): cold ``etr --from 2025-01-01 --to 2026-06-30`` ≤ 5 s, a
single ``rate`` ≤ 0.5 s wall.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

COMMANDS: dict[str, list[str]] = {
    "etr_series": ["etr", "--from", "2025-01-01", "--to", "2026-06-30"],
    "rate": ["rate", "JPN", "8703230190", "--on", "2025-04-05"],
    "search": ["search", "laptop", "--limit", "3"],
}


# the child reports its own peak memory (RUSAGE_CHILDREN would give the maximum over all children)
_CHILD = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'\\nMAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "from tariffsim.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _run(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr[-500:]}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3),
        "max_rss_mb": round(_maxrss_kb(proc.stderr) / 1024, 1),
    }


def _maxrss_kb(stderr: str) -> int:
    for line in reversed(stderr.splitlines()):
        if line.startswith("MAXRSS "):
            return int(line.split()[1])
    return 0


def _setups() -> dict[str, dict[str, str]]:
    from tariffsim.data import paths

    base = {k: v for k, v in os.environ.items() if k != "TARIFFSIM_DATA"}
    out: dict[str, dict[str, str]] = {}
    if paths.shared_data_dir() is not None:
        env = dict(base)
        if os.environ.get("TARIFFSIM_DATA"):
            env["TARIFFSIM_DATA"] = os.environ["TARIFFSIM_DATA"]
        out["reference_data"] = env
    empty = tempfile.mkdtemp(prefix="tariffsim-nodata-")
    out["bundle_only"] = {**base, "TARIFFSIM_DATA": empty}
    return out


def run(*, quick: bool = False) -> dict[str, Any]:
    res: dict[str, Any] = {"load_average_before": round(os.getloadavg()[0], 2)}
    reps = 1 if quick else 3
    for setup, env in _setups().items():
        for name, argv in COMMANDS.items():
            colds, warms = [], []
            for _ in range(reps):
                with tempfile.TemporaryDirectory(prefix="tariffsim-cache-") as cache:
                    e = {**env, "TARIFFSIM_CACHE": cache}
                    colds.append(_run(argv, e))
                    warms.append(_run(argv, e))
            best = min(colds, key=lambda r: r["wall_s"])
            res[f"{setup}.{name}.cold"] = best
            res[f"{setup}.{name}.cold_wall_all_s"] = [r["wall_s"] for r in colds]
            res[f"{setup}.{name}.warm"] = min(warms, key=lambda r: r["wall_s"])
    res["load_average_after"] = round(os.getloadavg()[0], 2)
    return res


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
