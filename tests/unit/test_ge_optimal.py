"""Optimal and Nash tariffs (tariffsim.models.optimal)."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import ConvergenceError, InputError
from tariffsim.models import ge
from tariffsim.models.ge_data import load_model
from tariffsim.models.ge_scenarios import optimal_tariff_formula, us_import_tariffs
from tariffsim.models.optimal import (
    DEFAULT_BLOCS,
    aggregate_model,
    formula_at_equilibrium,
    nash_tariffs,
    optimal_us_tariff,
    us_welfare_at,
)


@pytest.fixture(scope="session")
def model(shared_data):
    return load_model("baseline", str(shared_data / "ge_2023"))


@pytest.fixture(scope="session")
def two_region(model):
    return aggregate_model(model, {"USA": ("USA",)})


def test_baseline_formula_is_the_spec_value(model):
    # Spec, "Optimal US tariff": t* = 1/((1+δ_US ε)φ_US - 1) on baseline data, "about 22%";
    # 21.80% by hand from the calibrated δ_US and φ_US (docs/ge.md). It is the rate of the
    # optimal_income_tax scenario, whose US welfare 1.79 is checked in tests/golden.
    f = optimal_us_tariff(model, method="formula")
    assert f.rate == pytest.approx(0.2180, abs=0.0005)
    assert f.welfare_pct == pytest.approx(1.79, abs=0.005)


def test_formula_at_baseline_equilibrium_is_the_spec_formula(model):
    # At t = 0 producer and consumer prices coincide (M = E_US - X_US,US), so the spec's expression
    # evaluated at the solved t = 0 equilibrium must equal the baseline formula to rounding.
    eq = ge.solve(model, us_import_tariffs(model, 0.0))
    terms = formula_at_equilibrium(model, eq)
    assert terms.spec_rate == pytest.approx(optimal_tariff_formula(model), rel=1e-9)
    # The deficit terms (module doc) lower the rate: the US runs a deficit (T' > 0).
    assert terms.deficit > 0 and terms.rate < terms.spec_rate


@pytest.mark.parametrize("variant", ["baseline", "ekk"])
def test_fixed_point_formula_is_exact_in_two_regions_with_fixed_labour(shared_data, variant):
    # The derivation in tariffsim.models.optimal (two regions, κ = 0) makes the formula at the
    # optimum the exact first-order condition: the fixed point t = F(eq(t)) and the direct maximum
    # of US welfare must coincide to solver precision. Computed: 18.6145% (baseline calibration)
    # and 43.956% (EKK variant: ν = 0, φ = 1).
    m2 = aggregate_model(load_model(variant, str(shared_data / "ge_2023")), {"USA": ("USA",)})
    m2 = m2.with_params(kappa=0.0)
    fp = optimal_us_tariff(m2, method="fixed_point", xatol=1e-12)
    d = optimal_us_tariff(m2, method="direct", xatol=1e-9)
    assert fp.diagnostics is not None and fp.diagnostics.converged
    assert fp.diagnostics.residual_norm < 1e-9
    # Brent on a flat maximum locates the argmax only to ~1e-5 (welfare is quadratic there) ...
    assert fp.rate == pytest.approx(d.rate, abs=1e-5)
    assert fp.rate == pytest.approx({"baseline": 0.186146, "ekk": 0.439560}[variant], abs=1e-5)

    # ... so exactness is checked on the first-order condition itself: dW/dt at the fixed point,
    # by Richardson-extrapolated central differences (error O(h^4)), implies an argmax within 1e-6
    # of it (computed offsets: 1e-8 baseline, 1e-10 EKK).
    def w(t: float) -> float:
        return us_welfare_at(m2, t)

    def slope(h: float) -> float:
        return (w(fp.rate + h) - w(fp.rate - h)) / (2 * h)

    h = 1e-3
    d1 = (4 * slope(h) - slope(2 * h)) / 3
    d2 = (w(fp.rate + h) - 2 * w(fp.rate) + w(fp.rate - h)) / h**2
    assert d2 < 0  # a maximum
    assert abs(d1 / d2) < 1e-6
    # With fixed labour the revenue use does not matter.
    lump = optimal_us_tariff(m2, method="fixed_point", revenue="lump_sum", xatol=1e-10)
    assert lump.rate == pytest.approx(fp.rate, abs=1e-9)


def test_fixed_point_and_direct_agree_on_194_countries_with_fixed_labour(model):
    # On 194 countries the formula treats the rest of the world as one region, so it is an
    # approximation: computed 19.134% (fixed point) vs 19.527% (direct), within the 0.5 points the
    # issue asks for; the welfare levels agree to 1e-4 points (flat optimum).
    fixed = model.with_params(kappa=0.0)
    fp = optimal_us_tariff(fixed, method="fixed_point")
    d = optimal_us_tariff(fixed, method="direct")
    assert abs(fp.rate - d.rate) < 0.005
    assert fp.rate == pytest.approx(0.1913, abs=0.0005)
    assert d.rate == pytest.approx(0.1953, abs=0.0005)
    assert 0.0 <= d.welfare_pct - fp.welfare_pct < 1e-3


def test_spec_terms_alone_at_the_optimum_overshoot(model):
    # Without the deficit terms the spec's expression evaluated at the optimum has its fixed point
    # at 26.3% (computed), far from every direct optimum (14.2–25.1%): the deficit terms matter.
    sp = optimal_us_tariff(model.with_params(kappa=0.0), method="fixed_point", deficit_terms=False)
    assert sp.rate == pytest.approx(0.2634, abs=0.001)


def test_elastic_labour_moves_the_direct_optimum_away_from_the_formula(model):
    # With κ = 0.5 (baseline) the formula has no employment term. Direct maximum (computed):
    # 25.12% with income-tax relief, 14.23% with a lump-sum rebate; the fixed point stays at
    # 19.16% / 19.14%, and the welfare surface is flat around it.
    d_tax = optimal_us_tariff(model, method="direct")
    d_lump = optimal_us_tariff(model, method="direct", revenue="lump_sum")
    fp = optimal_us_tariff(model, method="fixed_point")
    assert d_tax.rate == pytest.approx(0.2512, abs=0.001)
    assert d_lump.rate == pytest.approx(0.1423, abs=0.001)
    assert fp.rate == pytest.approx(0.1916, abs=0.0005)
    assert d_lump.rate < fp.rate < d_tax.rate
    # Direct maximisation is a true local maximum: nearby rates do worse.
    assert us_welfare_at(model, d_tax.rate + 0.02) < d_tax.welfare_pct
    assert us_welfare_at(model, d_tax.rate - 0.02) < d_tax.welfare_pct
    # Flat optimum: the baseline formula's 21.8% is within 0.02 welfare points of the maximum.
    f = optimal_us_tariff(model, method="formula")
    assert 0.0 <= d_tax.welfare_pct - f.welfare_pct < 0.02


def test_fixed_point_raises_without_a_root(model, shared_data):
    # The EKK calibration (φ = 1) with the spec's terms only: F(t) > t on all of [0, 1] (computed:
    # F(0) = 0.42, F(0.9) > 1), so there is no fixed point and the solver must say so.
    with pytest.raises(ConvergenceError):
        optimal_us_tariff(
            load_model("ekk", str(shared_data / "ge_2023")).with_params(kappa=0.0),
            method="fixed_point",
            deficit_terms=False,
        )
    with pytest.raises(InputError):
        optimal_us_tariff(model, method="guess")


def test_aggregation_preserves_totals(model, two_region):
    assert two_region.iso3 == ("USA", "ROW")
    assert two_region.E.sum() == pytest.approx(model.E.sum(), rel=1e-12)
    assert two_region.Y.sum() == pytest.approx(model.Y.sum(), rel=1e-12)
    # Aggregated Y satisfies the calibration identity Y = Σ(1-ν)X + ν·imports on the bloc matrix.
    X = two_region.X
    assert (
        pytest.approx(X @ (1 - two_region.nu) + two_region.nu * X.sum(axis=0), rel=1e-12)
        == two_region.Y
    )
    with pytest.raises(InputError):
        aggregate_model(model, {"MIX": ("USA", "CHN")})  # different ν inside one bloc


def test_nash_two_region(two_region):
    res = nash_tariffs(two_region)
    assert res.diagnostics.converged and res.diagnostics.residual_norm < 1e-5
    t = dict(zip(res.players, res.tariffs, strict=True))
    # Computed values (best-response iteration, income-tax relief): US 29.0%, ROW 15.5%.
    assert t["USA"] == pytest.approx(0.290, abs=0.003)
    assert t["ROW"] == pytest.approx(0.155, abs=0.003)
    # Nash property: no player gains by deviating unilaterally by ±2 points.
    from tariffsim.models import ge
    from tariffsim.models.optimal import _uniform_matrix

    def w(rates, i):
        eq = ge.solve(two_region, _uniform_matrix(np.asarray(rates)))
        return ge.welfare_change(two_region, eq)[i]

    for i in range(2):
        base = w(res.tariffs, i)
        for dev in (-0.02, 0.02):
            r = np.array(res.tariffs)
            r[i] += dev
            assert w(r, i) <= base + 1e-12


def test_nash_blocs_lump_sum(model):
    res = nash_tariffs(aggregate_model(model, DEFAULT_BLOCS), revenue="lump_sum")
    assert res.players == ("USA", "CHN", "EU", "ROW")
    assert res.diagnostics.converged
    assert np.all((res.tariffs > 0.05) & (res.tariffs < 0.5))
    assert np.all(res.welfare_pct < 0)  # a tariff war leaves everyone worse off than free trade


def test_nash_raises_when_not_converged(two_region):
    with pytest.raises(ConvergenceError) as err:
        nash_tariffs(two_region, max_rounds=1)
    assert not err.value.diagnostics.converged


def test_nash_refuses_the_full_194_player_game(model):
    with pytest.raises(InputError):
        nash_tariffs(model)


def test_group_players_match_country_players(model):
    # On the 4-bloc model, giving each bloc as a one-member group must reproduce the per-country
    # game exactly (same best responses, same welfare): checks the group code path used for
    # "EU as members" on the full model.
    blocs = aggregate_model(model, DEFAULT_BLOCS)
    a = nash_tariffs(blocs, revenue="lump_sum")
    b = nash_tariffs(blocs, players={c: (c,) for c in blocs.iso3}, revenue="lump_sum")
    assert b.players == a.players
    assert b.tariffs == pytest.approx(a.tariffs, abs=1e-6)  # Brent paths differ by rounding
    assert b.welfare_pct == pytest.approx(a.welfare_pct, abs=1e-6)
    with pytest.raises(InputError):
        nash_tariffs(blocs, players={"A": ("USA",), "B": ("USA",)})
