"""Attack the CLI as the December 2026 review did (~200 inputs) and count what went wrong.

    .venv/bin/python benchmarks/attack_cli.py [--json] [--jobs 2]

Every input runs ``tariffsim`` in its own process (so a crash, a memory blow-up or a hang counts),
under a 4 GB address-space limit and a 300 s timeout, from a scratch folder. Categories, as the
review's: single entries (origins, HS codes, dates), option checks on the other commands, CSV files
(``tests/robustness/hostile.py`` plus encodings, sizes and mixed bad rows), reform YAML files (bombs,
tags, nesting, bad values) and output targets (folder, unwritable, symlink, FIFO, device, existing).

Each input has an expectation: ``ok`` (exit 0), ``refuse`` (exit 2 with one ``error:`` line), or a
value to check (a rate, a row count). Reported: inputs tried, exit codes, crashes (a traceback, an
exit code other than 0/2, a signal, a timeout), wrong answers (exit 0 where a refusal is due, a
wrong value, a target replaced, "wrote" after a failed write), rows lost (rows in ≠ rows out + rows
reported), stderr over 4 kB (an echoed input), and the slowest input.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import io
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

from hostile import CAR, DAY, HEADER, TABLES, alias_bomb, deep_yaml  # noqa: E402


@dataclass
class Case:
    name: str
    argv: list[str]
    expect: str  # "ok", "refuse", "rate=<x>", "rows=<n>"
    files: dict[str, bytes] = field(default_factory=dict)
    check: str = ""  # extra check after the run: "untouched:<path>", "rows_in=<n>"


def single_entries() -> list[Case]:
    out = []
    origins = {
        "JPN": "ok",
        "Japan": "ok",
        "japan": "ok",
        "ＪＰＮ": "ok",
        "392": "refuse",
        "5880": "ok",
        "South Korea": "ok",
        "Korea": "ok",
        "EU": "ok",
        "USMCA": "ok",
        "Japn": "refuse",
        "": "refuse",
        "x" * 5000: "refuse",
        ":x:": "refuse",
        "[bold]JPN[/]": "refuse",
        "Côte d'Ivoire": "ok",
        "Türkiye": "ok",
        "Congo": "ok",
        "USA": "ok",
        "ZZZ": "refuse",
        "J\tPN": "refuse",
        "\u202eNPJ": "refuse",
        "Viet Nam": "ok",
        "UK": "ok",
    }
    for i, (o, e) in enumerate(origins.items()):
        out.append(Case(f"origin{i}", ["rate", o, CAR, "--on", DAY, "--json"], e))
    codes = {
        "8703.23.01.90": "rate=0.275",
        "8703230190": "rate=0.275",
        "８７０３２３０１９０": "rate=0.275",
        "٨٧٠٣٢٣٠١٩٠": "rate=0.275",
        "۸۷۰۳۲۳۰۱۹۰": "rate=0.275",
        "८७०३२३०१९०": "rate=0.275",
        "8703 23 01 90": "rate=0.275",
        "87032301": "ok",
        "870323": "refuse",
        "87032": "refuse",
        "8799.00.00.00": "refuse",
        "870323019": "refuse",
        "8.70323E+09": "refuse",
        "8703230190.0": "refuse",
        "8" * 100_000: "refuse",
        "": "refuse",
        "abcd": "refuse",
        "8703²30190": "rate=0.275",
        "-1": "refuse",
        "0" * 10: "refuse",
        "9903.01.25": "refuse",
    }
    for i, (h, e) in enumerate(codes.items()):
        out.append(Case(f"hs{i}", ["rate", "JPN", h, "--on", DAY, "--json"], e))
    dates = {
        "2025-04-05": "rate=0.275",
        "20250405": "rate=0.275",
        "２０２５-０４-０５": "rate=0.275",
        "2025-4-5": "refuse",
        "4/5/2025": "refuse",
        "2025-02-30": "refuse",
        "2027-01-01": "refuse",
        "2019-01-01": "refuse",
        "2025-W14-6": "refuse",
        "2025-04-05T00:00": "refuse",
        "": "refuse",
        "45752": "refuse",
        "yesterday": "refuse",
        "9" * 100_000: "refuse",
        "2025-04-05 ": "rate=0.275",
    }
    for i, (d, e) in enumerate(dates.items()):
        out.append(Case(f"date{i}", ["rate", "JPN", CAR, "--on", d, "--json"], e))
    return out


def option_checks() -> list[Case]:
    c = [
        (["etr", "--on", "2025-04-10"], "ok"),
        (["etr", "--on", "2025-04-10", "--by", "hs6", "--top", "5"], "ok"),
        (["etr", "--on", "2025-04-10", "--by", "nope"], "refuse"),
        (["etr", "--on", "2025-04-10", "--top", "0"], "refuse"),
        (["etr", "--on", "2025-04-10", "--top", "-5"], "refuse"),
        (["etr", "--on", "2025-04-10", "--top", "1e9"], "refuse"),
        (["etr", "--on", "2025-04-10", "--partner", "JPN"], "ok"),
        (["etr", "--on", "2025-04-10", "--partner", "Japn"], "refuse"),
        (["etr", "--on", "2025-04-10", "--partner", "ATA"], "refuse"),
        (["etr", "--from", "2025-04-10", "--to", "2025-04-01"], "refuse"),
        (["etr", "--from", "2025-04-10", "--to", "2031-01-01"], "refuse"),
        (["etr", "--from", "2025-04-10"], "refuse"),
        (["etr", "--on", "2025-04-10", "--from", "2025-04-01", "--to", "2025-04-02"], "refuse"),
        (["etr", "--on", "2025-04-10", "--post-substitution"], "refuse"),
        (
            [
                "etr",
                "--from",
                "2025-04-01",
                "--to",
                "2025-04-02",
                "--post-substitution",
                "--horizon",
                "x",
            ],
            "refuse",
        ),
        (["timeline", "JPN", CAR, "--from", "2025-04-10", "--to", "2025-04-01"], "refuse"),
        (["timeline", "JPN", "87"], "refuse"),
        (["timeline", "JPN", CAR, "--plot", "x.jpg"], "refuse"),
        (["measures", "--on", "2025-13-01"], "refuse"),
        (["measures", "--on", "2025-08-07", "--csv", "-"], "ok"),
        (["search"], "refuse"),
        (["search", "laptop", "--limit", "0"], "refuse"),
        (["search", "!!!"], "refuse"),
        (["search", "laptop", "--origin", "JPN"], "refuse"),
        (["search", "laptop", "--origin", "JPN", "--on", "2025-04-05", "--limit", "3"], "ok"),
        # a group is refused only where its members' rates differ: an unclaimed bicycle pays the
        # fentanyl duty of its origin (Canada 35%, Mexico 25% on 2025-09-20)
        (["search", "bicycles", "--origin", "USMCA", "--on", "2025-09-20"], "refuse"),
        (["search", '"NEAR(a b)*'], "ok"),
        (["rate", "JPN", CAR, "--on", DAY, "--share", "advanced_semiconductor=2"], "refuse"),
        (["rate", "JPN", CAR, "--on", DAY, "--share", "advanced_semiconductor=nan"], "refuse"),
        (["rate", "JPN", CAR, "--on", DAY, "--share", "nope=1"], "refuse"),
        (["rate", "JPN", CAR, "--on", DAY, "--share", "usmca"], "refuse"),
        (["rate", "JPN", CAR], "refuse"),
        (["rate", "--input", "none.csv"], "refuse"),
        (["rate", "--input", "."], "refuse"),
        (["rate", "JPN", CAR, "--on", DAY, "--input", "x.csv"], "refuse"),
        (["duties", "none.csv"], "refuse"),
        (["duties", "/etc/passwd"], "refuse"),
        (["duties", "/dev/null"], "refuse"),
        (["reciprocal", "--csv", "-"], "ok"),
        (["pe", "--from", "2025-01-01", "--to", "2025-04-10", "--eta", "abc"], "refuse"),
        (["ge", "run", "--on", "2031-01-01"], "refuse"),
        (["negotiate", "us-japan-2025-04", "--draws", "many"], "refuse"),
        (["negotiate", "../../etc/passwd"], "refuse"),
        (["nonsense"], "refuse"),
        (["--version"], "ok"),
    ]
    return [Case(f"option{i}", argv, e) for i, (argv, e) in enumerate(c)]


def csv_files() -> list[Case]:
    out = []
    for name, data, expect in TABLES:
        e = f"rows={expect.split()[1]}" if expect.startswith("ok") else "refuse"
        rows_in = data.count(b"\n")
        out.append(
            Case(
                f"csv_{name}",
                ["rate", "--input", "t.csv", "--output", "out.csv"],
                e,
                {"t.csv": data},
                check="untouched_if_refused:out.csv",
            )
        )
        out.append(
            Case(
                f"duties_{name}",
                ["duties", "t.csv", "--json"],
                "ok" if expect.startswith("ok") and expect != "ok 0" else "refuse",
                {"t.csv": data},
            )
        )
        del rows_in
    # sizes and mixed rows: nothing lost
    big = [HEADER] + [f"JPN,{CAR},{DAY},{i}" for i in range(100_000)]
    out.append(
        Case(
            "csv_100k",
            ["rate", "--input", "t.csv", "--output", "out.csv"],
            "rows=100000",
            {"t.csv": ("\n".join(big) + "\n").encode()},
        )
    )
    mixed = list(big)
    mixed[50_000] = f"JPN,{CAR},{DAY},nan"
    out.append(
        Case(
            "csv_100k_one_bad",
            ["rate", "--input", "t.csv", "--output", "out.csv"],
            "refuse",
            {"t.csv": ("\n".join(mixed) + "\n").encode()},
            check="untouched_if_refused:out.csv",
        )
    )
    out.append(
        Case(
            "csv_100k_one_bad_skip",
            ["rate", "--input", "t.csv", "--output", "out.csv", "--skip-invalid"],
            "rows=99999",
            {"t.csv": ("\n".join(mixed) + "\n").encode()},
            check="rows_in=100000",
        )
    )
    huge = [HEADER] + [f"CHN,8471300100,2025-05-15,{i}" for i in range(300_000)]
    out.append(
        Case(
            "csv_300k",
            ["rate", "--input", "t.csv", "--output", "out.csv"],
            "rows=300000",
            {"t.csv": ("\n".join(huge) + "\n").encode()},
        )
    )
    return out


def reform_files() -> list[Case]:
    docs = {
        "bomb_1e4": alias_bomb(4),
        "bomb_1e6": alias_bomb(6),
        "bomb_1e8": alias_bomb(8),
        "bomb_1e10": alias_bomb(10),
        "bomb_1e20": alias_bomb(20),
        "deep_100": deep_yaml(100),
        "deep_20000": deep_yaml(20_000),
        "deep_dict": "a:\n" + "".join(f"{' ' * (i + 1)}k{i}:\n" for i in range(500)),
        "python_apply": "title: !!python/object/apply:os.system ['true']\n",
        "python_name": "title: !!python/name:os.system\n",
        "python_object": "title: !!python/object:collections.OrderedDict {}\n",
        "recursive": "title: x\nchange: &a [1, *a]\n",
        "duplicate_key": "title: a\ntitle: b\n",
        "not_a_mapping": "- 1\n- 2\n",
        "empty": "",
        "only_comment": "# nothing\n",
        "syntax": "title: x\n  change: [\n",
        "tabs": "title:\tx\n\tchange: {}\n",
        "unknown_field": "title: x\nbogus: 1\n",
        "unknown_measure": "title: x\nchange:\n  nope: {values: []}\n",
        "bad_rate": "title: x\nchange:\n  s232_autos:\n    insert_values:\n      - start: 2025-10-01\n        rate: abc\n        reference: x\n",
        "nan_rate": "title: x\nchange:\n  s232_autos:\n    insert_values:\n      - start: 2025-10-01\n        rate: .nan\n        reference: x\n",
        "inf_rate": "title: x\nchange:\n  s232_autos:\n    insert_values:\n      - start: 2025-10-01\n        rate: .inf\n        reference: x\n",
        "huge_string": "title: " + "x" * 900_000 + "\n",
        "binary": bytes(range(256)).decode("latin-1"),
        "nul": "title: x\x00\n",
        "many_docs": "title: a\n---\ntitle: b\n",
        "long_key": ("k" * 200_000) + ": 1\n",
        "big_list": "title: x\nlist: [" + ",".join(["1"] * 200_000) + "]\n",
        "merge_bomb": "a: &a {x: 1}\nb: {<<: [*a, *a, *a]}\n",
        "date_garbage": "title: x\nchange:\n  s232_autos:\n    insert_values:\n      - start: 2025-99-01\n        rate: 0.1\n        reference: x\n",
        "example": (ROOT / "docs" / "examples" / "reform.yaml").read_text(),
    }
    out = []
    for name, text in docs.items():
        e = "ok" if name in ("example", "huge_string") else "refuse"  # a long title is harmless
        out.append(
            Case(
                f"reform_{name}",
                ["rate", "JPN", CAR, "--on", DAY, "--reform", "r.yaml"],
                e,
                {"r.yaml": text.encode("utf-8", "surrogatepass")},
            )
        )
    out.append(
        Case(
            "reform_dev_zero", ["rate", "JPN", CAR, "--on", DAY, "--reform", "/dev/zero"], "refuse"
        )
    )
    out.append(
        Case(
            "reform_dev_urandom",
            ["rate", "JPN", CAR, "--on", DAY, "--reform", "/dev/urandom"],
            "refuse",
        )
    )
    out.append(Case("reform_folder", ["rate", "JPN", CAR, "--on", DAY, "--reform", "."], "refuse"))
    return out


def output_targets() -> list[Case]:
    ex = (ROOT / "docs" / "examples" / "shipments.csv").read_bytes()
    cases = []
    for name, target in [
        ("folder", "dir"),
        ("missing_folder", "nodir/x.csv"),
        ("symlink", "link.csv"),
        ("fifo", "fifo"),
        ("dev_full", "/dev/full"),
        ("dev_null", "/dev/null"),
        ("existing", "exists.csv"),
        ("in_place", "t.csv"),
        ("dash", "-"),
        ("unwritable", "ro/x.csv"),
    ]:
        ok = ("existing", "dash", "in_place") + (("unwritable",) if os.geteuid() == 0 else ())
        expect = "ok" if name in ok else "refuse"  # root writes into a read-only folder
        cases.append(
            Case(
                f"out_{name}",
                ["rate", "--input", "t.csv", "--output", target],
                expect,
                {"t.csv": ex},
                check=f"target:{target}",
            )
        )
        cases.append(
            Case(
                f"csv_out_{name}",
                ["etr", "--on", "2025-04-10", "--by", "partner", "--csv", target],
                expect if name != "in_place" else "ok",
                {"t.csv": ex},
                check=f"target:{target}",
            )
        )
    return cases


def _prepare(folder: Path) -> None:
    (folder / "dir").mkdir()
    (folder / "target.csv").write_text("keep")
    (folder / "link.csv").symlink_to(folder / "target.csv")
    os.mkfifo(folder / "fifo")
    (folder / "exists.csv").write_text("old")
    (folder / "ro").mkdir()
    (folder / "ro").chmod(0o555)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run_case(case: Case) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="attack-"))
    try:
        _prepare(folder)
        for n, data in case.files.items():
            (folder / n).write_bytes(data)
        t0 = time.perf_counter()
        try:
            p = subprocess.run(
                [sys.executable, "-m", "tariffsim.cli.main", *case.argv],
                cwd=folder,
                capture_output=True,
                timeout=300,
                preexec_fn=_limit,
                check=False,
            )
            rc, out, err = p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, out, err = -999, b"", "timeout"
        wall = time.perf_counter() - t0
        return _judge(case, folder, rc, out, err, wall)
    finally:
        (folder / "ro").chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _judge(case: Case, folder: Path, rc: int, out: bytes, err: str, wall: float) -> dict[str, Any]:
    problems: list[str] = []
    crash = rc not in (0, 2) or "Traceback" in err
    if crash:
        problems.append(f"crash rc={rc}")
    e = case.expect
    if e == "refuse" and rc == 0:
        problems.append("accepted what must be refused")
    if e in ("ok",) and rc != 0 and not crash:
        problems.append(f"refused what must be accepted: {err.splitlines()[:1]}")
    if e.startswith("rate=") and rc == 0:
        got = json.loads(out)["total_rate"]
        if abs(got - float(e[5:])) > 1e-9:
            problems.append(f"wrong rate {got}")
    elif e.startswith("rate=") and rc != 0:
        problems.append(f"refused: {err.splitlines()[:1]}")
    rows_lost = 0
    if e.startswith("rows=") and rc == 0:
        got_rows = len(list(csv.DictReader(io.StringIO((folder / "out.csv").read_text()))))
        if got_rows != int(e[5:]):
            problems.append(f"rows {got_rows} != {e[5:]}")
        if case.check.startswith("rows_in="):
            skipped = err.count("\nskipped: ") + err.startswith("skipped: ")
            rows_lost = int(case.check[8:]) - got_rows - skipped
            if rows_lost:
                problems.append(f"{rows_lost} rows lost")
    elif e.startswith("rows=") and rc != 0:
        problems.append(f"refused: {err.splitlines()[:1]}")
    harm = False
    if case.check.startswith("target:"):
        t = case.check[7:]
        if t == "link.csv" and not (folder / "link.csv").is_symlink():
            harm = True
        if t == "fifo" and not stat.S_ISFIFO(os.lstat(folder / "fifo").st_mode):
            harm = True
        if t.startswith("/dev/") and not stat.S_ISCHR(os.lstat(t).st_mode):
            harm = True
        if (folder / "target.csv").read_text() != "keep":
            harm = True
        if rc != 0 and "wrote" in err:
            problems.append("said 'wrote' after a refusal")
    written = folder / case.check.split(":", 1)[-1]
    if case.check.startswith("untouched_if_refused:") and rc != 0 and written.exists():
        problems.append("wrote a file although refused")
    if harm:
        problems.append("a target was replaced")
    if len(err) > 4000:
        problems.append(f"stderr {len(err):,} bytes")
    return {
        "name": case.name,
        "rc": rc,
        "wall_s": round(wall, 2),
        "problems": problems,
        "crash": crash,
        "harm": harm,
        "rows_lost": rows_lost,
        "wrong": any(
            p.startswith(("accepted", "wrong", "rows ", "wrote a file", "said")) for p in problems
        ),
        "stderr_bytes": len(err),
    }


def all_cases() -> list[Case]:
    return single_entries() + option_checks() + csv_files() + reform_files() + output_targets()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = ap.parse_args(argv)
    cases = [c for c in all_cases() if args.only in c.name]
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(run_case, cases))
    summary = {
        "inputs": len(results),
        "exit_codes": {
            str(k): sum(1 for r in results if r["rc"] == k)
            for k in sorted({r["rc"] for r in results})
        },
        "crashes": sum(r["crash"] for r in results),
        "wrong_answers": sum(r["wrong"] for r in results),
        "targets_replaced": sum(r["harm"] for r in results),
        "rows_lost": sum(r["rows_lost"] for r in results),
        "stderr_over_4kb": sum(r["stderr_bytes"] > 4000 for r in results),
        "slowest": max(results, key=lambda r: r["wall_s"])["name"] if results else None,
        "slowest_s": max((r["wall_s"] for r in results), default=0),
        "total_s": round(time.perf_counter() - t0, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "failures": [
            {"name": r["name"], "rc": r["rc"], "problems": r["problems"]}
            for r in results
            if r["problems"]
        ],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for k, v in summary.items():
            if k != "failures":
                print(f"{k}: {v}")
        for f in summary["failures"]:
            print(f"  FAIL {f['name']} rc={f['rc']}: {'; '.join(f['problems'])}")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
