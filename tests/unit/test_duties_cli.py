"""CLI of the duties area: bad input exits 2 with every bad row; reciprocal JSON shape."""

from __future__ import annotations

import json

from tariffsim.cli.main import main


def test_duties_bad_rows_exit_2(tmp_path, capsys) -> None:
    f = tmp_path / "entries.csv"
    f.write_text("origin,hs,value_usd\nJapn,8703230190,10\nJPN,87032301,x\n", encoding="utf-8")
    assert main(["duties", str(f), "--on", "2025-05-15"]) == 2
    err = capsys.readouterr().err
    # line 2: unknown origin; line 3: 8-digit code and a non-number -> both fields of the row
    assert "entries.csv:2: origin" in err
    line3 = next(x for x in err.splitlines() if "entries.csv:3:" in x)
    assert "hs: '87032301' is not a 10-digit HTS code" in line3
    assert "value_usd: 'x' is not a number" in line3
    assert "2 bad rows; nothing written" in err


def test_reciprocal_json(shared_data, capsys) -> None:
    assert main(["reciprocal", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert set(rows[0]) == {
        "iso3",
        "country",
        "imports_usd",
        "exports_usd",
        "rate_charged",
        "reciprocal_rate",
    }
    by = {r["iso3"]: r for r in rows}
    # China 2024: imports 438.95 bn, exports 143.55 bn -> 67.3% -> 67% -> 34% (HTS 9903.01.63: 34%)
    assert by["CHN"]["reciprocal_rate"] == 0.34
    assert by["EU"]["reciprocal_rate"] == 0.20  # 38.9% -> 39% -> 20% (HTS 9903.01.50)


def test_etr_needs_dates(capsys) -> None:
    assert main(["etr"]) == 2
