"""The reciprocal formula of 2 April 2025 on hand-checked inputs."""

from __future__ import annotations

import polars as pl
import pytest

from tariffsim.duties.reciprocal import reciprocal_from_totals, reciprocal_table


def test_japan_by_hand() -> None:
    # Data README: Japan 2024 imports 148.21 bn, exports 79.74 bn.
    # charged = (148.21 − 79.74)/148.21 = 68.47/148.21 = 0.46198 → 46% (whole percent);
    # reciprocal = ⌈46/2⌉ = 23%. HTS 9903.01.53 implemented 24% for Japan: USTR's own table shows
    # "46%" charged and 24% — one of the two entries (with Vietnam, 90% → 46%) that do not follow the
    # rule from its own rounded column; see tests/golden/test_duties_reciprocal_hts.py.
    charged, rec = reciprocal_from_totals(148.21e9, 79.74e9)
    assert charged == pytest.approx(68.47 / 148.21)
    assert rec == pytest.approx(0.23)


def test_rounding_half_up_then_ceiling() -> None:
    # EU 2024 (sum of the 27): charged 38.89% → 39% → ⌈19.5⌉ = 20% (HTS 9903.01.50 implements 20%)
    assert reciprocal_from_totals(100.0, 61.11)[1] == pytest.approx(0.20)
    # charged exactly 50% → 25% (no rounding up of an exact half-of-even); South Korea's 50.18% → 25%
    assert reciprocal_from_totals(100.0, 50.0)[1] == pytest.approx(0.25)
    assert reciprocal_from_totals(100.0, 49.82)[1] == pytest.approx(0.25)
    # charged 52.24% (India) → 52% → 26% (HTS 9903.01.55 implements 26%)
    assert reciprocal_from_totals(100.0, 47.76)[1] == pytest.approx(0.26)


def test_floor_and_surplus() -> None:
    # charged 15% → ⌈7.5⌉ = 8% → raised to the 10% baseline
    assert reciprocal_from_totals(100.0, 85.0)[1] == pytest.approx(0.10)
    # US surplus (exports > imports): 10%; no imports: charged undefined, 10%
    charged, rec = reciprocal_from_totals(50.0, 80.0)
    assert charged == pytest.approx(-0.6) and rec == pytest.approx(0.10)
    assert reciprocal_from_totals(0.0, 10.0) == (None, 0.10)


def test_table_adds_groups() -> None:
    t = pl.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC"],
            "country": ["A", "B", "C"],
            "imports_usd": [100.0, 300.0, 50.0],
            "exports_usd": [40.0, 260.0, 60.0],
        }
    )
    rows = reciprocal_table(t, groups={"G": ["AAA", "BBB"]})
    by = {r.iso3: r for r in rows}
    # AAA: 60% → 30%; BBB: 13.3% → 13% → ⌈6.5⌉ = 7% → 10%; CCC surplus → 10%
    assert by["AAA"].reciprocal_rate == pytest.approx(0.30)
    assert by["BBB"].reciprocal_rate == pytest.approx(0.10)
    assert by["CCC"].reciprocal_rate == pytest.approx(0.10)
    # G = AAA + BBB: (400 − 300)/400 = 25% → ⌈12.5⌉ = 13%
    assert by["G"].rate_charged == pytest.approx(0.25)
    assert by["G"].reciprocal_rate == pytest.approx(0.13)
    assert [r.iso3 for r in rows] == ["BBB", "AAA", "CCC", "G"]  # by imports, groups last
