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

**Sweep** (:func:`sweep`, ``run()["sweep_new_date"]`` and ``python bench_negotiate_cli.py --sweep``):
the new-date set-up for more partners and dates across the range the target names (2025-04-02 to
2026-02-20) — every outcome file's backtest date (``T3``: three days before the deal or the missed
deadline, :func:`tariffsim.negotiation.backtest.targets`) inside the range, and the range's first and
last day — one run each, reporting every run and the slowest (wall and CPU).
``python bench_negotiate_cli.py --sweep --cold`` runs the same partner-dates (and the warming case)
each from an empty cache instead: the target's "every partner and date from a fresh clone".
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
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
FIRST_DAY, LAST_DAY = "2025-04-02", "2026-02-20"  # the range of the target
EDGE_CASES: tuple[tuple[str, str], ...] = (("JPN", FIRST_DAY), ("EU", LAST_DAY))


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


def sweep_cases() -> list[tuple[str, str]]:
    """The sweep's (partner, date): each outcome's T3 date inside [FIRST_DAY, LAST_DAY] and the
    range's edges (the warming case itself left out: its date is not new)."""
    from tariffsim.negotiation.backtest import targets

    days = {
        (t.partner, t.as_of.isoformat())
        for t in targets()
        if t.origin == "T3" and FIRST_DAY <= t.as_of.isoformat() <= LAST_DAY
    }
    days |= set(EDGE_CASES)
    days.discard(WARM_WITH)
    return sorted(days, key=lambda c: (c[1], c[0]))


def _warm(tmp: Path) -> Path:
    warm = tmp / "warm"
    _run(*WARM_WITH, warm)
    return warm


def _new_date(partner: str, day: str, warm: Path, tmp: Path) -> dict[str, float]:
    """One run on a copy of the warmed cache (removed after)."""
    w = tmp / f"new-{partner}-{day}"
    shutil.copytree(warm, w)
    try:
        return _run(partner, day, w)
    finally:
        shutil.rmtree(w, ignore_errors=True)


def _cold(partner: str, day: str, tmp: Path) -> dict[str, float]:
    """One run on an empty cache (removed after)."""
    c = tmp / f"cold-{partner}-{day}"
    try:
        return _run(partner, day, c)
    finally:
        shutil.rmtree(c, ignore_errors=True)


def sweep(cases: Sequence[tuple[str, str]] | None = None, *, cold: bool = False) -> dict[str, Any]:
    """Runs of :func:`sweep_cases` (one each) on a copy of a warmed cache, or with ``cold`` each on
    an empty cache (a fresh clone's first forecast): every run and the slowest by wall and CPU."""
    cases = list(cases) if cases is not None else sweep_cases()
    if cold:
        cases = sorted({*cases, WARM_WITH}, key=lambda c: (c[1], c[0]))
    tmp = Path(tempfile.mkdtemp(prefix="tariffsim-negsweep-"))
    try:
        if cold:
            runs = {f"{p} {d}": _cold(p, d, tmp) for p, d in cases}
        else:
            warm = _warm(tmp)
            runs = {f"{p} {d}": _new_date(p, d, warm, tmp) for p, d in cases}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rounded = {k: {m: round(v, 2) for m, v in r.items()} for k, r in runs.items()}
    worst_wall = max(rounded, key=lambda k: rounded[k]["wall_s"])
    worst_cpu = max(rounded, key=lambda k: rounded[k]["cpu_s"])
    return {
        "set_up": "empty cache" if cold else "new date",
        "warmed_with": None if cold else " ".join(WARM_WITH),
        "cases": len(rounded),
        "max_wall_s": rounded[worst_wall]["wall_s"],
        "max_wall_case": worst_wall,
        "max_cpu_s": rounded[worst_cpu]["cpu_s"],
        "max_cpu_case": worst_cpu,
        "load_max": max(r["load"] for r in rounded.values()),
        "runs": rounded,
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    repeats = 1 if quick else 3
    cases = CASES[:2] if quick else CASES
    tmp = Path(tempfile.mkdtemp(prefix="tariffsim-negbench-"))
    try:
        warm = _warm(tmp)
        out: dict[str, Any] = {}
        for partner, day in cases:
            cold_runs, new_runs = [], []
            for _ in range(repeats):
                cold_runs.append(_cold(partner, day, tmp))
                new_runs.append(_new_date(partner, day, warm, tmp))
            out[f"{partner} {day}"] = {"cold": _median(cold_runs), "new_date": _median(new_runs)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res: dict[str, Any] = {"repeats": repeats, "warmed_with": " ".join(WARM_WITH), "runs": out}
    if not quick:
        res["sweep_new_date"] = sweep()
    return res


if __name__ == "__main__":  # pragma: no cover - a manual run
    import json

    if "--sweep" in sys.argv:
        print(json.dumps(sweep(cold="--cold" in sys.argv), indent=1))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=1))
