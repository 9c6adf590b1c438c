"""``tariffsim negotiate``: JSON contract, partner + --as-of, --explain, --check, bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.cli.main import main

OLD_KEYS = {
    "agreement_probability",
    "deal",
    "nash",
    "kalai_smorodinsky",
    "pareto_size",
    "ratification",
}


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract(capsys, shared_data: Path) -> None:
    code, out, _ = _run(
        capsys, ["negotiate", "us-japan-2025-04", "--json", "--draws", "150", "--seed", "1"]
    )
    assert code == 0
    j = json.loads(out)
    # today's keys plus partner, as_of and p_deal_by (the forecast record, PartnerForecast)
    assert set(j) == OLD_KEYS | {"partner", "as_of", "p_deal_by"}
    assert j["partner"] == "JPN" and j["as_of"] == "2025-04-15"
    assert list(j["p_deal_by"]) == ["2025-05-15", "2025-06-14", "2025-07-14"]
    assert 0.0 <= j["agreement_probability"] <= 1.0
    for issue in ("reciprocal_rate", "auto_rate"):
        d = j["deal"][issue]
        assert set(d) == {"median", "p10", "p90", "unit"} and d["unit"] == "fraction"
        assert d["p10"] <= d["median"] <= d["p90"]
    # the headline as the deal names it, within the case's grid: the 10% floor of EO 14257 to the 24% threat
    assert 0.10 <= j["deal"]["reciprocal_rate"]["median"] <= 0.24
    # cars: total duty incl. the 2.5% MFN rate, up to the 27.5% in force
    assert 0.025 <= j["deal"]["auto_rate"]["median"] <= 0.275


def test_partner_and_date(capsys, shared_data: Path) -> None:
    code, out, _ = _run(
        capsys, ["negotiate", "Korea", "--as-of", "2025-04-15", "--json", "--draws", "80"]
    )
    assert code == 0
    j = json.loads(out)
    assert j["partner"] == "KOR" and j["as_of"] == "2025-04-15"
    code, _, err = _run(capsys, ["negotiate", "JPN"])
    assert code == 2 and "--as-of" in err


def test_explain_shows_model_data_and_judgement_share(capsys, shared_data: Path) -> None:
    code, out, _ = _run(capsys, ["negotiate", "us-japan-2025-04", "--explain", "--json"])
    assert code == 0
    e = json.loads(out)
    rec = next(i for i in e["issues"] if i["issue"] == "reciprocal_rate")
    # the models' PE per HTS10 on 2024 Census flows and the law on the date
    assert "per HTS10" in rec["model"] and "Census" in rec["data"]
    assert (
        rec["models_api"] == "tariffsim.models.stakes.stakes_for_issues"
        and rec["scope_usd_bn"] > 10
    )
    kinds = {p["parameter"]: p["kind"] for p in rec["parameters"]}
    assert kinds["p_threat_imposed"] == "judgement"
    for p in ("USA", "JPN"):
        share = e["judgement"][p]["judgement_share"]
        assert 0.0 <= share <= 1.0


def test_check_a_package(capsys, tmp_path: Path, shared_data: Path) -> None:
    pkg = tmp_path / "p.yaml"
    pkg.write_text(
        "reciprocal_rate: 0.15\nreciprocal_form: floor\nauto_rate: 0.15\ns232_cap: 0.15\n"
        "purchases: 0\ninvestment: 368\ninvestment_terms: us_directed\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, ["negotiate", "us-japan-2025-04", "--check", str(pkg), "--json"])
    assert code == 0
    r = json.loads(out)
    assert set(r["utilities"]) == {"USA", "JPN"} and "joint" in r["ratification"]
    assert r["pareto_optimal"] == (r["dominated_by"] == 0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("reciprocal_rate: 0.15\nrice: 600000\n", encoding="utf-8")
    code, _, err = _run(capsys, ["negotiate", "us-japan-2025-04", "--check", str(bad)])
    assert code == 2 and "bad.yaml:2" in err and "unknown issue 'rice'" in err


def test_bad_case_file_exits_2_with_file_and_line(tmp_path: Path, capsys) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "id: x\ntitle: t\nas_of: 2025-04-15\nparties: [1, 2]\npartner: JPN\n", encoding="utf-8"
    )
    code, _, err = _run(capsys, ["negotiate", str(p)])
    assert code == 2 and "c.yaml:4" in err


def test_best_for(capsys, shared_data: Path) -> None:
    code, out, _ = _run(
        capsys,
        [
            "negotiate",
            "us-japan-2025-04",
            "--best-for",
            "japan",
            "--min-acceptance",
            "0.8",
            "--json",
        ],
    )
    assert code == 0
    j = json.loads(out)
    assert j["party"] == "JPN" and (j["package"] is None or j["acceptance_probability"] >= 0.8)


@pytest.mark.parametrize("case", ["us-korea-2025-04"])
def test_second_case_runs(capsys, case: str, shared_data: Path) -> None:
    code, out, _ = _run(capsys, ["negotiate", case, "--draws", "60"])
    assert code == 0 and "Benchmarks at the stated priors" in out
