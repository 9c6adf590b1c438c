"""``tariffsim backtest wave``: JSON contract, the baselines-only mode, and a clear error (exit 2)
when the wave forecaster is missing or an option is bad."""

from __future__ import annotations

import json
import sys

import pytest

from tariffsim.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_wave_baselines_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, ["backtest", "wave", "--baselines-only", "--json", "--bootstrap", "50"]
    )
    assert code == 0
    js = json.loads(out)
    assert js["settings"]["baselines_only"] is True
    keys = {t["target"]["key"] for t in js["targets"]}
    assert "jpn-2025-07-22@T3" in keys and "jpn-2025-07-22@T1" in keys
    jp = next(t for t in js["targets"] if t["target"]["key"] == "jpn-2025-07-22@T3")
    # 3 days before the deal: 10% in force, 25% threatened (letter of 7 Jul)
    assert jp["target"]["as_of"] == "2025-07-19"
    assert jp["baselines"]["headline"]["split_difference"] == pytest.approx(0.175)
    # status quo 10% against the 15% deal: CRPS 0.05, interval score 10 x 0.05
    assert jp["scores"]["status_quo"]["headline_crps"] == pytest.approx(0.05)
    assert jp["scores"]["status_quo"]["headline_is"] == pytest.approx(0.5)


def test_wave_table_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["backtest", "wave", "--baselines-only", "--bootstrap", "50"])
    assert code == 0
    assert "Headline rate: mean CRPS" in out and "JPN T3" in out


def test_missing_forecaster_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tariffsim.negotiation.forecast", None)
    code, _, err = _run(capsys, ["backtest", "wave", "--draws", "10"])
    assert code == 2
    assert "forecast_partner is not available" in err and "--baselines-only" in err


def test_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, ["backtest", "wave", "--baselines-only", "--draws", "0"])
    assert code == 2 and "--draws must be at least 1" in err
    code, _, err = _run(capsys, ["backtest", "wave", "--executor", "gpu", "--draws", "5"])
    assert code == 2 and "unknown executor 'gpu'" in err
