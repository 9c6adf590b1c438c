"""Census trade loaders. Expected totals from ../shared/data/README.md (census section)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tariffsim.core.errors import InputError
from tariffsim.data import census


def test_imports_2024(shared_data: Path) -> None:
    d = census.imports_2024()
    assert d.columns == ["hs10", "cty_code", "iso3", "imports_usd"]
    assert d.height == 334_728
    assert d["imports_usd"].sum() / 1e9 == pytest.approx(3123.8, abs=0.05)
    assert d["iso3"].null_count() == 0
    # first row of the file: 0101.21.00.10 from Canada (1220), 809,426 USD
    row = d.row(0, named=True)
    assert row == {"hs10": "0101210010", "cty_code": "1220", "iso3": "CAN", "imports_usd": 809426.0}


def test_partner_totals_japan(shared_data: Path) -> None:
    p = census.partner_totals()
    assert p.height == 233
    jp = p.filter(pl.col("iso3") == "JPN").row(0, named=True)
    assert jp["imports_usd"] / 1e9 == pytest.approx(148.21, abs=0.005)
    assert jp["exports_usd"] / 1e9 == pytest.approx(79.74, abs=0.005)
    assert jp["balance_usd"] / 1e9 == pytest.approx(-68.47, abs=0.005)
    assert p["imports_usd"].sum() / 1e9 == pytest.approx(3267.4, abs=0.05)
    assert p["exports_usd"].sum() / 1e9 == pytest.approx(2065.4, abs=0.05)


@pytest.mark.parametrize(
    ("partner", "duty_bn"),
    [("JPN", 2.282), ("EU", 7.343), ("CHN", 46.661), ("CAN", 0.414), ("MEX", 1.251)],
)
def test_imports_with_duty(shared_data: Path, partner: str, duty_bn: float) -> None:
    d = census.imports_with_duty(partner)
    assert d.columns[:5] == ["hs10", "cty_code", "iso3", "value_usd", "duty_usd"]
    assert d["duty_usd"].sum() / 1e9 == pytest.approx(duty_bn, abs=0.0005)
    assert d["iso3"].unique().to_list() == [partner]
    assert d.filter(pl.col("hs10").str.starts_with("98")).height > 0  # chapter 98 kept


def test_imports_with_duty_names(shared_data: Path) -> None:
    assert census.imports_with_duty("Japan").height == census.imports_with_duty("JPN").height
    with pytest.raises(InputError):
        census.imports_with_duty("KOR")
