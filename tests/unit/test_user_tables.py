"""User tables in ``tariffsim rate --input FILE`` and ``tariffsim duties FILE``: per-entry shares
(``usmca_share``, declared shares), per-row dates in ``duties``, rounding and file mode of the output.

Expected values come from the law as the US library encodes it: a Mexican car 8703.23.01.90 on
2025-09-05 pays MFN 2.5% (HTS 8703.23.01 column 1) + Section 232 autos 25% (Proclamation 10908) on
the value not entered under USMCA, and the USMCA special rate (program "S" in the HTS special
column) + 25% on the non-U.S. content (9903.94.03, U.S. note 33(d); for trade flows the estimate
0.73 of the value, share_default_flows of s232_autos_usmca_content) on the value entered under USMCA.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from tariffsim.cli.main import main

CAR = "8703.23.01.90"
DAY = "2025-09-05"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "shipments.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _usmca_special_rate() -> float:
    """Ad valorem USMCA ("S") rate of 8703.23.01 in the HTS edition the schedule uses on DAY."""
    import datetime as dt

    import polars as pl

    from tariffsim.core.dates import to_day_number
    from tariffsim.data import hts
    from tariffsim.schedule import load_schedule

    mfn = next(m for m in load_schedule().rules.measures if m.is_mfn)
    j = int(np.searchsorted(mfn.starts, to_day_number(dt.date.fromisoformat(DAY)), "right")) - 1
    rev = hts.load_revision(mfn.values[j].edition)
    special = rev.filter(pl.col("htsno") == "8703.23.01")["special"][0]
    return float(hts.parse_special(special)["S"].ad_valorem)


def _claim_share() -> float:
    """The 2024 USMCA claim share of the car from Mexico (the schedule's data default)."""
    from tariffsim.schedule import load_schedule

    return load_schedule().rules.shares.usmca_share(CAR.replace(".", ""), "MEX")


def _expected(u: float) -> float:
    # (1 - u) x (2.5% MFN + 25% s232 autos) + u x (USMCA special rate + 25% on the non-US content;
    # a USMCA share is a trade-flow figure, so the non-US content is the flows estimate 0.73 of
    # s232_autos_usmca_content, share_default_flows)
    return (1 - u) * (0.025 + 0.25) + u * (_usmca_special_rate() + 0.25 * 0.73)


def test_rate_input_usmca_share(capsys, tmp_path: Path) -> None:
    """Entries (the default): a usmca_share value is the entry's declared USMCA share, a blank is
    no claim. ``--usmca-share data``: the rows are trade flows and a blank takes the 2024 share."""
    f = tmp_path / "cars.csv"
    f.write_text(
        "origin,hs,date,value_usd,usmca_share\n"
        f"MEX,{CAR},{DAY},25000,0\nMEX,{CAR},{DAY},25000,1\nMEX,{CAR},{DAY},25000,\n"
    )
    g = tmp_path / "cars_nocol.csv"
    g.write_text(f"origin,hs,date,value_usd\nMEX,{CAR},{DAY},25000\n")
    code, out, err = run(capsys, "rate", "--input", str(f), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["basis"] == "entry" and "flag: basis: trade flows" not in err
    assert [r["claim"] for r in doc["rows"]] == [None, "usmca", None]
    # entry: 0 -> 2.5% + 25%; 1 -> special rate + 25% on the non-US content, the whole value
    # unless declared (U.S. note 33(d): without a US-content submission CBP charges the full value);
    # blank = no claim
    assert [r["total_rate"] for r in doc["rows"]] == pytest.approx(
        [0.275, _usmca_special_rate() + 0.25, 0.275], abs=1e-10
    )
    code, out, err = run(capsys, "rate", "--input", str(f), "--json", "--usmca-share", "data")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["basis"] == "flows" and doc["flags"][0].startswith("basis: trade flows")
    assert "flag: basis: trade flows (--usmca-share data)" in err
    rates = [r["total_rate"] for r in doc["rows"]]
    code, out, err = run(capsys, "rate", "--input", str(g), "--json", "--usmca-share", "data")
    assert code == 0, err
    absent = json.loads(out)["rows"][0]["total_rate"]
    u = _claim_share()
    assert 0.3 < u < 0.5  # product_lists/usmca_product_shares_2024.csv: 0.417
    assert rates[0] == pytest.approx(0.275, abs=1e-10)  # declared not USMCA
    # all USMCA: special rate + 9903.94.03
    assert rates[1] == pytest.approx(_expected(1.0), abs=1e-10)
    assert rates[2] == pytest.approx(absent, abs=1e-10)  # blank cell = absent column
    assert absent == pytest.approx(_expected(u), abs=1e-9)


# CAN polyethylene packaging 3923.21.00.85 on 2025-08-01: MFN 3% (HTS 3923.21.00 column 1) + the
# IEEPA fentanyl duty on Canada, 35% from 1 Aug 2025 (EO 14325, 9903.01.10); both off under a
# USMCA claim (HTS special column "S": Free; 9903.01.14 for USMCA goods)
PLASTIC = "3923.21.00.85"


def test_rate_input_claim_column(capsys, tmp_path: Path) -> None:
    f = tmp_path / "claims.csv"
    f.write_text(
        "origin,hs,date,value_usd,claim\n"
        f"CAN,{PLASTIC},2025-08-01,1000,\n"
        f"CAN,{PLASTIC},2025-08-01,1000,S\n"
        f"CAN,{PLASTIC},2025-08-01,1000,usmca\n"
        f"CAN,{PLASTIC},2025-08-01,1000,s+\n"
        # KORUS: a Korean car on 2025-06-01 pays 2.5% MFN + 25% s232 autos; claimed under KORUS
        # the special rate (Free, HTS 8703.23.01 "KR") + 25%
        f"KOR,{CAR},2025-06-01,1000,KR\n"
        f"KOR,{CAR},2025-06-01,1000,none\n"
    )
    code, out, err = run(capsys, "rate", "--input", str(f), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["basis"] == "entry"
    rows = doc["rows"]
    assert [r["claim"] for r in rows] == [None, "usmca", "usmca", "usmca", "korus", None]
    assert [r["total_rate"] for r in rows] == pytest.approx(
        [0.38, 0.0, 0.0, 0.0, 0.25, 0.275], abs=1e-10
    )
    assert rows[0]["rate_ieepa_fentanyl"] == pytest.approx(0.35)
    assert rows[0]["duty_usd"] == pytest.approx(380.0)
    # = tariffsim rate CAN 3923.21.00.85 --on 2025-08-01 [--claim S]
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    assert rows[0]["total_rate"] == pytest.approx(s.rate("CAN", PLASTIC, DAY_AUG).total_rate)
    assert rows[1]["total_rate"] == pytest.approx(
        s.rate("CAN", PLASTIC, DAY_AUG, claim="S").total_rate
    )
    # CSV: the claim column holds the program key
    code, out, err = run(capsys, "rate", "--input", str(f))
    assert code == 0, err
    got = [r["claim"] for r in csv.DictReader(io.StringIO(out))]
    assert got == ["", "usmca", "usmca", "usmca", "korus", ""]


DAY_AUG = "2025-08-01"


def test_rate_input_data_shares_is_the_flows_blend(capsys, tmp_path: Path) -> None:
    """``--usmca-share data`` = the trade-flows basis: the Canadian line pays the 2024 non-USMCA
    share of (3% + 35%): (1 - u) x 0.38, u the line's 2024 USMCA claim share (regression of the
    flows basis; a claim column is refused there)."""
    from tariffsim.schedule import load_schedule

    f = tmp_path / "flows.csv"
    f.write_text(f"origin,hs,date\nCAN,{PLASTIC},{DAY_AUG}\n")
    code, out, err = run(capsys, "rate", "--input", str(f), "--json", "--usmca-share", "data")
    assert code == 0, err
    got = json.loads(out)["rows"][0]["total_rate"]
    u = load_schedule().rules.shares.usmca_share(PLASTIC.replace(".", ""), "CAN")
    assert 0.99 < u < 1.0  # nearly all of it entered under USMCA in 2024
    assert got == pytest.approx((1 - u) * 0.38, abs=1e-9)
    assert got == pytest.approx(0.000592, abs=5e-7)  # the 0.059% of the old batch default
    assert got == pytest.approx(
        load_schedule().rate("CAN", PLASTIC, DAY_AUG, basis="flows").total_rate, abs=1e-10
    )
    g = tmp_path / "claims.csv"
    g.write_text(f"origin,hs,date,claim\nCAN,{PLASTIC},{DAY_AUG},S\n")
    code, out, err = run(capsys, "rate", "--input", str(g), "--usmca-share", "data")
    assert code == 2 and "claims are made by entries" in err and out == ""
    code, out, err = run(capsys, "rate", "--input", str(g), "--usmca-share", "none")
    assert code == 2 and "the only value is data" in err


def test_rate_input_bad_claim_named_with_line(capsys, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "origin,hs,date,SPI\n"
        f"CAN,{PLASTIC},{DAY_AUG},XX\n"
        f"CAN,{PLASTIC},{DAY_AUG},S\n"
        f"CHN,{CAR},{DAY_AUG},KR\n"
        f"MEX,{CAR},{DAY_AUG},\n"
    )
    out = tmp_path / "rated.csv"
    code, _, err = run(capsys, "rate", "--input", str(f), "--output", str(out))
    assert code == 2 and not out.exists()
    assert f"{f}:2: claim: 'XX' is not a special tariff program" in err
    assert "usmca (S, S+), nafta (CA, MX), korus (KR)" in err  # the valid names
    assert f"{f}:4: claim: korus (United States-Korea Free Trade Agreement) is not available" in err
    assert f"{f}:3:" not in err and f"{f}:5:" not in err
    h = tmp_path / "mixed.csv"
    h.write_text(f"origin,hs,date,usmca_share,claim\nMEX,{CAR},{DAY},0.5,KR\n")
    code, _, err = run(capsys, "rate", "--input", str(h))
    assert code == 2 and f"{h}:2: usmca_share: 0.5 on a row claiming korus" in err


def test_rate_input_bad_share_reported_with_line(capsys, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        f"origin,hs,date,usmca_share\nMEX,{CAR},{DAY},x\nMEX,{CAR},{DAY},0.5\nMEX,{CAR},{DAY},1.5\n"
    )
    out = tmp_path / "rated.csv"
    code, _, err = run(capsys, "rate", "--input", str(f), "--output", str(out))
    assert code == 2
    assert f"{f}:2: usmca_share: 'x' is not a share between 0 and 1" in err
    assert f"{f}:4: usmca_share: '1.5' is not a share between 0 and 1" in err
    assert f"{f}:3:" not in err
    assert not out.exists()


def test_rate_output_rounded_and_mode(capsys, tmp_path: Path) -> None:
    out = tmp_path / "rated.csv"
    old = os.umask(0o027)
    try:
        code, _, err = run(capsys, "rate", "--input", str(EXAMPLES), "--output", str(out))
    finally:
        os.umask(old)
    assert code == 0, err
    # a new file gets 0o666 & ~umask = 0o640 (not mkstemp's 0o600)
    assert out.stat().st_mode & 0o777 == 0o640
    text = out.read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    # CHN battery 8507.60.00.20 on 2025-05-20: 12,500 x 55.9% = 6,987.50 USD (not 6987.500000000001)
    chn = next(r for r in rows if r["origin"] == "CHN")
    assert chn["duty_usd"] == "6987.5" and chn["total_rate"] == "0.559"
    for r in rows:  # every rate has at most 10 decimals, every duty at most 2
        for k, v in r.items():
            decimals = len(v.split(".")[1]) if "." in v else 0
            if k == "total_rate" or k.startswith("rate_"):
                assert decimals <= 10, (k, v)
            if k == "duty_usd":
                assert decimals <= 2, v
    # the Mexican car, an entry with no claim: 31,000 x (2.5% + 25%) = 8,525 USD
    mex = next(r for r in rows if r["origin"] == "MEX")
    assert mex["duty_usd"] == "8525.0" and mex["claim"] == ""


def test_duties_usmca_blank_is_absent(capsys, tmp_path: Path) -> None:
    f = tmp_path / "cars.csv"
    f.write_text(
        f"origin,hs,value_usd,usmca_share\nMEX,{CAR},25000,0\nMEX,{CAR},25000,1\nMEX,{CAR},25000,\n"
    )
    g = tmp_path / "cars_nocol.csv"
    g.write_text(f"origin,hs,value_usd\nMEX,{CAR},25000\n")
    code, out, err = run(capsys, "duties", str(f), "--on", DAY, "--json")
    assert code == 0, err
    rates = [r["rate"] for r in json.loads(out)["rows"]]
    code, out, err = run(capsys, "duties", str(g), "--on", DAY, "--json")
    assert code == 0, err
    absent = json.loads(out)["rows"][0]["rate"]
    assert rates[0] == pytest.approx(0.275, abs=1e-10)
    assert rates[1] == pytest.approx(_expected(1.0), abs=1e-10)
    assert rates[2] == pytest.approx(absent, abs=1e-12)  # was 0.275 (blank read as 0)
    assert absent == pytest.approx(_expected(_claim_share()), abs=1e-9)


def test_duties_date_column_and_declared_shares(capsys) -> None:
    """docs/examples/shipments.csv rated by ``duties`` row by row = ``rate --input``."""
    code, out, err = run(capsys, "duties", str(EXAMPLES), "--json")
    assert code == 0, err
    d = json.loads(out)
    # duties prices trade flows: the same as rate --input on the flows basis
    code, out, err = run(
        capsys, "rate", "--input", str(EXAMPLES), "--json", "--usmca-share", "data"
    )
    assert code == 0, err
    ref = json.loads(out)["rows"]
    assert d["date"] is None
    assert [r["date"] for r in d["rows"]] == [r["date"] for r in ref]
    assert [r["rate"] for r in d["rows"]] == pytest.approx([r["total_rate"] for r in ref])
    by_date = {(r["origin"], r["date"]): r["rate"] for r in d["rows"]}
    # issue 2: a Japanese car pays 27.5% on 2025-04-05 and 15% on 2025-09-20 (EO 14345)
    assert by_date[("JPN", "2025-04-05")] == pytest.approx(0.275)
    assert by_date[("JPN", "2025-09-20")] == pytest.approx(0.15)
    # TWN 8471.80.90.00 on 2026-02-01: s232_semiconductors (Proclamation of 14 Jan 2026) charges
    # 25% on advanced chips: advanced_semiconductor 1 -> 25%, blank -> the measure's default 0
    twn = [r["rate"] for r in d["rows"] if r["origin"] == "TWN"]
    assert twn == pytest.approx([0.25, 0.0])
    assert d["imports_usd"] == pytest.approx(sum(r["value_usd"] for r in _values(EXAMPLES)))


def _values(path: Path) -> list[dict[str, float]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{"value_usd": float(r["value_usd"])} for r in csv.DictReader(f)]


def test_duties_date_column_errors(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "duties", str(EXAMPLES), "--on", "2025-05-01")
    assert code == 2 and "date column" in err
    f = tmp_path / "dated.csv"
    f.write_text(
        "origin,hs,value_usd,date,advanced_semiconductor\n"
        "JPN,8703230190,10,2025-02-30,\nJPN,8703230190,10,2031-01-01,\n"
        "JPN,8703230190,10,2025-05-01,2\n"
    )
    code, _, err = run(capsys, "duties", str(f))
    assert code == 2
    assert f"{f}:2: date: '2025-02-30' is not a date (no such day in the calendar)" in err
    assert f"{f}:3: date: 2031-01-01 is outside the schedule's coverage" in err
    assert f"{f}:4: advanced_semiconductor: '2' is not a share between 0 and 1" in err


def test_read_user_table_api(tmp_path: Path) -> None:
    from tariffsim.duties.etr import rate_user_table
    from tariffsim.duties.flows import read_user_table

    f = tmp_path / "t.csv"
    f.write_text(f"origin,hs,value_usd,date\nJPN,{CAR},100,2025-03-01\nJPN,{CAR},100,2025-04-05\n")
    fl = read_user_table(f)
    assert fl.dates is not None and [str(x) for x in fl.dates] == ["2025-03-01", "2025-04-05"]
    r = rate_user_table(fl)
    # issue 2: 2.5% on 2025-03-01, 27.5% on 2025-04-05 -> duty 2.5 + 27.5 = 30 USD on 200 USD
    assert r.rows["rate"].to_list() == pytest.approx([0.025, 0.275])
    assert r.duty_usd == pytest.approx(30.0)
    assert str(r.date) == "2025-03-01"
