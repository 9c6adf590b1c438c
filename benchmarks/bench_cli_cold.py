"""The CLI as a user meets it: each command from a new process, with an empty cache (cold) and warm.

This is the one place that times ``tariffsim rate`` (and the other start-up figures the README
quotes). Each command runs as ``python -c 'from tariffsim.cli.main import main; …'`` in a
subprocess (so interpreter start, imports and cache building count): for each of ``reps`` rounds
(5; 2 with ``--quick``) a fresh empty ``TARIFFSIM_CACHE`` is made, the command runs once there
(cold: the state of a fresh clone or of a new law version) and once more on the cache it left
(warm). Two data set-ups: the reference data (``../shared`` or ``$TARIFFSIM_DATA``) when present,
and the package bundle alone (``TARIFFSIM_DATA`` pointed at an empty folder).

Reported per set-up, command and state: wall time and CPU time (user + system of the child) as
median and min over the rounds, all wall times, and the child's peak memory (max over rounds).
Wall time depends on the machine's load far more than CPU time, so the 1-minute load average is
reported before and after, with the ``uptime`` line. ``bytecode_cache`` says whether the children
may write ``__pycache__`` (``PYTHONDONTWRITEBYTECODE`` unset): with it set, every run compiles
tariffsim's own modules again (an installed wheel ships them compiled).

Targets (issue 12 item 7): a single ``rate`` ≤ 0.5 s wall (warm); cold ``etr --from 2025-01-01
--to 2026-06-30`` ≤ 5 s. Run: ``python benchmarks/run.py cli_cold``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

COMMANDS: dict[str, list[str]] = {
    "rate": ["rate", "JPN", "8703.23.01.90", "--on", "2025-09-20"],
    "rate_json": ["rate", "JPN", "8703.23.01.90", "--on", "2025-09-20", "--json"],
    "etr_series": ["etr", "--from", "2025-01-01", "--to", "2026-06-30"],
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
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "max_rss_mb": _maxrss_kb(proc.stderr) / 1024,
    }


def _maxrss_kb(stderr: str) -> int:
    for line in reversed(stderr.splitlines()):
        if line.startswith("MAXRSS "):
            return int(line.split()[1])
    return 0


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs]
    cpus = [r["cpu_s"] for r in runs]
    return {
        "wall_s_median": round(statistics.median(walls), 3),
        "wall_s_min": round(min(walls), 3),
        "cpu_s_median": round(statistics.median(cpus), 3),
        "cpu_s_min": round(min(cpus), 3),
        "wall_s_all": [round(w, 3) for w in walls],
        "max_rss_mb": round(max(r["max_rss_mb"] for r in runs), 1),
    }


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


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


def run(*, quick: bool = False, commands: list[str] | None = None) -> dict[str, Any]:
    reps = 2 if quick else 5
    res: dict[str, Any] = {
        "uptime_before": _uptime(),
        "load_average_before": round(os.getloadavg()[0], 2),
        "rounds": reps,
        "bytecode_cache": "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on",
    }
    for setup, env in _setups().items():
        for name, argv in COMMANDS.items():
            if commands and name not in commands:
                continue
            colds, warms = [], []
            for _ in range(reps):
                with tempfile.TemporaryDirectory(prefix="tariffsim-cache-") as cache:
                    e = {**env, "TARIFFSIM_CACHE": cache}
                    colds.append(_run(argv, e))
                    warms.append(_run(argv, e))
            res[f"{setup}.{name}.cold"] = _summary(colds)
            res[f"{setup}.{name}.warm"] = _summary(warms)
    res["uptime_after"] = _uptime()
    res["load_average_after"] = round(os.getloadavg()[0], 2)
    return res


if __name__ == "__main__":
    import json

    only = [a for a in sys.argv[1:] if not a.startswith("-")]
    print(json.dumps(run(quick="--quick" in sys.argv, commands=only or None), indent=2))
