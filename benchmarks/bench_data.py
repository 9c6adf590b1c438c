"""Data layer: cold vs warm loads (parse + cache write, then read from the parquet cache).

``cold``: empty cache folder, nothing memoised (parses the HTS JSON, derives the MFN table with its
AVEs, writes the cache). ``warm``: a fresh process's view — the cache file exists, the in-process memo
is empty. ``memo``: the same process asking again.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable


def _time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run(*, quick: bool) -> dict:
    from tariffsim.data import census, hts, store

    repeat = 1 if quick else 3
    out: dict[str, float] = {}
    old = os.environ.get("TARIFFSIM_CACHE")
    try:
        for label, fn in (
            ("mfn_2025_basic", lambda: hts.mfn_table("2025_basic")),
            ("imports_2024", census.imports_2024),
            ("load_revision_2025_rev_7", lambda: hts.load_revision("2025_rev_7")),
        ):
            cold = []
            for _ in range(repeat):
                with tempfile.TemporaryDirectory() as d:
                    os.environ["TARIFFSIM_CACHE"] = d
                    store.memo_clear()
                    hts.parse_rate.cache_clear()
                    t = time.perf_counter()
                    fn()
                    cold.append(time.perf_counter() - t)

                    def warm_once(fn: Callable[[], object] = fn) -> None:
                        store.memo_clear()
                        fn()

                    out[f"{label}_warm_s"] = min(
                        out.get(f"{label}_warm_s", 1e9), _time(warm_once, repeat)
                    )
                    out[f"{label}_memo_s"] = _time(fn, repeat)
            out[f"{label}_cold_s"] = min(cold)
    finally:
        if old is None:
            os.environ.pop("TARIFFSIM_CACHE", None)
        else:
            os.environ["TARIFFSIM_CACHE"] = old
        store.memo_clear()
    return {k: round(v, 4) for k, v in sorted(out.items())}
