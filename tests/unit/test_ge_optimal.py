"""Optimal and Nash tariffs (tariffsim.models.optimal)."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import ConvergenceError, InputError
from tariffsim.models.ge_data import load_model
from tariffsim.models.optimal import (
    DEFAULT_BLOCS,
    aggregate_model,
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


def test_formula_and_direct_maximisation(model):
    f = optimal_us_tariff(model, method="formula")
    d = optimal_us_tariff(model, method="direct")
    # Spec: t* = 1/((1+δ_US ε)φ_US - 1) ≈ 22% on these data.
    assert f.rate == pytest.approx(0.218, abs=0.001)
    # The direct maximum of the spec's welfare measure is 25.1%, i.e. 3.3 points above the formula
    # (explained in docs/ge.md: the formula is the paper's sufficient statistic evaluated at baseline
    # trade shares and leaves out the labour-supply response to income-tax relief). The welfare
    # surface is flat there: the two rates give US welfare within 0.02 points.
    assert d.rate == pytest.approx(0.251, abs=0.002)
    assert d.welfare_pct >= f.welfare_pct
    assert d.welfare_pct - f.welfare_pct < 0.02
    # Direct maximisation is a true local maximum: nearby rates do worse.
    assert us_welfare_at(model, d.rate + 0.02) < d.welfare_pct
    assert us_welfare_at(model, d.rate - 0.02) < d.welfare_pct


def test_formula_gap_shrinks_without_labour_supply(model):
    # With inelastic labour (κ → 0) the tax-relief channel vanishes and the direct optimum (19.5%)
    # moves to within 2.5 points of the formula (21.8%).
    inelastic = model.with_params(kappa=1e-9)
    d = optimal_us_tariff(inelastic, method="direct")
    assert abs(d.rate - optimal_us_tariff(inelastic).rate) < 0.025


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
