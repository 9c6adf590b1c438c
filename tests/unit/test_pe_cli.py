"""``tariffsim pe --horizon`` and ``tariffsim ge run --on --horizon`` (via cli.main.main, in process)."""

from __future__ import annotations

import json

import pytest

from tariffsim.cli.main import main
from tariffsim.models.horizons import CALIBRATED_ETA


def test_bad_horizon_is_refused(capsys):
    assert main(["pe", "--from", "2024-12-31", "--to", "2025-09-01", "--horizon", "medium"]) == 2
    assert "horizon" in capsys.readouterr().err
    assert main(["ge", "run", "--scenario", "ustr_income_tax", "--horizon", "short-run"]) == 2
    assert "--on" in capsys.readouterr().err


@pytest.mark.slow
def test_pe_short_run_json_keeps_the_partner_frame(capsys):
    args = ["pe", "--from", "2024-12-31", "--to", "2025-09-01", "--horizon", "short-run"]
    assert main([*args, "--json", "--top", "1"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["provenance"]["horizon"] == "short-run"
    assert d["provenance"]["eta"] == CALIBRATED_ETA
    rows = {r["iso3"]: r for r in d["frames"]["partners"]}
    deu = rows["DEU"]
    assert {"iso3", "imports_usd_before", "imports_usd_after"} <= set(deu)
    # Calibrated on Germany's June-November 2025 imports (-8.94%, Census monthly file).
    assert 100 * (deu["imports_usd_after"] / deu["imports_usd_before"] - 1) == pytest.approx(
        -8.94, abs=0.1
    )
    # An override keeps the other short-run values and is recorded.
    assert main([*args, "--eta", "1.5", "--json", "--top", "1"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["provenance"]["eta"] == 1.5 and d["provenance"]["passthrough"] == 0.94


@pytest.mark.slow
def test_ge_run_on_a_date_short_run(capsys):
    assert main(["ge", "run", "--on", "2025-09-01", "--horizon", "short-run", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["scenario"] == "law_2025-09-01"
    assert d["provenance"]["trade_elasticity"] == pytest.approx(1.52)
    us = next(r for r in d["frames"]["regions"] if r["region"] == "USA")
    # docs/ge.md (scripts/model_figures.py): US welfare +1.98% in the short run on this date.
    assert us["welfare_pct"] == pytest.approx(1.98, abs=0.01)
