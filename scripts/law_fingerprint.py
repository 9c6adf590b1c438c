"""Fingerprint the law on real trade rows, to prove a rewrite of the library changes no rate.

``dump OUT.json``: compiles every 2024 HTS10 × partner row of ``tariffsim.data.census.imports_2024``
(334,728 rows) over every day of ``[--start, --end)`` (default: 2024-01-01 to 2026-07-01, the whole
library) and writes, for every day, a digest (BLAKE2b of the float64 bytes) of each measure's part
for all rows, and of the total rate (exact, and rounded to 12 decimals). Identical digests mean
bit-identical arrays.

``compare A.json B.json``: lists the days and measures whose arrays differ (exit 1 if any). The
total is the sum of the parts in evaluation order, so when every part is bit-identical a change of
that order (measures that do not refer to each other may be listed in another order) can move the
last bit of a sum (1e-16); the comparison then requires the totals to agree to 12 decimals and
reports the exact-bit differences as summation order only.

``rev REV OUT.json``: ``dump`` run with the package source of git revision ``REV`` (exported to a
temporary folder with ``git archive``; its own schedule cache), e.g.::

    python scripts/law_fingerprint.py rev 8fd8a0f /tmp/before.json
    python scripts/law_fingerprint.py dump /tmp/after.json
    python scripts/law_fingerprint.py compare /tmp/before.json /tmp/after.json

Rows are compiled in chunks to bound memory; a day's digest chains the chunks' digests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

CHUNK = 60_000


def _digest(arr: np.ndarray) -> bytes:
    return hashlib.blake2b(
        np.ascontiguousarray(arr, dtype=np.float64).tobytes(), digest_size=16
    ).digest()


def dump(out: Path, start: dt.date, end: dt.date) -> dict[str, Any]:
    from tariffsim.data.census import imports_2024
    from tariffsim.schedule import load_schedule

    s = load_schedule(cache=False)
    df = imports_2024()
    df = df.filter(df["iso3"].is_not_null())
    hs = df["hs10"].to_numpy().astype(str)
    org = df["iso3"].to_numpy().astype(str)
    days = np.arange(np.datetime64(start), np.datetime64(end), dtype="datetime64[D]")
    total = [hashlib.blake2b(digest_size=16) for _ in days]
    total12 = [hashlib.blake2b(digest_size=16) for _ in days]
    parts: dict[str, list[Any]] = {}
    for lo in range(0, len(hs), CHUNK):
        c = s.compile(hs[lo : lo + CHUNK], org[lo : lo + CHUNK], start, end)
        seg = c.segment_index(days)
        tot = [_digest(c.total[i]) for i in range(c.k)]
        tot12 = [_digest(np.round(c.total[i], 12)) for i in range(c.k)]
        for j, i in enumerate(seg):
            total[j].update(tot[i])
            total12[j].update(tot12[i])
        for mid in c.measure_ids:
            arr = c.part(mid)
            per = [_digest(arr[i]) for i in range(c.k)]
            h = parts.setdefault(mid, [hashlib.blake2b(digest_size=16) for _ in days])
            for j, i in enumerate(seg):
                h[j].update(per[i])
    res = {
        "rows": len(hs),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": [h.hexdigest() for h in total],
        "total12": [h.hexdigest() for h in total12],
        "parts": {m: [h.hexdigest() for h in hs_] for m, hs_ in sorted(parts.items())},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res))
    return res


def _runs(days: list[int]) -> str:
    """Day offsets → compact ranges text."""
    if not days:
        return ""
    out, a, b = [], days[0], days[0]
    for d in days[1:]:
        if d == b + 1:
            b = d
            continue
        out.append((a, b))
        a = b = d
    out.append((a, b))
    return ", ".join(f"{x}" if x == y else f"{x}..{y}" for x, y in out)


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if (a["rows"], a["start"], a["end"]) != (b["rows"], b["start"], b["end"]):
        return [
            f"different inputs: {a['rows']} rows {a['start']}..{a['end']} vs {b['rows']} rows {b['start']}..{b['end']}"
        ]
    start = dt.date.fromisoformat(a["start"])

    def days_text(idx: list[int]) -> str:
        ds = [(start + dt.timedelta(days=i)).toordinal() for i in idx]
        parts = _runs(ds).split(", ")
        return ", ".join(
            "..".join(dt.date.fromordinal(int(x)).isoformat() for x in p.split("..")) for p in parts
        )

    notes: list[str] = []
    diff = [i for i, (x, y) in enumerate(zip(a["total"], b["total"], strict=True)) if x != y]
    diff12 = [i for i, (x, y) in enumerate(zip(a["total12"], b["total12"], strict=True)) if x != y]
    if diff12:
        problems.append(f"total differs on {len(diff12)} days: {days_text(diff12)}")
    elif diff:
        notes.append(
            f"note: totals equal to 12 decimals; their last bits differ on {len(diff)} days "
            f"({days_text(diff)}): the parts are summed in another order"
        )
    for m in sorted(set(a["parts"]) | set(b["parts"])):
        pa, pb = a["parts"].get(m), b["parts"].get(m)
        if pa is None or pb is None:
            problems.append(f"measure {m} only in {'second' if pa is None else 'first'}")
            continue
        d = [i for i, (x, y) in enumerate(zip(pa, pb, strict=True)) if x != y]
        if d:
            problems.append(f"{m} differs on {len(d)} days: {days_text(d)}")
    if any(not p.startswith("total") for p in problems):
        return problems
    return problems + notes


def rev(revision: str, out: Path, start: dt.date, end: dt.date) -> None:
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="law-fp-") as tmp:
        tar = Path(tmp) / "src.tar"
        subprocess.run(
            ["git", "-C", str(root), "archive", "-o", str(tar), revision, "src"], check=True
        )
        with tarfile.open(tar) as tf:
            tf.extractall(tmp, filter="data")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(Path(tmp) / "src")
        env["TARIFFSIM_CACHE"] = str(Path(tmp) / "cache")
        if not env.get("TARIFFSIM_DATA"):  # the same reference data as this checkout sees
            from tariffsim.data.paths import shared_data_dir

            shared = shared_data_dir()
            if shared is not None:
                env["TARIFFSIM_DATA"] = str(shared)
        code = (
            "import sys, datetime as dt; from pathlib import Path; "
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
            "import law_fingerprint as f; import tariffsim; "
            f"assert tariffsim.__file__.startswith({tmp!r}), tariffsim.__file__; "
            f"f.dump(Path({str(out)!r}), dt.date.fromisoformat({start.isoformat()!r}), "
            f"dt.date.fromisoformat({end.isoformat()!r}))"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("dump", "rev"):
        sp = sub.add_parser(name)
        if name == "rev":
            sp.add_argument("revision")
        sp.add_argument("out", type=Path)
        sp.add_argument("--start", default="2024-01-01")
        sp.add_argument("--end", default="2026-07-01", help="exclusive")
    sp = sub.add_parser("compare")
    sp.add_argument("a", type=Path)
    sp.add_argument("b", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "compare":
        found = compare(json.loads(args.a.read_text()), json.loads(args.b.read_text()))
        problems = [x for x in found if not x.startswith("note:")]
        for line in found:
            print(line)
        if not problems:
            a = json.loads(args.a.read_text())
            print(
                f"identical: {a['rows']} rows x {len(a['total'])} days ({a['start']}..{a['end']}): "
                f"every part of {len(a['parts'])} measures bit for bit, totals to 12 decimals"
            )
        return 1 if problems else 0
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    if args.cmd == "dump":
        dump(args.out, start, end)
    else:
        rev(args.revision, args.out, start, end)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
