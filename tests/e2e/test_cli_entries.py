"""`tariffsim rate | timeline | measures` as entries, on the real library: the claim, the law as
known on a day, the end of coverage, landed cost — exit codes and the flags in every output.

Expected numbers: the hand computations of tests/golden/test_schedule_mechanisms.py (same lines).
"""

from __future__ import annotations

import json

import pytest

from tariffsim.cli.main import main

CAR = "8703230190"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_rate_states_its_claim_and_the_alternatives(capsys) -> None:
    d = run_json(capsys, "rate", "CAN", "3923.21.00.85", "--on", "2025-08-01")
    assert d["claim"] is None and d["total_rate"] == pytest.approx(0.38)
    assert [(c["claim"], round(c["total_rate"], 10)) for c in d["claims"]] == [
        (None, 0.38),
        ("usmca", 0.0),
    ]
    assert d["not_included"][0].startswith("antidumping and countervailing duties")
    d = run_json(capsys, "rate", "CAN", "3923.21.00.85", "--on", "2025-08-01", "--claim", "s")
    assert d["claim"] == "usmca" and d["total_rate"] == 0.0
    code, out, _ = run(capsys, "rate", "CAN", "3923.21.00.85", "--on", "2025-08-01")
    assert code == 0 and "no claim" in out and "usmca" in out and "38.00%" in out
    assert "not included: antidumping and countervailing duties" in out
    assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--claim", "XX"], "'XX' is not a special tariff program"),
        (["--claim", "korus"], "is not available to goods of JPN"),
        (["--landed"], "--landed needs --value"),
        (["--as-known-on", "2025-13-01"], "as_known_on"),
        (["--share", "steel_content=1.5"], "is not between 0 and 1"),
    ],
)
def test_bad_entry_options_exit_2(capsys, argv, message) -> None:
    code, out, err = run(capsys, "rate", "JPN", CAR, "--on", "2025-04-05", *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("error:") and message in err.splitlines()[0], err


def test_after_coverage_exit_2_or_flagged(capsys) -> None:
    code, _, err = run(capsys, "rate", "JPN", CAR, "--on", "2026-08-01")
    assert code == 2
    assert "after the last day the library covers (2026-06-30)" in err
    assert "--assume-unchanged" in err
    d = run_json(capsys, "rate", "JPN", CAR, "--on", "2026-08-01", "--assume-unchanged")
    assert d["assumed_unchanged"]["rated_with_law_of"] == "2026-06-30"
    assert d["flags"][0].startswith("assumed unchanged")
    code, out, _ = run(capsys, "rate", "JPN", CAR, "--on", "2026-08-01", "--assume-unchanged")
    assert code == 0 and "flag: assumed unchanged" in out


def test_as_known_on_in_rate_timeline_and_measures(capsys) -> None:
    args = ("rate", "KOR", "6110.20.20.05", "--on", "2025-11-20")
    d = run_json(capsys, *args, "--as-known-on", "2025-11-20")
    assert d["as_known_on"] == "2025-11-20" and d["total_rate"] == pytest.approx(0.315)
    assert run_json(capsys, *args)["total_rate"] == pytest.approx(0.165)
    t = run_json(
        capsys, "timeline", "KOR", "6110202005", "--from", "2025-11-10", "--to", "2025-12-31"
    )
    last = t["rows"][-1]["measures"]
    assert {"effective", "published"} <= set(last[0])
    t = run_json(capsys, "timeline", "KOR", "6110202005", "--from", "2025-11-10")
    assert t["defaults"] == ["--to not given: to the library's last day 2026-06-30"]
    m = run_json(capsys, "measures", "--on", "2025-11-20", "--as-known-on", "2025-11-20")
    assert m["as_known_on"] == "2025-11-20"
    m = run_json(capsys, "measures")
    assert m["coverage"] == {"start": "2024-01-01", "end": "2026-07-01", "last_day": "2026-06-30"}


def test_landed_cost_outputs(capsys) -> None:
    d = run_json(capsys, "rate", "KOR", CAR, "--on", "2025-09-01", "--value", "30000", "--landed")
    lc = d["landed"]
    assert (lc["duty_usd"], lc["mpf_usd"], lc["hmf_usd"]) == (8250.0, 103.92, 37.5)
    assert lc["landed_usd"] == pytest.approx(38391.42)
    assert lc["not_included"][0].startswith("antidumping")
    d = run_json(capsys, "rate", "KOR", CAR, "--on", "2025-09-01", "--value", "30000")
    assert d["duty_usd"] == 8250.0 and "landed" not in d
    code, out, _ = run(
        capsys,
        "rate",
        "KOR",
        CAR,
        "--on",
        "2025-09-01",
        "--value",
        "30000",
        "--landed",
        "--mode",
        "air",
    )
    assert code == 0 and "Landed cost (air)" in out and "HMF: none (air, not ocean)" in out
