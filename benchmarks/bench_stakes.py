"""Benchmarks of the stakes API: ``python benchmarks/run.py stakes [--quick] [--json]``.

The negotiation layer asks for the stakes of a partner on a date: here the reciprocal rate
(floor, 3 levels) and the car-and-parts rate (floor, 3 levels), PE and GE, short run, on 15 April
2025. Timed:

1. the as-of state built from nothing (schedule compiles, the PE from the 2024 law to the as-of
   law, the GE status quo), in a fresh cache folder (skipped with ``--quick``);
2. the state read back from the disk cache in a new process state (memory cleared);
3. each new partner on the cached date (JPN, KOR, EU, VNM, CHE, CHN, IND): the issue's scopes,
   one PE solve on the products it sells and one warm-started GE solve per level. The target is
   2 s per new partner.
"""

from __future__ import annotations

import os
import tempfile
import time
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


def run(*, quick: bool = False) -> dict[str, Any]:
    from tariffsim.models import stakes as S

    out: dict[str, Any] = {"as_of": AS_OF, "levels_per_partner": 6}
    if not quick:
        old = os.environ.get("TARIFFSIM_CACHE")
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["TARIFFSIM_CACHE"] = tmp
            S.clear_cache()
            t0 = time.perf_counter()
            S._state(S.dt.date.fromisoformat(AS_OF), "short-run")
            out["state_cold_s"] = round(time.perf_counter() - t0, 2)
            S.clear_cache()
        if old is None:
            os.environ.pop("TARIFFSIM_CACHE", None)
        else:
            os.environ["TARIFFSIM_CACHE"] = old
    S.clear_cache()
    S._state(S.dt.date.fromisoformat(AS_OF), "short-run")  # make sure the disk cache exists
    S.clear_cache()
    t0 = time.perf_counter()
    S._state(S.dt.date.fromisoformat(AS_OF), "short-run")
    out["state_from_disk_s"] = round(time.perf_counter() - t0, 2)
    issues = _issues()
    per: dict[str, float] = {}
    for p in PARTNERS[:3] if quick else PARTNERS:
        t0 = time.perf_counter()
        S.stakes_for_issues(p, AS_OF, issues)
        per[p] = round(time.perf_counter() - t0, 2)
    out["new_partner_s"] = per
    out["new_partner_max_s"] = max(per.values())
    t0 = time.perf_counter()
    S.stakes_for_issues("JPN", AS_OF, issues)
    out["cached_partner_s"] = round(time.perf_counter() - t0, 3)
    return out
