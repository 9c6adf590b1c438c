"""The schedule commands (rate, timeline, measures, demo): output, exit codes, error lines.

Batch and error tests run on the synthetic library (``tariffsim.schedule.testing``, hand-computed
rates); two tests use the US library and check the reference entry of the library: a Japanese car
8703.23.01.90 pays 2.5% on 2025-03-01, 27.5% on 2025-04-05 and 15% on 2025-09-20.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.cli import schedule_cmds
from tariffsim.cli.main import main
from tariffsim.schedule import testing


@pytest.fixture()
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    s = testing.load(tmp_path / "lib")

    def fake(reform):
        return s if reform is None else s.apply_reform(reform)

    monkeypatch.setattr(schedule_cmds, "_schedule", fake)
    return s


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rate_json_shape(synthetic, capsys) -> None:
    code, out, _ = run(capsys, "rate", "JPN", "8703.23.01.90", "--on", "2025-04-05", "--json")
    assert code == 0
    d = json.loads(out)
    assert {"origin", "hs", "date", "total_rate", "measures"} <= set(d)
    assert d["origin"] == "JPN" and d["hs"] == "8703230190" and d["date"] == "2025-04-05"
    assert d["total_rate"] == pytest.approx(0.275)  # 2.5% MFN + 25% s232 (hand computation)
    m = {x["id"]: x for x in d["measures"]}
    assert m["s232_autos"]["rate"] == 0.25 and m["s232_autos"]["reference"] == "Proclamation A"
    assert {"id", "authority", "rate", "reference"} <= set(m["mfn"])


def test_rate_table_and_names(synthetic, capsys) -> None:
    code, out, _ = run(capsys, "rate", "Japan", "8703230190", "--on", "2025-09-20")
    assert (
        code == 0
        and "15.00%" in out
        and "s232_autos" in out
        and "Proclamation" not in out.split("s232_autos")[0][-5:]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rate", "Japn", "8703230190", "--on", "2025-04-05"], "unknown country 'Japn'"),
        (["rate", "JPN", "87032301999", "--on", "2025-04-05"], "has 11 digits"),
        # no such line, HTS8 or HS6 family (a code whose HTS8 exists takes the HTS8's rate)
        (["rate", "JPN", "8704999999", "--on", "2025-04-05"], "not an HTS10 line"),
        (["rate", "JPN", "8703230190", "--on", "2023-04-05"], "before the schedule's first day"),
        (["rate", "JPN", "8703230190"], "give ORIGIN HS --on DATE"),
        (
            ["timeline", "JPN", "8703230190", "--from", "2025-05-01", "--to", "2025-04-01"],
            "is before --from",
        ),
        (["measures", "--on", "2030-01-01"], "after the last day the library covers"),
    ],
)
def test_bad_input_one_line_exit_2(synthetic, capsys, argv, message) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith("error:") and message in first
    assert any(line.startswith("hint:") for line in err.splitlines())


def test_malformed_reform_file(synthetic, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("change:\n  s232_autos: {values: [\n")
    code, _, err = run(
        capsys, "rate", "JPN", "8703230190", "--on", "2025-04-05", "--reform", str(bad)
    )
    assert code == 2 and f"{bad}:" in err and "malformed YAML" in err


def test_batch_csv(synthetic, capsys, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "origin,hs,date,value_usd,claim\n"
        "JPN,8703.23.01.90,2025-04-05,30000,\n"  # 27.5% -> 8250
        # an entry without claim: MFN 16.5% + fentanyl 25% -> 415 (not the trade-flows blend
        # 0.4 x 41.5% = 16.6% of the synthetic 60% USMCA share)
        "Canada,6110200000,2025-03-04,1000,\n"
        "Canada,6110200000,2025-03-04,1000,S\n"  # USMCA: special rate Free, no fentanyl -> 0
        "CHN,8471300100,2025-05-01,500,\n"  # fentanyl 10% -> 50
    )
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "rate", "--input", str(src), "--output", str(out))
    assert code == 0, err
    import polars as pl

    df = pl.read_csv(out)
    assert df["total_rate"].to_list() == pytest.approx([0.275, 0.415, 0.0, 0.10])
    assert df["duty_usd"].to_list() == pytest.approx([8250.0, 415.0, 0.0, 50.0])
    assert df["rate_s232"].to_list() == pytest.approx([0.25, 0.0, 0.0, 0.0])
    assert df["claim"].to_list() == [None, None, "usmca", None]
    # the trade-flows basis on request: the Canadian rows take the 60% data share
    code, _, err = run(
        capsys, "rate", "--input", str(src), "--output", str(out), "--usmca-share", "data"
    )
    assert code == 2 and "claims are made by entries" in err
    src.write_text("origin,hs,date\nCanada,6110200000,2025-03-04\n")
    code, _, err = run(
        capsys, "rate", "--input", str(src), "--output", str(out), "--usmca-share", "data"
    )
    assert code == 0 and "flag: basis: trade flows" in err, err
    assert pl.read_csv(out)["total_rate"].to_list() == pytest.approx([0.4 * 0.415])


def test_batch_reports_every_bad_row_and_writes_nothing(synthetic, capsys, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "origin,hs,date,value_usd\n"
        "JPN,8703230190,2025-04-05,100\n"
        "Japn,8703230190,2025-04-05,100\n"  # line 3: unknown country
        "JPN,870323,2025-04-05,100\n"  # line 4: not 10 digits
        "JPN,8703230190,2023-01-01,x\n"  # line 5: date out of coverage, bad value
        "EU,8703230190,2025-04-05,100\n"  # line 6: a group
    )
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "rate", "--input", str(src), "--output", str(out))
    assert code == 2 and not out.exists()
    for line in (3, 4, 5, 6):
        assert f"{src}:{line}:" in err
    assert "4 bad rows; nothing written" in err
    code, _, err = run(capsys, "rate", "--input", str(src), "--output", str(out), "--skip-invalid")
    assert code == 0 and out.exists() and err.count("skipped:") == 4
    assert out.read_text().count("\n") == 2  # header + the one good row


def test_malformed_csv(synthetic, capsys, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("country,code\nJPN,8703230190\n")  # country is an alias of origin
    code, _, err = run(capsys, "rate", "--input", str(src))
    assert code == 2 and "missing column(s) hs, date" in err and f"{src}:1" in err


def test_timeline_and_plot(synthetic, capsys, tmp_path: Path) -> None:
    png = tmp_path / "t.png"
    code, out, _ = run(
        capsys,
        "timeline",
        "JPN",
        "8703230190",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--plot",
        str(png),
        "--json",
    )
    assert code == 0 and png.stat().st_size > 1000
    d = json.loads(out)
    totals = [round(r["total_rate"], 6) for r in d["rows"]]
    assert totals[0] == 0.025 and totals[-1] == 0.15 and d["rows"][-1]["end"] == "2026-01-01"


def test_measures(synthetic, capsys) -> None:
    code, out, _ = run(capsys, "measures", "--on", "2025-04-10", "--json")
    assert code == 0
    ids = [m["id"] for m in json.loads(out)["measures"]]
    assert ids == ["mfn", "s232_autos", "s232_steel", "fentanyl", "reciprocal"]
    code, out, _ = run(capsys, "measures")
    assert code == 0 and "6 measures (coverage 2024-01-01 to 2026-06-30)" in out


def test_us_library_japanese_car(capsys) -> None:
    # The reference entry: 2.5% on 2025-03-01, 27.5% on 2025-04-05, 15% on 2025-09-20
    # (HTS 8703.23.01 2.5%; Proclamation 10908 25%; EO 14345 15% all-in from 2025-09-16).
    for day, want in (("2025-03-01", 0.025), ("2025-04-05", 0.275), ("2025-09-20", 0.15)):
        code, out, err = run(capsys, "rate", "JPN", "8703230190", "--on", day, "--json")
        assert code == 0, err
        assert json.loads(out)["total_rate"] == pytest.approx(want, abs=1e-9)


def test_demo_runs(capsys) -> None:
    code, out, err = run(capsys, "demo", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["goods"][0]["hs"] == "8703230190" and d["goods"][1]["hs"].startswith("84295210")
    car = {r["date"]: r["total_rate"] for r in d["goods"][0]["rates"]}
    assert car["2025-04-05"] == pytest.approx(0.275)


def test_demo_names_the_other_commands_from_a_new_process() -> None:
    """A run registers only the module of the command it names (cli.main.COMMAND_MODULES); the
    demo's "Try next" must still list the commands of the other modules (regression: it listed
    only rate, timeline and measures)."""
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "tariffsim.cli.main", "demo", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    ).stdout
    assert json.loads(out)["next"] == ["etr", "duties", "pe", "ge", "negotiate", "serve"]
