"""ETR on the real 2024 trade and the US measure library: identities that must hold exactly.

Expected values are identities of the definitions in docs/duties.md (no published figure is used):
the daily series compiled once over a range equals the one-day computation on each date; partner,
chapter and section duties add up to the total; authority points add up to the ETR.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

DATES = [dt.date(2025, 4, 10), dt.date(2025, 5, 15), dt.date(2025, 9, 5), dt.date(2026, 3, 1)]


@pytest.fixture(scope="module")
def series(shared_data):
    from tariffsim.duties import etr_series

    return etr_series(dt.date(2025, 4, 1), dt.date(2026, 3, 2), by=("group",))


@pytest.mark.parametrize("day", DATES, ids=str)
def test_series_equals_one_day_and_groups_add_up(series, day) -> None:
    from tariffsim.duties import duties_on

    r = duties_on(day)
    row = series.daily.filter(series.daily["date"] == day).row(0, named=True)
    assert row["etr"] == pytest.approx(r.etr, rel=1e-12)
    for a in r.authorities:
        assert row[f"etr_{a}"] == pytest.approx(
            r.by("authority").filter(r.by("authority")["key"] == a)["etr"][0], abs=1e-12
        )
    # 2024 imports for consumption, chapters 01-97: 3,123.8 bn USD (data README)
    assert r.imports_usd / 1e9 == pytest.approx(3123.77, abs=0.01)
    for key in ("partner", "group", "chapter", "section"):
        assert r.by(key)["duty_usd"].sum() == pytest.approx(r.duty_usd, rel=1e-9)
    assert r.by("authority")["etr"].sum() == pytest.approx(r.etr, rel=1e-9)
    g = series.by_group.filter((series.by_group["date"] == day) & (series.by_group["key"] == "EU"))
    eu = r.by("group").filter(r.by("group")["key"] == "EU")
    assert g["etr"][0] == pytest.approx(eu["etr"][0], rel=1e-9)


def test_etr_json_shape(shared_data, capsys) -> None:
    from tariffsim.cli.main import main

    assert main(["etr", "--on", "2025-05-15", "--by", "partner", "--top", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"date", "etr", "duty_usd", "imports_usd", "by"} <= set(out)
    assert len(out["by"]) == 5
    assert set(out["by"][0]) == {"key", "etr", "duty_usd", "imports_usd"}
    # China carries the largest duty on 2025-05-15 (fentanyl 20% + reciprocal 10% + Section 301)
    assert out["by"][0]["key"] == "CHN"


def test_html_report_real(shared_data, tmp_path) -> None:
    import re

    from tariffsim.duties.report import build_etr_report

    out = tmp_path / "r.html"
    info = build_etr_report(dt.date(2025, 1, 1), dt.date(2025, 7, 1), out=out, with_validation=True)
    html = out.read_text(encoding="utf-8")
    assert info["bytes"] == len(html.encode("utf-8"))
    assert html.count('src="data:image/png;base64,') == 3
    assert not re.search(r"https?://", html)
    assert "Validation against customs" in html
