"""``tariffsim negotiate``: JSON shape, --best-for, --explain and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.cli.main import main


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_shape(capsys) -> None:
    code, out, _ = _run(
        capsys, ["negotiate", "us-japan-2025-04", "--json", "--draws", "300", "--seed", "1"]
    )
    assert code == 0
    j = json.loads(out)
    # the keys of issue 5, exactly
    assert set(j) == {
        "agreement_probability",
        "deal",
        "nash",
        "kalai_smorodinsky",
        "pareto_size",
        "ratification",
    }
    assert 0.0 <= j["agreement_probability"] <= 1.0
    for issue in ("reciprocal_rate", "auto_rate"):
        d = j["deal"][issue]
        assert set(d) == {"median", "p10", "p90", "unit"} and d["unit"] == "fraction"
        assert d["p10"] <= d["median"] <= d["p90"]
    # fractions, total duty including MFN: within the case's levels (10–24% and 2.5–27.5%)
    assert 0.10 <= j["nash"]["reciprocal_rate"] <= 0.24
    assert 0.025 <= j["nash"]["auto_rate"] <= 0.275
    assert j["pareto_size"] > 0
    assert 0.0 <= j["ratification"]["nash"]["joint"] <= 1.0


def test_best_for_and_explain(capsys) -> None:
    code, out, _ = _run(
        capsys,
        ["negotiate", "us-japan-2025-04", "--best-for", "JPN", "--min-acceptance", "0.8", "--json"],
    )
    assert code == 0
    j = json.loads(out)
    assert j["party"] == "JPN" and j["acceptance_probability"] >= 0.8
    code, out, _ = _run(capsys, ["negotiate", "us-japan-2025-04", "--explain", "--json"])
    j = json.loads(out)
    assert code == 0 and {"USA", "JPN"} <= set(j["reservation"])
    assert any(r["issue"] == "auto_rate" and "duty_static" in r["economics"] for r in j["levels"])


def test_bad_case_file_exits_2_with_file_and_line(tmp_path: Path, capsys) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("id: bad\nas_of: 2025-04-15\nparties:\n  USA: {}\n", encoding="utf-8")
    code, _, err = _run(capsys, ["negotiate", str(p)])
    assert code == 2
    assert "bad.yaml:3" in err and "exactly two parties" in err
    code, _, err = _run(capsys, ["negotiate", "us-japan-2025-04", "--best-for", "CHN"])
    assert code == 2 and "unknown party 'CHN'" in err


@pytest.mark.parametrize("case", ["us-korea-2025-04"])
def test_second_case_runs(capsys, case: str) -> None:
    code, out, _ = _run(capsys, ["negotiate", case, "--json", "--draws", "200"])
    assert code == 0 and "reciprocal_rate" in json.loads(out)["deal"]
