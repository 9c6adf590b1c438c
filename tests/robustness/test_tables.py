"""Hostile and damaged user tables: ``rate --input``, ``duties`` and the library read them one way.

For every file of ``hostile.TABLES`` (the review's 46-file attack, condensed): the same decision in
both commands (rated, or refused with exit code 2 and the expected message naming the file and
line), no traceback, stderr bounded (a 1 MB field is never echoed), nothing written on refusal, and
no row lost (rows in = rows rated + rows reported + blank rows skipped). Hypothesis then feeds
arbitrary bytes and arbitrary cells to the reader and validator: they answer or refuse with an
InputError, nothing else.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hostile import CAR, DAY, HEADER, TABLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffsim.cli.main import main
from tariffsim.core.errors import InputError

MAX_STDERR = 4_000


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("name", "data", "expect"), TABLES, ids=[t[0] for t in TABLES])
def test_rate_input_and_duties_decide_alike(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes, expect: str
) -> None:
    f = tmp_path / "table.csv"
    f.write_bytes(data)
    out = tmp_path / "rated.csv"
    code, _, err = run(capsys, "rate", "--input", str(f), "--output", str(out))
    assert "Traceback" not in err and len(err) < MAX_STDERR, err[:500]
    dcode, dout, derr = run(capsys, "duties", str(f), "--json")
    assert "Traceback" not in derr and len(derr) < MAX_STDERR, derr[:500]
    if expect.startswith("ok"):
        n = int(expect.split()[1])
        assert code == 0, err
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert len(rows) == n
        if n:
            assert float(rows[0]["total_rate"]) == pytest.approx(
                0.275
            )  # JPN car: MFN 2.5% + Section 232 25%
        if n:
            assert dcode == 0, derr
            assert [r["rate"] for r in json.loads(dout)["rows"]] == pytest.approx([0.275] * n)
        else:  # a header without rows: nothing to rate in duties either
            assert dcode == 2 and "no data rows" in derr
    else:
        assert code == 2 and not out.exists(), err
        assert expect in err, err
        assert dcode == 2 and expect in derr, derr


def test_blank_rows_skipped_and_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(f"{HEADER}\n\nJPN,{CAR},{DAY},1\n,,,\n   \nJPN,{CAR},{DAY},2\n\n")
    code, out, err = run(capsys, "rate", "--input", str(f), "--json")
    assert code == 0 and len(json.loads(out)["rows"]) == 2
    assert f"note: {f}: skipped 4 empty rows (lines 2, 4, 5, 7)" in err
    code, _, err = run(capsys, "duties", str(f), "--json")
    assert code == 0 and "skipped 4 empty rows" in err


def test_no_row_lost_with_skip_invalid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """1,000 rows, every seventh bad: rated + skipped = all, and each good row once, in order."""
    lines = [HEADER]
    for i in range(1000):
        lines.append(f"JPN,{CAR},{DAY},{i}" if i % 7 else f"JPN,{CAR},{DAY},nan")
    f = tmp_path / "t.csv"
    f.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o.csv"
    code, _, err = run(capsys, "rate", "--input", str(f), "--output", str(out), "--skip-invalid")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    skipped = [ln for ln in err.splitlines() if ln.startswith("skipped:")]
    assert code == 0 and len(rows) + len(skipped) == 1000 and len(skipped) == 143
    assert [int(r["value_usd"]) for r in rows] == [i for i in range(1000) if i % 7]
    assert (
        skipped[0]
        == f"skipped: {f}:2: value_usd: 'nan' is not a number (a finite number is needed)"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_reader_never_crashes_on_bytes(data: bytes) -> None:
    from tariffsim.core.tables import read_table

    try:
        t = read_table(data, name="x.csv")
    except InputError:
        return
    assert t.height == len(t.lines)
    assert all(len(c) == t.height for c in t.cells)


_cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-1e309",
            "12,500",
            "８７０３２３０１９０",
            "2025-02-30",
            "20250405",
            "JPN",
            "EU",
            "",
            " ",
            "0.5",
            "1.5",
            "８",
            "٣",
        ]
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_cells, _cells, _cells, _cells, _cells), min_size=1, max_size=8))
def test_validator_answers_or_names_each_bad_row(rows: list[tuple]) -> None:
    """Any cells: every row is rated or reported (never lost), no exception but InputError, and no
    Python repr (None, np.str_) reaches a message."""
    import polars as pl

    from tariffsim.schedule import load_schedule
    from tariffsim.schedule.batch import rate_frame

    frame = pl.DataFrame(
        [[None if c is None else str(c) for c in r] for r in rows],
        schema=["origin", "hs", "date", "value_usd", "usmca_share"],
        orient="row",
    )
    try:
        out, errors = rate_frame(load_schedule(), frame, name="t.csv")
    except InputError:
        return
    assert out.height + len(errors) == len(rows)
    for e in errors:
        assert not re.search(r"(?<!')\bNone\b", e.split(": ", 1)[1]) and "np.str_" not in e
    if out.height:
        assert out["total_rate"].is_finite().all()
        assert out["duty_usd"].is_finite().all()
