"""The ``tariffsim ge`` commands (via cli.main.main, in process)."""

from __future__ import annotations

import json

import pytest

from tariffsim.cli.main import main

KEYS = {
    "scenario",
    "region",
    "welfare_pct",
    "deficit_pct",
    "exports_gdp_pct",
    "imports_gdp_pct",
    "employment_pct",
    "prices_pct",
    "revenue_gdp_pct",
}


@pytest.fixture(autouse=True)
def _data(shared_data, monkeypatch):
    monkeypatch.setenv("TARIFFSIM_DATA", str(shared_data))


def test_reproduce_json(capsys):
    assert main(["ge", "reproduce-ilms2025", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # 9 scenarios x 4 regions, with exactly the keys of the published tables (region outcomes).
    assert len(rows) == 36 and all(set(r) == KEYS for r in rows)
    us = next(r for r in rows if r["scenario"] == "ustr_income_tax" and r["region"] == "USA")
    assert us["welfare_pct"] == pytest.approx(1.13, abs=0.02)  # spec, published check


def test_run_with_retaliation_and_plot(capsys, tmp_path):
    png = tmp_path / "w.png"
    code = main(
        [
            "ge",
            "run",
            "--retaliation",
            "reciprocal",
            "--revenue",
            "lump_sum",
            "--plot",
            str(png),
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "ustr_income_tax+reciprocal_retaliation"
    assert out["provenance"]["revenue_use"] == "lump_sum"
    assert out["diagnostics"]["converged"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["ge", "run", "--scenario", "nope"],
        ["ge", "run", "--retaliation", "sometimes"],
        ["ge", "run", "--on", "yesterday"],
        ["ge", "run", "--scenario", "eps8", "--on", "2025-04-09"],
        ["ge", "run", "--plot", "chart.jpg"],
        ["ge", "optimal", "--method", "guess"],
        ["ge", "montecarlo", "--draws", "2", "--eps", "gamma:1,2"],
    ],
)
def test_bad_input_exits_2(argv, capsys):
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err


def test_optimal_and_nash_json(capsys):
    assert main(["ge", "optimal", "--method", "formula", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["rate"] == pytest.approx(0.218, abs=0.001)  # spec: about 22%
    assert main(["ge", "nash", "--json"]) == 0
    nash = json.loads(capsys.readouterr().out)
    assert nash["players"] == ["USA", "ROW"] and nash["diagnostics"]["converged"]


def test_montecarlo_json(capsys):
    assert main(["ge", "montecarlo", "--draws", "4", "--executor", "serial", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["draws"] == 4 and out["failed"] == 0 and len(out["bands"]) == 28
    assert {"p5", "p50", "p95", "mean"} <= set(out["bands"][0])


def test_run_on_a_date_uses_the_law(capsys):
    # Integration with the schedule engine: the 2025-04-09 schedule gives the US a positive
    # tariff on China, a revenue gain and a higher US price index.
    assert main(["ge", "run", "--on", "2025-04-09", "--countries", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    chn = next(r for r in out["frames"]["countries"] if r["iso3"] == "CHN")
    usa = next(r for r in out["frames"]["regions"] if r["region"] == "USA")
    assert chn["us_tariff_rate"] > 0.1
    assert usa["revenue_gdp_pct"] > 0 and usa["prices_pct"] > 0
