"""A user's import table: parsing, and every bad row reported at once."""

from __future__ import annotations

import pytest

from tariffsim.core.errors import InputError
from tariffsim.duties.flows import parse_user_table


def test_good_table() -> None:
    f = parse_user_table(
        'origin,hs,value_usd\nJapan,8703.23.01.90,1000\nDEU,2204210000,"2,500"\n',
        name="t.csv",
    )
    assert list(f.origin) == ["JPN", "DEU"]
    assert list(f.hs10) == ["8703230190", "2204210000"]
    assert list(f.value_usd) == [1000.0, 2500.0]
    # no usmca_share column: no override (the schedule uses the 2024 claim shares and derives the
    # metal contents itself, e.g. wine 2204.21.00.00 has steel_share 0.00470879 in the BEA table)
    assert "usmca" not in f.shares
    assert "steel_content" not in f.shares
    from tariffsim.duties.flows import metal_content_shares

    assert metal_content_shares(f.hs10)["steel_content"][1] == pytest.approx(0.00470879, rel=1e-5)
    g = parse_user_table(
        "origin,hs,value_usd,usmca_share\nCAN,8703230190,10,0.5\nMEX,8703230190,10,\n"
    )
    # blank = as without the column: the 2024 claim share of MEX 8703.23.01.90
    # (product_lists/usmca_product_shares_2024.csv: 0.4172674363)
    assert list(g.shares["usmca"]) == pytest.approx([0.5, 0.4172674363])


def test_metal_content_falls_back_to_hts8() -> None:
    from tariffsim.duties.flows import metal_content_shares

    # 3004.90.92.01 (2024 suffix) is not in the BEA table, whose rows of HTS8 3004.90.92 all carry
    # metal_share 0.0031295 (BEA industry 325412, product_lists/metal_content_shares_bea_hs10.csv)
    m = metal_content_shares(["3004909201", "3004909203"])
    assert m["metal_content"] == pytest.approx([0.0031295, 0.0031295])


def test_every_bad_row_is_reported() -> None:
    text = "origin,hs,value_usd\nJapn,8703230190,10\nJPN,870323,10\nCHN,9503000090,-5\nEU,9503000090,1\n"
    with pytest.raises(InputError) as e:
        parse_user_table(text, name="t.csv")
    msg = str(e.value)
    # line 2: unknown country; line 3: 6 digits; line 4: negative value; line 5: a group
    assert "t.csv:2: origin" in msg
    assert "t.csv:3: hs" in msg
    assert "t.csv:4: value_usd" in msg
    assert "t.csv:5: origin" in msg
    assert msg.startswith("t.csv: 4 bad rows; nothing computed")


def test_missing_column() -> None:
    with pytest.raises(InputError, match="missing column"):
        parse_user_table("origin,value_usd\nJPN,1\n", name="t.csv")
