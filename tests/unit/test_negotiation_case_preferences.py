"""Preferences from economics and politics (tariffsim.negotiation.preferences), checked by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tariffsim.negotiation.case import load_case
from tariffsim.negotiation.preferences import (
    MODELS,
    build_preferences,
    japan_rice_wto_tariff_yen_per_kg,
    rice_wedge_usd_per_t,
)


@pytest.fixture(scope="module")
def japan():
    c = load_case("us-japan-2025-04")
    return c, build_preferences(c)


def test_duty_bill_on_cars_is_rate_times_2024_imports_of_8703(shared_data: Path, japan) -> None:
    c, prefs = japan
    # expected: 2024 US imports for consumption of HS 8703 from Japan (Census code 5880), summed here
    df = pl.read_csv(
        shared_data / "census/us_imports_hs10_by_partner_2024.csv.gz",
        schema_overrides={"hs10": pl.Utf8, "cty_code": pl.Utf8},
    )
    cars = df.filter(
        (pl.col("cty_code") == "5880") & pl.col("hs10").str.zfill(10).str.starts_with("8703")
    )
    v = float(cars["imports_usd"].sum())
    assert v == pytest.approx(41.904344023e9, rel=1e-9)  # README: tens of $bn; this is the sum
    levels = np.asarray(c.issue("auto_rate").levels)
    duty = prefs.economics["auto_rate"]["duty_static"]  # US$ bn/yr
    np.testing.assert_allclose(duty, levels * v / 1e9, rtol=1e-12)
    # e.g. 27.5% × 41.904 bn = 11.524 bn (hand computation)
    assert duty[-1] == pytest.approx(11.5237, abs=1e-3)


def test_ad_valorem_model_by_hand() -> None:
    # V = $100bn, pass-through ρ = 0.5, elasticity ε = 0 (no volume response), t = 0.2:
    # revenue = tV = 20; buyers = −ρtV = −10; exporters = −(1−ρ)tV = −10; domestic = 0 (bn)
    f = MODELS["ad_valorem_duty"].fn(
        np.array([0.2]),
        {"base": 100e9, "pass_through": 0.5, "elasticity": 0.0, "exporter_margin": 0.3},
    )
    assert f["revenue"][0] == pytest.approx(20.0)
    assert f["buyers"][0] == pytest.approx(-10.0)
    assert f["exporters"][0] == pytest.approx(-10.0)
    assert f["domestic"][0] == pytest.approx(0.0)
    # with ε = 2: V1 = 100 (1 + 0.5·0.2)^−2 = 82.6446; lost 17.3554
    g = MODELS["ad_valorem_duty"].fn(
        np.array([0.2]),
        {
            "base": 100e9,
            "pass_through": 0.5,
            "elasticity": 2.0,
            "exporter_margin": 0.3,
            "domestic_share": 0.4,
            "domestic_margin": 0.1,
        },
    )
    v1 = 100 / 1.1**2
    assert g["revenue"][0] == pytest.approx(0.2 * v1)
    assert g["buyers"][0] == pytest.approx(-(0.5 * 0.2 * v1 + 0.5 * 0.5 * 0.2 * (100 - v1)))
    assert g["exporters"][0] == pytest.approx(-(0.5 * 0.2 * v1 + 0.3 * (100 - v1)))
    assert g["domestic"][0] == pytest.approx(0.4 * 0.1 * (100 - v1))


def test_rice_tariff_from_japans_schedule(shared_data: Path, japan) -> None:
    c, _ = japan
    # Japan's tariff schedule, 1006.30 WTO column "*(341円/kg)"
    assert japan_rice_wto_tariff_yen_per_kg() == 341.0
    assert c.value("rice_wto_tariff_yen_per_kg") == 341
    # the protection wedge: 341 ¥/kg × 1000 kg/t ÷ 145.77 ¥/$ = 2,339.3 $/t
    assert rice_wedge_usd_per_t({"tariff_yen_per_kg": 341, "yen_per_usd": 145.77}) == pytest.approx(
        2339.30, abs=0.01
    )


def test_japan_has_no_car_tariff(shared_data: Path, japan) -> None:
    from tariffsim.negotiation.preferences import japan_car_tariffs_free

    # Japan's tariff schedule: every 8703 line 無税 (free) in the general column
    assert japan_car_tariffs_free() is True
    assert japan[0].value("jp_car_tariff") == 0.0


def test_rice_levels_within_and_above_quota(japan) -> None:
    c, prefs = japan
    spec = c.issue("rice_access")
    T = np.asarray(spec.levels)
    T0 = 0.45 * 770_000  # reference US share × minimum access (case parameters)
    wedge = 341 * 1000 / 145.77
    d_in = np.minimum(T, 770_000) - T0
    d_out = np.maximum(T - 770_000, 0)
    expected_farm = -wedge * (0.1 * d_in + 1.0 * d_out) / 1e9
    expected_symbolic = -0.25 * (T - T0) / 1e5
    np.testing.assert_allclose(prefs.channels["rice_access"]["jp_farm"], expected_farm, atol=1e-12)
    np.testing.assert_allclose(
        prefs.channels["rice_access"]["jp_farm_symbolic"], expected_symbolic, atol=1e-12
    )


def test_party_table_is_weighted_sum_of_constituencies(japan) -> None:
    c, prefs = japan
    # LNG, $10bn/yr: US channels sellers 0.2×10 = 2.0 and balance 0.3×10 = 3.0; only the president
    # (weight 0.6, stakes 1) weighs them → USA 0.6 × 5.0 = 3.0. Japan: buyer premium 0.08 × 10 = 0.8
    # weighed by the cabinet (0.55) → −0.44.
    j = [i.name for i in c.issues].index("lng_purchases")
    assert prefs.utilities["USA"].tables[j][-1] == pytest.approx(3.0)
    assert prefs.utilities["JPN"].tables[j][-1] == pytest.approx(-0.44)


def test_tables_are_vectorised_over_the_package_space(japan) -> None:
    _c, prefs = japan
    ag = prefs.agenda
    rng = np.random.default_rng(1)
    pk = np.stack([rng.integers(0, s, 1000) for s in ag.sizes], axis=1)
    u = prefs.utilities["JPN"].evaluate(pk)
    manual = sum(prefs.utilities["JPN"].tables[j][pk[:, j]] for j in range(ag.k))
    np.testing.assert_allclose(u, manual)


def test_fallback_values_without_data(japan) -> None:
    c, _ = japan
    # a case evaluated on the fallback numbers equals the data-layer numbers they were copied from
    fb = {k: (t.fallback_usd, "fallback") for k, t in c.trade.items()}
    p_fb = build_preferences(c, trade=fb)
    assert p_fb.trade["cars"][0] == pytest.approx(41904344023.0)
    assert dataclasses.is_dataclass(p_fb)
