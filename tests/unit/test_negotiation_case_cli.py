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


MINIMAL = """
id: toy-2025
title: a two-issue toy case
as_of: 2025-04-15
parties:
  USA: {name: United States}
  XYZ: {name: Partner}
sources:
  S: {title: hand-made, date: 2025-01-01}
parameters:
  a: {value: 1.0, low: 0.5, high: 1.5, source: S, kind: judgement}
  b: {value: 0.5, low: 0.25, high: 0.75, source: S, kind: judgement}
constituencies:
  gov_us: {party: USA, weight: 1.0, stakes: {us: 1.0, us_pol: 1.0}, source: S}
  gov_x: {party: XYZ, weight: 1.0, stakes: {x: 1.0, x_pol: 1.0}, source: S}
pivots:
  - {name: us, party: USA, constituency: gov_us, sigma: {value: 1.0, source: S}, source: S}
  - {name: x, party: XYZ, constituency: gov_x, sigma: {value: 1.0, source: S}, source: S}
issues:
  - name: purchases
    kind: numeric
    unit: USD bn/yr
    levels: [0, 1, 2]
    source: S
    model: linear
    args: {us_value: a, partner_cost: b}
    channels: {us: us, partner: x}
    positions: {USA: 2, XYZ: 0}
    status_quo: 0
  - name: tariff
    kind: categorical
    unit: level
    levels: [high, low]
    source: S
    model: direct
    values:
      us_pol: {values: [0.0, -0.5], source: S}
      x_pol: {values: [0.0, 2.0], source: S}
    positions: {USA: high, XYZ: low}
    status_quo: high
"""


def test_a_user_case_file_runs(tmp_path: Path, capsys) -> None:
    p = tmp_path / "toy.yaml"
    p.write_text(MINIMAL, encoding="utf-8")
    code, out, _ = _run(capsys, ["negotiate", str(p), "--json", "--draws", "100"])
    assert code == 0
    j = json.loads(out)
    # by hand: u_US = purchases − 0.5·[low], u_X = −0.5·purchases + 2·[low]; no deal (0, high) = (0, 0).
    # Utilities (US, X): (0,h) (0,0); (1,h) (1,−.5); (2,h) (2,−1); (0,l) (−.5,2); (1,l) (.5,1.5);
    # (2,l) (1.5,1). (0,h) and (1,h) are dominated, so the frontier has 4 points; Nash maximises
    # u_US·u_X: (2, low) gives 1.5 × 1.0 = 1.5, the largest.
    assert j["nash"] == {"purchases": 2.0, "tariff": "low"}
    assert j["pareto_size"] == 4
    # ratification of (2, low): Φ(1.5)·Φ(1.0) = 0.933193 × 0.841345
    assert j["ratification"]["nash"]["joint"] == pytest.approx(0.933193 * 0.841345, abs=1e-5)
