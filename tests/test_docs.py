"""The documentation says what the code does: headline figures and the CLI reference are checked.

In the manner of Datasette's ``tests/test_docs.py``: each figure is *read from the document* and
compared with what the library computes now, rounded as the document rounds it. When the law, the
data or a model changes a figure, this test names the file, the figure and the new value: update the
document (the expected values are never written here). A figure the test cannot find any more (the
text was reworded) fails too, so that no figure silently stops being checked.

Pinned here: the README's first look (``rate`` parts and total, the ``etr`` lines, the JSON example)
and the facts of its benchmark table (sizes, counts, iterations — not timings, which live in
``benchmarks/``); ``docs/duties.md`` "Measured results"; ``docs/etr-vs-trackers.md`` (our column);
``docs/ge.md``, the paper's nine scenarios; and ``docs/cli.md`` against the CLI's ``--help``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


# --------------------------------------------------------------------------------------------------
# Helpers


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def decimals(figure: str) -> int:
    """Number of decimals a document shows (``"24.90"`` → 2, ``"117.1"`` → 1, ``"8"`` → 0)."""
    return len(figure.split(".")[1]) if "." in figure else 0


def same(figure: str, value: float) -> bool:
    """``value`` (in the document's unit) rounds to ``figure`` as the document writes it."""
    shown = float(figure.replace(",", "").replace("+", "").replace("−", "-"))
    d = decimals(figure)
    return abs(round(value, d) - shown) < 0.5 * 10**-d + 1e-9


def check(where: str, figure: str, value: float, what: str, problems: list[str]) -> None:
    if not same(figure, value):
        d = decimals(figure)
        problems.append(
            f"{where}: {what}: the document says {figure}, the code gives {value:.{d}f}"
        )


def find(pattern: str, haystack: str, where: str) -> re.Match[str]:
    m = re.search(pattern, haystack, flags=re.MULTILINE)
    assert m, f"{where}: cannot find /{pattern}/ any more; update tests/test_docs.py with the text"
    return m


def markdown_table(doc: str, first_header: str) -> list[list[str]]:
    """The body rows of the first pipe table whose header row starts with ``| first_header |``."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"| {first_header} |"):
            rows = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    raise AssertionError(f"no table with header '{first_header}'")


def run_cli(*args: str) -> str:
    """What ``tariffsim ARGS`` prints on stdout (in this process)."""
    from tariffsim.cli.main import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(list(args))
    assert code == 0, f"tariffsim {' '.join(args)} exited with {code}"
    return buf.getvalue()


def load_benchmark(area: str) -> ModuleType:
    path = ROOT / "benchmarks" / f"bench_{area}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{area}_for_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------------
# The effective tariff rates the documents quote: one daily series covers every date they name.

SERIES_START = dt.date(2025, 1, 1)
SERIES_END = dt.date(2026, 7, 1)  # exclusive: the series covers 2025-01-01 … 2026-06-30


@pytest.fixture(scope="module")
def series() -> Any:
    from tariffsim.duties import etr_series

    return etr_series(SERIES_START, SERIES_END, by=("group",))


def day_points(series: Any, day: str) -> dict[str, float]:
    """``{"etr": …, "<authority>": …}`` in percent (points) on ``day``."""
    import polars as pl

    row = series.daily.filter(pl.col("date") == dt.date.fromisoformat(day)).row(0, named=True)
    out = {"etr": 100 * row["etr"]}
    out.update({a: 100 * row[f"etr_{a}"] for a in series.authorities})
    return out


def group_etr(series: Any, day: str, key: str) -> float:
    import polars as pl

    g = series.by_group.filter(
        (pl.col("date") == dt.date.fromisoformat(day)) & (pl.col("key") == key)
    )
    assert g.height == 1, f"no ETR for {key} on {day}"
    return 100 * float(g["etr"][0])


AUTHORITY_COLUMNS = {  # docs/duties.md column → authority
    "reciprocal": "ieepa_reciprocal",
    "fentanyl": "ieepa_fentanyl",
    "232": "s232",
    "301": "s301",
    "MFN": "mfn",
}
OTHER_NAMES = {"IEEPA other": "ieepa_other", "s122": "s122"}
SHORT_NAMES = {  # the names prose uses for authorities
    "fentanyl": "ieepa_fentanyl",
    "reciprocal": "ieepa_reciprocal",
    "s232": "s232",
    "s122": "s122",
    "s301": "s301",
    "MFN": "mfn",
}


def non_ieepa(points: dict[str, float]) -> float:
    return sum(v for k, v in points.items() if k != "etr" and not k.startswith("ieepa"))


# --------------------------------------------------------------------------------------------------
# README


def readme_block(command: str) -> str:
    """The console output shown under ``$ tariffsim <command>`` in the README."""
    doc = text(README)
    start = doc.index(f"$ tariffsim {command}\n") + len(f"$ tariffsim {command}\n")
    end = min(i for i in (doc.find("\n$ ", start), doc.find("\n```", start)) if i >= 0)
    return doc[start:end]


def test_readme_rate_table_is_the_law() -> None:
    from tariffsim.schedule import load_schedule

    block = readme_block("rate JPN 8703.23.01.90 --on 2025-04-05")
    r = load_schedule().rate("JPN", "8703230190", on=dt.date(2025, 4, 5))
    parts = {p.id: 100 * p.rate for p in r.parts}
    problems: list[str] = []
    rows = re.findall(r"^│ (\w+)\s+│ (\w*)\s+│\s+([\d.]+)%", block, flags=re.MULTILINE)
    assert rows, "README: no rows found in the rate table"
    for measure, _authority, figure in rows:
        if measure == "total":
            check("README rate table", figure, 100 * r.total_rate, "total", problems)
        else:
            assert measure in parts, f"README rate table: {measure} is not a part of the rate"
            check("README rate table", figure, parts[measure], measure, problems)
    assert not problems, "\n".join(problems)


def test_readme_json_examples() -> None:
    # Lines such as "tariffsim rate JPN 8703.23.01.90 --on 2025-09-20 --json    # 0.15: …".
    import json

    doc = text(README)
    examples = re.findall(r"^tariffsim (rate \S+ \S+ --on \S+ --json)\s+# ([\d.]+):", doc, re.M)
    assert examples, "README: the `rate … --json  # value:` examples are gone"
    for args, figure in examples:
        out = json.loads(run_cli(*args.split()))
        assert same(figure, out["total_rate"]), (
            f"README: tariffsim {args} gives {out['total_rate']}"
        )


@pytest.mark.slow  # the daily ETR series on all 2024 rows (~20 s, shared by the tests below)
def test_readme_etr_example(series: Any) -> None:
    # "ETR on 2025-04-10: 24.90%  (duty 777.80 bn on imports 3,123.77 bn; approximate AVE on 9.8% of
    # value)" and "ieepa_reciprocal 14.56% · ieepa_fentanyl 5.99% · …", as `tariffsim etr` computes.
    from tariffsim.duties import duties_on

    block = " ".join(readme_block("etr --on 2025-04-10 --by authority").split())
    where = "README etr example"
    m = find(
        r"ETR on (\S+): ([\d.]+)% \(duty ([\d,.]+) bn on imports ([\d,.]+) bn; "
        r"approximate AVE on ([\d.]+)% of value\)",
        block,
        where,
    )
    r = duties_on(dt.date.fromisoformat(m[1]))
    problems: list[str] = []
    check(where, m[2], 100 * r.etr, "ETR", problems)
    check(where, m[3], r.duty_usd / 1e9, "duty (bn)", problems)
    check(where, m[4], r.imports_usd / 1e9, "imports (bn)", problems)
    check(where, m[5], 100 * r.approx["value_share"], "approximate AVE share", problems)
    points = {k: 100 * v for k, v in r.by("authority").select("key", "etr").iter_rows()}
    # the --by table's rows: "│ ieepa_reciprocal │ IEEPA reciprocal │ 14.65% │ …"
    table = readme_block("etr --on 2025-04-10 --by authority")
    shown = re.findall(r"^│ (\w+)\s+│[^│]*│\s+([\d.]+)%", table, flags=re.MULTILINE)
    assert len(shown) >= 3, f"{where}: the points by authority are gone"
    for name, figure in shown:
        check(where, figure, points[name], f"points of {name}", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # compiles every row over 18 months, solves the GE, loads a case: ~12 s
def test_readme_benchmark_facts() -> None:
    """The benchmark table's facts (sizes, counts, iterations), not its timings."""
    doc = text(README)
    problems: list[str] = []

    # Rows of 2024 trade the schedule rates.
    rows = find(r"Rates for all ([\d,]+) HS10 × partner rows", doc, "README benchmarks")[1]
    from tariffsim.duties import default_flows

    flows = default_flows()
    check("README benchmarks", rows, flows.n, "HS10 × partner rows of 2024", problems)

    # Segments of the daily schedule 2025-01-01 → 2026-06-30 (inclusive).
    seg = find(r"2025-01-01 → 2026-06-30 \((\d+) segments\)", doc, "README benchmarks")[1]
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    c = s.compile(
        hs10=flows.hs10,
        origin=flows.origin,
        start=SERIES_START,
        end=SERIES_END,
        shares=flows.shares,
    )
    check("README benchmarks", seg, len(c.breaks), "segments 2025-01-01 → 2026-06-30", problems)

    # One GE solve at N = 194: iterations and residual.
    m = find(
        r"N = 194 \(Newton, analytic Jacobian; (\d+) iterations, residual ([\de.-]+)\)",
        doc,
        "README",
    )
    from tariffsim.models.ge_scenarios import run_scenario

    d = run_scenario("ustr_income_tax").diagnostics
    check("README benchmarks", m[1], d.iterations, "GE Newton iterations", problems)
    if not d.residual_norm <= 10 * float(m[2]):
        problems.append(f"README: GE residual {d.residual_norm:.1e}, the README says {m[2]}")

    # Exact Pareto frontiers of the benchmark problems: number of points.
    bench = load_benchmark("negotiation")
    from tariffsim.negotiation.pareto import additive_frontier

    p6 = find(r"same ([\d,]+)-point frontier", doc, "README benchmarks")[1]
    _, ua, ub, _, _ = bench.make_problem([10] * 6, seed=1)
    check(
        "README benchmarks", p6, len(additive_frontier((ua, ub))), "10^6 frontier points", problems
    )
    p10 = find(r"10\^10 additive packages .*?\(([\d,]+) points\)", doc, "README benchmarks")[1]
    _, ua, ub, _, _ = bench.make_problem([10] * 10, seed=3)
    check(
        "README benchmarks",
        p10,
        len(additive_frontier((ua, ub))),
        "10^10 frontier points",
        problems,
    )

    # Packages of the US–Japan case.
    pk = find(r"us-japan-2025-04` \(2,000 draws, ([\d,]+) packages\)", doc, "README")[1]
    from tariffsim.negotiation.case import load_case

    n = load_case("us-japan-2025-04").agenda().n_packages
    check("README benchmarks", pk, n, "packages of us-japan-2025-04", problems)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------------
# docs/duties.md and docs/etr-vs-trackers.md


@pytest.mark.slow  # uses the daily ETR series
def test_duties_measured_results(series: Any) -> None:
    doc = text(DOCS / "duties.md")
    rows = markdown_table(doc, "date")
    assert len(rows) >= 4
    problems: list[str] = []
    for date, etr, *cols in rows:
        where = f"docs/duties.md, {date}"
        pts = day_points(series, date)
        check(where, etr.rstrip("%"), pts["etr"], "ETR", problems)
        for name, cell in zip(("reciprocal", "fentanyl", "232", "301", "MFN"), cols, strict=False):
            value = pts[AUTHORITY_COLUMNS[name]]
            if cell in ("–", "-"):
                if round(value, 2) != 0:
                    problems.append(f"{where}: {name}: the document says –, the code {value:.2f}")
            else:
                check(where, cell, value, name, problems)
        other = cols[5]
        for name, figure in re.findall(r"([A-Za-z0-9 ]+?) ([\d.]+)", other):
            check(where, figure, pts[OTHER_NAMES[name.strip()]], name.strip(), problems)
        for key, figure in re.findall(r"\b([A-Z]{2,3}) ([\d.]+)%", cols[6]):
            check(where, figure, group_etr(series, date, key), f"ETR of {key}", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # uses the daily ETR series
def test_duties_segment_count(series: Any) -> None:
    doc = text(DOCS / "duties.md")
    m = find(r"2025-01-01 → 2026-06-30,\s+(\d+) days, (\d+) segments", doc, "docs/duties.md")
    problems: list[str] = []
    check("docs/duties.md benchmark", m[1], (SERIES_END - SERIES_START).days, "days", problems)
    check("docs/duties.md benchmark", m[2], len(series.segments), "segments", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # uses the daily ETR series
def test_etr_vs_trackers_our_column(series: Any) -> None:
    doc = text(DOCS / "etr-vs-trackers.md")
    where = "docs/etr-vs-trackers.md"
    rows = markdown_table(doc, "Date (ours)")
    problems: list[str] = []
    for first, _before, after, *_, others in rows:
        day = re.match(r"\d{4}-\d\d-\d\d", first)
        assert day, f"{where}: row {first!r} starts with no date"
        date = day[0]
        pts = day_points(series, date)
        figure = re.search(r"[\d.]+", after)
        assert figure, f"{where}: no figure in {after!r}"
        if "no IEEPA" in first:
            check(where, figure[0], non_ieepa(pts), f"{date} without IEEPA", problems)
        else:
            check(where, figure[0], pts["etr"], f"{date} ETR", problems)
        for name, fig in re.findall(r"(s232|s122|MFN|s301) ([\d.]+)", after):
            check(where, fig, pts[SHORT_NAMES[name]], f"{date} {name}", problems)
        # "(ours CHN: 117.1 on 04-15)", "(ours CHN 40.5)"
        for fig, on in re.findall(r"ours CHN:? ([\d.]+)(?: on (\d\d-\d\d))?", others):
            d = f"{date[:4]}-{on}" if on else date
            check(where, fig, group_etr(series, d, "CHN"), f"ETR of China on {d}", problems)
        # "ours without IEEPA 5.84", "6.8 without IEEPA (ours 6.06)"
        for fig in re.findall(
            r"ours without IEEPA ([\d.]+)|without IEEPA \(ours ([\d.]+)\)", others
        ):
            value = next(f for f in fig if f)
            check(where, value, non_ieepa(pts), f"{date} without IEEPA", problems)
    # The prose under the table.
    prose = " ".join(doc.split())
    m = find(
        r"By authority, (\d{4}-\d\d-\d\d) after the fix: (.*?)\. China: (.*?)\. ", prose, where
    )
    pts = day_points(series, m[1])
    for name, fig in re.findall(r"(fentanyl|reciprocal|s232|MFN|s301) ([\d.]+)", m[2]):
        check(where, fig, pts[SHORT_NAMES[name]], f"{m[1]} {name}", problems)
    for fig, on in re.findall(r"([\d.]+)% on (\d{4}-\d\d-\d\d)", m[3]):
        check(where, fig, group_etr(series, on, "CHN"), f"ETR of China on {on}", problems)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------------
# docs/ge.md: the paper's scenarios


def test_ge_scenario_table() -> None:
    from tariffsim.models.ge_scenarios import reproduce_ilms2025

    computed = {(r["scenario"], r["region"]): r for r in reproduce_ilms2025()}
    rows = markdown_table(text(DOCS / "ge.md"), "scenario")
    assert len(rows) == len(computed), "docs/ge.md: the table does not have every scenario × region"
    columns = ("welfare_pct", "deficit_pct", "exports_gdp_pct", "imports_gdp_pct",
               "employment_pct", "prices_pct", "revenue_gdp_pct")  # fmt: skip
    problems: list[str] = []
    for scenario, region, *figures in rows:
        r = computed[(scenario, region)]
        for col, figure in zip(columns, figures, strict=True):
            check(f"docs/ge.md, {scenario} {region}", figure, r[col], col, problems)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------------
# docs/cli.md


def command_options() -> Iterator[tuple[str, list[str]]]:
    """(command path, option names) for every command of the CLI."""
    import typer.main

    from tariffsim.cli.main import app

    def walk(cmd: Any, path: str) -> Iterator[tuple[str, list[str]]]:
        opts = [
            o
            for p in getattr(cmd, "params", [])
            for o in getattr(p, "opts", [])
            if o.startswith("-")
        ]
        yield path, opts
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            if not getattr(sub, "hidden", False):
                yield from walk(sub, f"{path} {name}")

    yield from walk(typer.main.get_command(app), "tariffsim")


def test_cli_reference_lists_every_command_and_option() -> None:
    doc = text(DOCS / "cli.md")
    sections = dict(re.findall(r"^## `([^`]+)`\n\n```text\n(.*?)\n```", doc, re.M | re.S))
    missing = []
    for path, opts in command_options():
        if path not in sections:
            missing.append(f"command {path}")
            continue
        missing += [
            f"{path} {o}" for o in opts if not re.search(rf"{re.escape(o)}\b", sections[path])
        ]
    assert not missing, "docs/cli.md lacks: " + ", ".join(missing) + " (run `make docs`)"


@pytest.mark.slow  # imports the whole CLI in a fresh process: ~4 s
def test_cli_reference_is_generated_from_help() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr or proc.stdout


# --------------------------------------------------------------------------------------------------
# Links between documents


def test_relative_links_resolve() -> None:
    pages = [README, ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", text(page)):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a URL or an anchor in the same page
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(ROOT)}: ({target})")
    assert not broken, "links to missing files:\n" + "\n".join(broken)
