"""``--csv`` on ``tariffsim pe`` and the ``ge`` commands that print a table (via cli.main.main).

What is pinned: the CSV holds the rows and numbers of the command's ``--json`` frame — the same
rows in the same order, the same columns, every text equal and every number equal to the digits
both print (JSON: 12 significant digits, ``core.jsonable``; CSV: amounts ``*_usd`` to the cent and
rates ``etr*``/``rate*``/``*rate`` to 1e-10, ``cli.render.rounded_columns``; other numbers in full).
Checkable values besides: the US welfare gain of the USTR scenario that ILMS (2025) publish (+1.13%),
the PE partner rows adding up to the summary's 2024 imports, the product rows' deadweight losses
adding up to the summary's, and Germany's calibrated −8.94% (docs/pe.md). A folder as target
is refused with exit code 2 and an ``error:`` line before anything is solved.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tariffsim.cli.main import main
from tariffsim.core.jsonable import rounded


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _quantum(column: str) -> float:
    """How finely the CSV prints a column (``cli.render.rounded_columns``); 0 = in full."""
    if column.endswith("_usd"):
        return 0.01
    if column.startswith(("etr", "rate")) or column.endswith("rate"):
        return 1e-10
    return 0.0


def assert_same_rows(table: list[dict[str, str]], frame: list[dict[str, Any]]) -> None:
    """The CSV rows equal the JSON rows: same keys in the same order, same values."""
    assert len(table) == len(frame)
    for got, want in zip(table, frame, strict=True):
        assert list(got) == list(want)
        for col, w in want.items():
            g = got[col]
            if w is None:
                assert g == "", col
            elif isinstance(w, str):
                assert g == str(w), col
            elif isinstance(w, int):
                assert int(g) == w, col
            else:
                q = _quantum(col)
                if q == 0.0:  # printed in full: rounded as JSON rounds, the same number exactly
                    assert rounded(float(g)) == w, (col, g, w)
                else:  # each within its own rounding of the same number: half the CSV's step
                    # plus the JSON's 12-digit rounding (5e-12 relative; 6e-12 for float slack)
                    assert abs(float(g) - w) <= q / 2 + 6e-12 * abs(w), (col, g, w)


PE = ("pe", "--from", "2024-12-31", "--to", "2025-09-01", "--horizon", "short-run")


@pytest.mark.slow
def test_pe_csv_is_the_json_frame(capsys, tmp_path: Path) -> None:
    d = json.loads(run(capsys, *PE, "--json", "--top", "3"))
    summary = d["frames"]["summary"][0]
    partners = csv_rows(run(capsys, *PE, "--csv", "-"))
    assert list(partners[0])[:3] == ["iso3", "imports_usd_before", "imports_usd_after"]
    assert_same_rows(partners, d["frames"]["partners"])
    # All partners: their 2024 imports add up to the summary's (one frame, one total).
    assert sum(float(r["imports_usd_before"]) for r in partners) == pytest.approx(
        summary["imports_usd_before"], rel=1e-12
    )
    deu = next(r for r in partners if r["iso3"] == "DEU")
    # Calibrated on Germany's June-November 2025 imports (-8.94%, docs/pe.md).
    change = 100 * (float(deu["imports_usd_after"]) / float(deu["imports_usd_before"]) - 1)
    assert change == pytest.approx(-8.94, abs=0.1)
    # --by product: every product in the file (JSON keeps --top of them), same first rows.
    path = tmp_path / "products.csv"
    run(capsys, *PE, "--by", "product", "--csv", str(path))
    products = csv_rows(path.read_text(encoding="utf-8"))
    assert len(products) > 18_000
    assert_same_rows(products[:3], d["frames"]["products"])
    assert sum(float(r["deadweight_loss_usd"]) for r in products) == pytest.approx(
        summary["deadweight_loss_usd"], rel=1e-9
    )


def _nash_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"player": p, "tariff": d["tariffs"][p], "welfare_pct": d["welfare_pct"][p]}
        for p in d["players"]
    ]


def _optimal_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    terms = list(dict.fromkeys(k for r in rows for k in r.get("terms", {})))
    return [
        {
            **{k: v for k, v in r.items() if k != "terms"},
            **{f"terms_{k}": r.get("terms", {}).get(k) for k in terms},
        }
        for r in rows
    ]


GE_CASES = {
    "reproduce": (("ge", "reproduce-ilms2025"), lambda d: d),
    "run": (("ge", "run"), lambda d: d["frames"]["regions"]),
    "run-countries": (("ge", "run", "--countries"), lambda d: d["frames"]["countries"]),
    "optimal": (("ge", "optimal"), _optimal_rows),
    "nash": (("ge", "nash"), _nash_rows),
    "montecarlo": (
        ("ge", "montecarlo", "--draws", "4", "--executor", "serial"),
        lambda d: d["bands"],
    ),
}


@pytest.mark.parametrize("case", list(GE_CASES))
def test_ge_csv_is_the_json_frame(case: str, capsys, shared_data, monkeypatch) -> None:
    monkeypatch.setenv("TARIFFSIM_DATA", str(shared_data))
    argv, frame = GE_CASES[case]
    want = frame(json.loads(run(capsys, *argv, "--json")))
    got = csv_rows(run(capsys, *argv, "--csv", "-"))
    assert_same_rows(got, want)
    if case == "reproduce":  # 9 scenarios x 4 regions; ILMS (2025): US welfare +1.13% (USTR)
        assert len(got) == 36
        us = next(r for r in got if (r["scenario"], r["region"]) == ("ustr_income_tax", "USA"))
        assert float(us["welfare_pct"]) == pytest.approx(1.13, abs=0.02)
    if case == "run-countries":
        assert len(got) == 194
    if case == "optimal":  # the formula's rate has no fixed-point terms: empty cells
        assert [r["method"] for r in got] == ["formula", "fixed_point", "direct"]
        assert got[0]["terms_delta"] == "" and got[1]["terms_delta"] != ""


@pytest.mark.parametrize(
    "argv",
    [
        PE,
        ("ge", "reproduce-ilms2025"),
        ("ge", "run"),
        ("ge", "optimal"),
        ("ge", "nash"),
        ("ge", "montecarlo", "--draws", "4", "--executor", "serial"),
    ],
)
def test_a_folder_is_refused(argv: tuple[str, ...], capsys, tmp_path: Path) -> None:
    assert main([*argv, "--csv", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --csv") and "folder" in err
    assert list(tmp_path.iterdir()) == []  # nothing written into it
