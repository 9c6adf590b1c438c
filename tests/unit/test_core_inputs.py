"""core.inputs: user values read one way (HS codes, numbers, shares, dates), never misread.

Expected values are the ASCII forms by the Unicode standard (NFKC; the digit value of each Nd
character) and the calendar.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.core.inputs import (
    date_column,
    hs_column,
    normalize_hs,
    normalize_text,
    number_column,
    parse_date,
    parse_number,
    parse_share,
    show,
)


@pytest.mark.parametrize(
    "typed",
    [
        "8703.23.01.90",
        "8703 23 01 90",
        "８７０３２３０１９０",  # full-width (Japanese/Chinese input methods)
        "８７０３．２３．０１．９０",  # full-width with full-width dots
        "٨٧٠٣٢٣٠١٩٠",  # Arabic-Indic digits
        "۸۷۰۳۲۳۰۱۹۰",  # Extended Arabic-Indic (Persian) digits
        "८७०३२३०१९०",  # Devanagari digits
        "  8703230190\t",
    ],
)
def test_hs_any_digit_script_is_read_as_ascii(typed: str) -> None:
    assert normalize_hs(typed) == "8703230190"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("870323019", "a leading zero dropped? 0870323019"),
        ("8.70323E+09", "scientific notation"),
        ("8703230190.0", "write 8703230190 (no '.0')"),
        ("8703x23", "not an HS code"),
        ("", "empty HS code"),
        ("87032301901", "11 digits"),
    ],
)
def test_hs_refused_with_the_fix(typed: str, says: str) -> None:
    with pytest.raises(InputError) as e:
        normalize_hs(typed)
    assert says in str(e.value)


def test_hs_message_never_echoes_a_huge_value() -> None:
    with pytest.raises(InputError) as e:
        normalize_hs("9" * 1_000_000 + "x")
    assert len(str(e.value)) < 200
    assert "1,000,001 characters" in str(e.value)


def test_hs_column_flags_rows_and_keeps_good_ones() -> None:
    codes, problems = hs_column(
        ["8703.23.01.90", "８７０３２３０１９０", None, "87032301", "302130013", "8.70323E+09"]
    )
    assert codes.tolist()[:2] == ["8703230190", "8703230190"]
    assert 0 not in problems and 1 not in problems
    assert problems[2] == "hs: blank"
    assert "8 digits: give the statistical line" in problems[3]
    assert "0302130013" in problems[4]
    assert "scientific notation" in problems[5]
    assert all("np.str_" not in p and "None" not in p for p in problems.values())


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12500", 12500.0),
        ("12,500", 12500.0),
        ("1,234,567.5", 1234567.5),
        ("1.5e3", 1500.0),
        ("１２５００", 12500.0),
        (" 7 ", 7.0),
        ("−3", -3.0),
        (".5", 0.5),
        (42, 42.0),
    ],
)
def test_numbers_read(typed: object, value: float) -> None:
    assert parse_number(typed, field="value_usd") == value


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("nan", "a finite number is needed"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1e309", "not a finite number"),
        (math.nan, "not a finite number"),
        (math.inf, "not a finite number"),
        ("12,5", "decimal comma"),
        ("1.234,5", "decimal comma"),
        ("12,50,0", "plain number"),
        ("abc", "plain number"),
        ("", "blank"),
        ("1_000", "plain number"),
    ],
)
def test_numbers_refused(typed: object, says: str) -> None:
    with pytest.raises(InputError) as e:
        parse_number(typed, field="value_usd")
    assert says in str(e.value)
    assert str(e.value).startswith("value_usd: ")


def test_number_bounds_and_shares() -> None:
    with pytest.raises(InputError, match="not non-negative"):
        parse_number("-1", field="value_usd", minimum=0)
    assert parse_share("0.25", field="usmca_share") == 0.25
    with pytest.raises(InputError, match="between 0 and 1"):
        parse_share("1.5", field="usmca_share")


def test_number_column() -> None:
    vals, problems = number_column(["1", "", "nan", "2,000"], field="v", minimum=0, blank_ok=True)
    assert vals[0] == 1.0 and math.isnan(vals[1]) and math.isnan(vals[2]) and vals[3] == 2000.0
    assert 1 not in problems and "finite" in problems[2] and set(problems) == {2}
    _, strict = number_column(["", None], field="v")
    assert strict == {0: "v: blank", 1: "v: blank"}


@pytest.mark.parametrize(
    "typed",
    [
        "2025-04-05",
        "20250405",
        "２０２５-０４-０５",
        " 2025-04-05 ",
        dt.date(2025, 4, 5),
        dt.datetime(2025, 4, 5, 13, 0),
    ],
)
def test_dates_read(typed: object) -> None:
    assert parse_date(typed) == dt.date(2025, 4, 5)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("4/5/2025", "order of day and month is ambiguous"),
        ("2025-02-30", "no such day"),
        ("2025-W14-6", "expected YYYY-MM-DD"),
        ("2025-04-05T00:00", "without a time"),
        ("45752", "spreadsheet serial number"),
        ("", "blank"),
        ("2025-4-5", "expected YYYY-MM-DD"),
    ],
)
def test_dates_refused(typed: str, says: str) -> None:
    with pytest.raises(InputError) as e:
        parse_date(typed, field="--on")
    assert says in str(e.value) and str(e.value).startswith("--on: ")


def test_date_column_same_rules() -> None:
    days, problems = date_column(["2025-04-05", "20250405", "4/5/2025", None])
    assert days[:2].tolist() == [dt.date(2025, 4, 5)] * 2
    assert np.isnat(days[2]) and "ambiguous" in problems[2]
    assert problems[3] == "date: blank" and set(problems) == {2, 3}


def test_show_and_text() -> None:
    assert show(None) == "blank" and show("  ") == "blank"
    assert show(np.str_("JPN")) == "'JPN'"
    assert show("x" * 100).endswith("… (100 characters)")
    assert normalize_text("ＪＰＮ") == "JPN"
