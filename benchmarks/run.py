"""Benchmark runner: ``python benchmarks/run.py AREA [--json]``.

Each area is a module ``benchmarks/bench_<area>.py`` exposing ``run(*, quick: bool) -> dict``; the
dict's figures (seconds, speed-ups, sizes) are printed as a table or, with ``--json``, as JSON.
``all`` runs every area. Reference tools named by the issues (gegravity, NegMAS) run side by side
where installed (NegMAS lives in a separate benchmark-only environment, ``.venv-bench``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _areas() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def _load(area: str):
    path = HERE / f"bench_{area}.py"
    if not path.exists():
        raise SystemExit(f"error: no benchmark area {area!r}; choose from {', '.join(_areas())}")
    spec = importlib.util.spec_from_file_location(f"bench_{area}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("area", help=f"one of: all, {', '.join(_areas())}")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    areas = _areas() if args.area == "all" else [args.area]
    results = {a: _load(a).run(quick=args.quick) for a in areas}
    out = results if args.area == "all" else results[areas[0]]
    if args.json:
        print(json.dumps(out, indent=2, default=float))
    else:
        for area, res in results.items():
            print(f"== {area}")
            for k, v in res.items():
                print(f"  {k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
