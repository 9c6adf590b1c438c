"""``--csv`` on every table the CLI prints, ``etr --partner`` and ``etr --by hs4|hs6``.

Expected values: the law's rates for two cars (a Japanese car 27.5% on 2025-04-05: MFN 2.5% and
Section 232 25%; a Korean car claiming KORUS 0% → 25% from 2025-04-03 (Proclamation 10908) → 15%
from 2025-11-01 (the US–Korea deal)); the rest are identities
any table must satisfy (the --by rows add up to the total; a partner's ETR with --partner equals
its row in --by partner; the segment table equals the daily series on each day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from tariffsim.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_etr_partner_equals_its_row(capsys) -> None:
    by = json.loads(run(capsys, "etr", "--on", "2025-09-05", "--by", "partner", "--json"))
    jpn = next(r for r in by["by"] if r["key"] == "JPN")
    one = json.loads(run(capsys, "etr", "--on", "2025-09-05", "--partner", "Japan", "--json"))
    assert one["partner"] == "JPN"
    assert one["etr"] == pytest.approx(jpn["etr"], abs=1e-12)
    assert one["imports_usd"] == pytest.approx(jpn["imports_usd"])
    eu = json.loads(run(capsys, "etr", "--on", "2025-09-05", "--by", "group", "--json"))
    eu_row = next(r for r in eu["by"] if r["key"] == "EU")
    one = json.loads(run(capsys, "etr", "--on", "2025-09-05", "--partner", "EU", "--json"))
    assert one["duty_usd"] == pytest.approx(eu_row["duty_usd"], rel=1e-12)


@pytest.mark.parametrize("by", ["hs4", "hs6", "section"])
def test_by_tables_add_up(capsys, by: str) -> None:
    total = json.loads(run(capsys, "etr", "--on", "2025-04-10", "--json"))
    table = rows(run(capsys, "etr", "--on", "2025-04-10", "--by", by, "--csv", "-"))
    assert list(table[0]) == [by, "name", "etr", "duty_usd", "imports_usd"]
    assert sum(float(r["duty_usd"]) for r in table) == pytest.approx(total["duty_usd"], rel=1e-9)
    if by != "section":
        assert all(len(r[by]) == int(by[2]) for r in table)
    if by == "hs4":  # 8703, motor cars: named by its heading text
        car = next(r for r in table if r["hs4"] == "8703")
        assert car["name"].startswith("Motor cars and other motor vehicles")


def test_series_csv_and_segments(capsys, tmp_path: Path) -> None:
    daily = tmp_path / "d.csv"
    run(capsys, "etr", "--from", "2025-04-01", "--to", "2025-04-30", "--csv", str(daily))
    d = rows(daily.read_text())
    assert len(d) == 30 and d[0]["date"] == "2025-04-01" and "etr_s232" in d[0]
    seg = rows(
        run(
            capsys,
            "etr",
            "--from",
            "2025-04-01",
            "--to",
            "2025-04-30",
            "--by",
            "partner",
            "--csv",
            "-",
        )
    )
    on = json.loads(run(capsys, "etr", "--on", "2025-04-10", "--by", "partner", "--json"))
    chn = next(r for r in on["by"] if r["key"] == "CHN")
    hit = [r for r in seg if r["partner"] == "CHN" and r["from"] <= "2025-04-10" <= r["to"]]
    assert len(hit) == 1 and float(hit[0]["etr"]) == pytest.approx(chn["etr"], abs=1e-9)
    assert hit[0]["name"] == "China"


def test_timeline_rate_measures_reciprocal_csv(capsys) -> None:
    args = ["timeline", "KOR", "8703.23.01.90", "--from", "2025-01-01", "--to", "2026-06-30"]
    # Claiming KORUS (SPI "KR"): MFN free; Section 232 autos 25% from 2025-04-03 (Proclamation
    # 10908); the Korea deal's 15% all-in from 2025-11-01.
    tl = rows(run(capsys, *args, "--claim", "KR", "--csv", "-"))
    assert [(r["from"], r["total_rate"]) for r in tl] == [
        ("2025-01-01", "0.0"),
        ("2025-04-03", "0.25"),
        ("2025-11-01", "0.15"),
    ]
    # No claim: the column-1 rate of 8703.23.01 (2.5%) is paid on top until the all-in 15%.
    tl = rows(run(capsys, *args, "--csv", "-"))
    assert [(r["from"], r["total_rate"], r["rate_mfn"]) for r in tl] == [
        ("2025-01-01", "0.025", "0.025"),
        ("2025-04-03", "0.275", "0.025"),
        ("2025-11-01", "0.15", "0.025"),
    ]
    parts = rows(run(capsys, "rate", "JPN", "8703230190", "--on", "2025-04-05", "--csv", "-"))
    assert parts[-1]["measure"] == "total" and float(parts[-1]["rate"]) == pytest.approx(0.275)
    assert {r["claim"] for r in parts} == {""}
    assert {r["measure"] for r in parts} >= {"mfn", "s232_autos"}
    m = rows(run(capsys, "measures", "--on", "2025-08-07", "--csv", "-"))
    assert "s232_autos" in {r["id"] for r in m}
    rec = rows(run(capsys, "reciprocal", "--csv", "-"))
    js = json.loads(run(capsys, "reciprocal", "--json"))
    assert [r["iso3"] for r in rec] == [r["iso3"] for r in js]


def test_duties_csv_equals_output(capsys, tmp_path: Path) -> None:
    ex = Path(__file__).resolve().parents[2] / "docs" / "examples" / "shipments.csv"
    out = tmp_path / "o.csv"
    text = run(capsys, "duties", str(ex), "--csv", "-")
    run(capsys, "duties", str(ex), "--output", str(out))
    assert out.read_text() == text
    first = rows(text)[0]
    assert first["date"] == "2025-04-05" and float(first["rate"]) == pytest.approx(0.275)


def test_csv_target_checked_before_work(capsys, tmp_path: Path) -> None:
    link = tmp_path / "l.csv"
    link.symlink_to(tmp_path / "t.csv")
    assert main(["etr", "--on", "2025-04-10", "--by", "partner", "--csv", str(link)]) == 2
    assert "is a symbolic link" in capsys.readouterr().err


def test_post_substitution_series_beside_static(capsys) -> None:
    """The post-substitution ETR (econ's PE, short run) beside the static one: equal weights give
    the static ETR, and substitution away from taxed goods never raises the ETR above it."""
    out = json.loads(
        run(
            capsys,
            "etr",
            "--from",
            "2025-04-01",
            "--to",
            "2025-04-15",
            "--post-substitution",
            "--json",
        )
    )
    assert len(out) == 15
    from tariffsim.models.pe import post_substitution_etr_series

    days = [dt.date.fromisoformat(r["date"]) for r in out]
    ref = post_substitution_etr_series(days, horizon="short-run")
    assert [r["etr"] for r in out] == pytest.approx(ref["etr_pre_substitution"].to_list())
    assert [r["etr_post_substitution"] for r in out] == pytest.approx(
        ref["etr_post_substitution"].to_list()
    )
    assert all(r["etr_post_substitution"] <= r["etr"] + 1e-12 for r in out)
    assert out[-1]["etr_post_substitution"] < out[-1]["etr"]  # 2025-04-15: reciprocal in force


def test_etr_and_duties_say_their_assumptions(capsys, tmp_path: Path) -> None:
    """The schedule's flags (Compiled.flags) reach every ETR output: the 2024 flows carry no USMCA
    claim per entry, so the data's 2024 claim shares stand in for them (an assumption, said)."""
    from tariffsim.duties.etr import duties_on
    from tariffsim.duties.flows import default_flows
    from tariffsim.schedule import load_schedule

    day = dt.date(2025, 4, 10)
    f = default_flows()
    c = load_schedule().compile(f.hs10, f.origin, day, shares=dict(f.shares) or None)
    r = duties_on(day)
    assert r.provenance["assumptions"] == list(c.flags)
    assert any(x.startswith("USMCA:") for x in c.flags)
    text = run(capsys, "etr", "--on", "2025-04-10")
    assert text.count("flag: ") == len(c.flags) and "flag: USMCA:" in text
    # a table of Japanese goods only: no USMCA share stands in, so no USMCA flag
    t = tmp_path / "j.csv"
    t.write_text("origin,hs,value_usd\nJPN,8703230190,25000\n")
    out = run(capsys, "duties", str(t), "--on", "2025-04-05")
    assert "total: duty 6,875 USD on 25,000 USD = 27.50%" in out and "flag: USMCA" not in out
