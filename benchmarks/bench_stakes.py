"""Benchmarks of the stakes API: ``python benchmarks/run.py stakes [--quick] [--json]``.

The negotiation layer asks for the stakes of a partner on a date: here the reciprocal rate
(floor, 3 levels) and the car-and-parts rate (floor, 3 levels), PE and GE, short run, on 15 April
2025. Timed, with the CPU seconds and the load average beside the wall time (the machine is
shared):

1. the as-of states of the wave backtest's forecast dates (``tariffsim backtest wave``: 15 Apr
   2025 and three days before each deal or deadline), both horizons, built from nothing in a
   fresh cache folder that holds only the compiled measure library and the data frames (the law
   and data caches are not the stakes' own and are built first, timed apart): the first state
   (the flows, the baseline law and the PE rows it shares with the others) and the mean of the
   others (one compile of the day's law, one PE solve from the baseline law, the GE tariff
   vector); ``--quick`` builds four dates;
2. the state read back from the disk cache with the memory cleared;
3. each new partner on the cached date (JPN, KOR, EU, VNM, CHE, CHN, IND): the issue's scopes,
   the PE of each level in closed form on the products it sells, one warm-started GE solve per
   level (the GE status quo is built on the first GE use of a state). The target is 2 s per new
   partner.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF = "2025-04-15"
PARTNERS = ("JPN", "KOR", "EU", "VNM", "CHE", "CHN", "IND")


def _issues() -> list[Any]:
    from tariffsim.models.stakes import TariffIssue

    return [
        TariffIssue("reciprocal", ("reciprocal",), "floor", (0.10, 0.15, 0.25)),
        TariffIssue(
            "autos",
            ("list:s232_autos_vehicles", "list:s232_auto_parts"),
            "floor",
            (0.025, 0.15, 0.275),
        ),
    ]


def _dates(quick: bool) -> list[dt.date]:
    from tariffsim.negotiation.backtest import targets

    days = sorted({t.as_of for t in targets()})
    return days[:4] if quick else days


class _Clock:
    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def run(*, quick: bool = False) -> dict[str, Any]:
    from tariffsim.data.paths import cache_dir
    from tariffsim.models import stakes as S
    from tariffsim.models import stakes_state as SS

    out: dict[str, Any] = {"as_of": AS_OF, "levels_per_partner": 6, "load_before": os.getloadavg()}
    days = _dates(quick)
    old = os.environ.get("TARIFFSIM_CACHE")
    src = cache_dir()
    with tempfile.TemporaryDirectory() as tmp:
        # The law and data caches are shared with everything else: copied in, not timed here.
        for p in Path(src).glob("schedule-*.pkl"):
            shutil.copy2(p, tmp)
        if (Path(src) / "frames").is_dir():
            shutil.copytree(Path(src) / "frames", Path(tmp) / "frames")
        os.environ["TARIFFSIM_CACHE"] = tmp
        SS.clear_cache()
        with _Clock() as c:
            from tariffsim.schedule import load_schedule

            load_schedule()
        out["law_and_data_load_s"] = round(c.wall, 2)
        times = []
        for i, day in enumerate(days):
            for h in ("short-run", "long-run"):
                with _Clock() as c:
                    SS.state(day, h)
                times.append((c.wall, c.cpu))
                if i == 0 and h == "short-run":
                    out["state_first_s"] = round(c.wall, 2)
        rest = times[1:]
        out["states_built"] = len(times)
        out["state_next_mean_s"] = round(sum(w for w, _ in rest) / len(rest), 3)
        out["state_next_cpu_mean_s"] = round(sum(c for _, c in rest) / len(rest), 3)
        out["states_all_s"] = round(sum(w for w, _ in times), 2)
        out["state_disk_kb"] = round(
            sum(p.stat().st_size for p in Path(tmp).glob("stakes-state-*.pkl")) / len(times) / 1e3
        )
        SS.clear_cache()
        SS.state(dt.date.fromisoformat(AS_OF), "short-run")  # the shared part, as a process has it
        SS._STATES.clear()
        with _Clock() as c:
            SS.state(dt.date.fromisoformat(AS_OF), "short-run")
        out["state_from_disk_s"] = round(c.wall, 3)
        issues = _issues()
        per: dict[str, float] = {}
        for p in PARTNERS[:3] if quick else PARTNERS:
            with _Clock() as c:
                S.stakes_for_issues(p, AS_OF, issues)
            per[p] = round(c.wall, 2)
        out["new_partner_s"] = per
        out["new_partner_max_s"] = max(per.values())
        with _Clock() as c:
            S.stakes_for_issues("JPN", AS_OF, issues)
        out["cached_partner_s"] = round(c.wall, 3)
        SS.clear_cache()
    if old is None:
        os.environ.pop("TARIFFSIM_CACHE", None)
    else:
        os.environ["TARIFFSIM_CACHE"] = old
    out["load_after"] = os.getloadavg()
    return out
