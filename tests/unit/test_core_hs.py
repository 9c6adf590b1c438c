"""HS code normalisation (the HTS writes codes as 8703.23.01.90; tariffsim keeps digit strings)."""

from __future__ import annotations

import pytest

from tariffsim.core.errors import InputError
from tariffsim.core.hs import format_hs, is_valid_hs10, normalize_hs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8703.23.01.90", "8703230190"),
        ("8703 23 01 90", "8703230190"),
        ("870323", "870323"),
        ("0101.21.00", "01012100"),
        (" 87 ", "87"),
        (8703230190, "8703230190"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_hs(text) == expected


@pytest.mark.parametrize("text", ["", "87a3", "870", "12345678901", "101.21.00.10", "1"])
def test_normalize_rejects(text: str) -> None:
    with pytest.raises(InputError) as exc:
        normalize_hs(text, field="hs")
    assert exc.value.hint
    assert str(exc.value).startswith("hs:")


def test_odd_digits_hint_mentions_leading_zeros() -> None:
    with pytest.raises(InputError) as exc:
        normalize_hs("101.21.00.10")
    assert "leading zeros" in exc.value.hint


def test_is_valid_hs10_and_format() -> None:
    assert is_valid_hs10("8703230190")
    assert not is_valid_hs10("8703.23.01.90")
    assert not is_valid_hs10("87032301")
    assert format_hs("8703230190") == "8703.23.01.90"
    assert format_hs("870323") == "8703.23"
