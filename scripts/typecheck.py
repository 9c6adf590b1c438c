"""Run mypy on the package against a per-file baseline of known errors that may only shrink.

Usage::

    .venv/bin/python scripts/typecheck.py            # what `make typecheck` runs
    .venv/bin/python scripts/typecheck.py --update   # lower the baseline after fixing errors
    .venv/bin/python scripts/typecheck.py --layers   # error counts per layer (no check)
    .venv/bin/python scripts/typecheck.py --reset    # record today's counts, even higher ones

mypy's settings are in ``pyproject.toml`` (``[tool.mypy]``: strict on ``core``, ``schedule``,
``duties`` and ``parallel``). When type checking was introduced some modules had errors; their
counts are recorded in ``scripts/typecheck-baseline.txt`` (one ``path count`` per line). The check
fails when a file has more errors than its baseline (a file not listed has a baseline of zero), and
prints the errors of that file. When a file has fewer errors than its baseline it says so: run
``--update`` to lower the baseline, so that the errors cannot come back. The goal is an empty
baseline, when this script is the same as running ``mypy``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scripts" / "typecheck-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):(?P<line>\d+): error: ")
LAYERS = ("core", "parallel", "data", "schedule", "duties", "models", "negotiation", "web", "cli")


def run_mypy() -> tuple[list[str], int]:
    """mypy's output lines and exit code (configuration from pyproject.toml)."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode not in (0, 1):  # 2 = mypy itself failed (bad configuration, crash)
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(proc.returncode)
    # exit 1 is also Python's "No module named mypy": a run that checked nothing must not pass
    if not any(line.startswith(("Success:", "Found ")) for line in proc.stdout.splitlines()):
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.stderr.write("mypy did not run (is it installed? `make test` installs the dev extra)\n")
        raise SystemExit(2)
    return proc.stdout.splitlines(), proc.returncode


def count_errors(lines: list[str]) -> Counter[str]:
    """Errors per file path (notes are not counted)."""
    counts: Counter[str] = Counter()
    for line in lines:
        m = ERROR.match(line)
        if m:
            counts[m["path"]] += 1
    return counts


def read_baseline(path: Path = BASELINE) -> dict[str, int]:
    out: dict[str, int] = {}
    if not path.exists():
        return out
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise SystemExit(f"{path}:{n}: expected 'path count', got {raw!r}")
        out[parts[0]] = int(parts[1])
    return out


def write_baseline(counts: dict[str, int], path: Path = BASELINE) -> None:
    lines = [
        "# mypy errors per file that predate type checking; may only shrink (scripts/typecheck.py).",
        "# Fix errors, then run `.venv/bin/python scripts/typecheck.py --update`.",
    ]
    lines += [f"{p} {c}" for p, c in sorted(counts.items()) if c > 0]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def layer_of(path: str) -> str:
    parts = Path(path).parts
    try:
        i = parts.index("tariffsim")
    except ValueError:
        return "other"
    rest = parts[i + 1 :]
    if not rest:
        return "other"
    name = rest[0].removesuffix(".py")
    return "schedule" if name == "jurisdictions" else name


def by_layer(counts: Counter[str]) -> dict[str, int]:
    out = dict.fromkeys(LAYERS, 0)
    for path, c in counts.items():
        layer = layer_of(path)
        out[layer] = out.get(layer, 0) + c
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--update", action="store_true", help="lower the baseline to today's counts")
    ap.add_argument("--layers", action="store_true", help="print error counts per layer and exit")
    ap.add_argument(
        "--reset",
        action="store_true",
        help="record today's counts as the baseline, higher ones too (only when merging branches "
        "written before type checking ran in make test)",
    )
    args = ap.parse_args(argv)

    lines, _ = run_mypy()
    counts = count_errors(lines)
    if args.layers:
        for layer, c in by_layer(counts).items():
            print(f"{layer:12s} {c}")
        print(f"{'total':12s} {sum(counts.values())}")
        return 0

    if args.reset:
        write_baseline(dict(counts))
        print(f"baseline reset: {sum(counts.values())} errors in {len(counts)} files")
        return 0

    baseline = read_baseline()
    worse = {p: c for p, c in counts.items() if c > baseline.get(p, 0)}
    better = {
        p: (baseline[p], counts.get(p, 0)) for p in baseline if counts.get(p, 0) < baseline[p]
    }
    if worse:
        print("mypy: more errors than the baseline allows (scripts/typecheck-baseline.txt):")
        for p, c in sorted(worse.items()):
            print(f"  {p}: {c} errors (baseline {baseline.get(p, 0)})")
        print()
        for line in lines:
            m = ERROR.match(line)
            if m and m["path"] in worse:
                print(line)
        return 1
    if args.update:
        write_baseline({p: counts.get(p, 0) for p in baseline})
        print(f"baseline updated: {sum(counts.values())} errors in {len(counts)} files")
        return 0
    total = sum(counts.values())
    print(f"mypy: {total} known errors in {len(counts)} files, none new (baseline {BASELINE.name})")
    if better:
        print("fewer errors than the baseline in:")
        for p, (b, c) in sorted(better.items()):
            print(f"  {p}: {c} (baseline {b})")
        print("lower it: .venv/bin/python scripts/typecheck.py --update")
    return 0


if __name__ == "__main__":
    sys.exit(main())
