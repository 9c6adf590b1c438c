"""Product lists. Expected row counts are those of the files in ../shared/data/product_lists
(lines minus header/comments, counted with wc -l / grep -c)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tariffsim.core.errors import InputError
from tariffsim.data import lists

ROWS = {
    "ieepa_exempt_products": 4296,  # 4297 data lines, one 12-digit typo dropped (8505110070 is listed)
    "s232_auto_parts": 130,
    "s232_derivative_products": 568,
    "s232_copper_products": 80,
    "s232_annex_products": 799,
    "s232_mhd_parts": 182,
    "s232_semi_products": 10,
    "s301_product_lists": 12223,
    "s122_exempt_products": 1656,
    "fentanyl_carveout_products": 308,
    "floor_exempt_products": 3823,
    "country_eo_exempt_products": 952,
    "hts_concordance": 435,
}


@pytest.mark.filterwarnings("ignore:ieepa_exempt_products.csv")
@pytest.mark.parametrize("name", list(ROWS))
def test_every_list(shared_data: Path, name: str) -> None:
    d = lists.product_list(name)
    assert d.columns[:2] == ["prefix", "start"]
    assert d.schema["start"] == pl.Date
    assert d.height == ROWS[name]
    assert d["prefix"].drop_nulls().str.contains(r"^\d{2,10}$").all()


def test_list_attributes(shared_data: Path) -> None:
    s301 = lists.product_list("s301_product_lists")
    assert {"list", "ch99_code"} <= set(s301.columns)
    live_horses = s301.filter(pl.col("prefix") == "01012100").row(0, named=True)
    assert live_horses["list"] == "4A" and live_horses["ch99_code"] == "9903.88.15"
    der = lists.product_list("s232_derivative_products").filter(pl.col("prefix") == "04029968")
    assert der["start"][0] == dt.date(2025, 8, 18) and der["derivative_type"][0] == "aluminum"
    floor = lists.product_list("floor_exempt_products")
    assert {"category", "country_group", "ch99_code"} <= set(floor.columns)
    conc = lists.product_list("hts_concordance")
    assert conc.filter(pl.col("change_type") == "added")["prefix"].null_count() > 0


def test_country_eo_list_reads_comments(shared_data: Path) -> None:
    d = lists.product_list("country_eo_exempt_products")
    first = d.row(0, named=True)
    # first data line: 9903.01.77,0801.21.00,2025-08-06,,"EO 14323 Annex I …"
    assert first["prefix"] == "08012100" and first["ch99_code"] == "9903.01.77"
    assert first["start"] == dt.date(2025, 8, 6) and first["end"] is None
    schema = lists.product_list_schema("country_eo_exempt_products")
    assert schema["ch99_code"].startswith("country EO heading")
    assert set(schema) == {
        "ch99_code",
        "hts10",
        "effective_date_start",
        "effective_date_end",
        "source",
        "note",
    }
    assert lists.product_list_schema("s301_product_lists") == {}


def test_unknown_list() -> None:
    with pytest.raises(InputError):
        lists.product_list("s999")


def test_usmca_and_metal_shares(shared_data: Path) -> None:
    u = lists.usmca_shares()
    assert u.height == 40088 and set(u["iso3"].unique()) == {"CAN", "MEX"}
    assert u["usmca_share"].is_between(0, 1).all()
    m = lists.metal_content_shares()
    assert m.columns[:4] == ["hs10", "steel_share", "aluminum_share", "copper_share"]
    assert m.height == 20780
    # first line of the file: 0101210010 steel share 0.0024161978502015642
    assert m.filter(pl.col("hs10") == "0101210010")["steel_share"][0] == pytest.approx(
        0.0024161978502015642
    )


def test_malformed_code_is_dropped_with_a_warning(shared_data: Path) -> None:
    # ieepa_exempt_products.csv line 3620 holds "850511007000" (12 digits)
    with pytest.warns(UserWarning, match="850511007000"):
        d = lists._read_list(
            shared_data / "product_lists/ieepa_exempt_products.csv", "ieepa_exempt_products"
        )
    assert "8505110070" in d["prefix"].to_list()
