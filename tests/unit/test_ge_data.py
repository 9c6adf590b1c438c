"""Calibration of the GE model (spec docs/ge-model-spec.md, "Calibration")."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.models.ge_data import (
    EU_MEMBERS,
    calibrate,
    load_model,
    load_raw_cached,
    solve_nu,
    two_region,
)


@pytest.fixture(scope="session")
def data_dir(shared_data) -> str:
    return str(shared_data / "ge_2023")


@pytest.fixture(scope="session")
def model(data_dir):
    return load_model("baseline", data_dir)


def test_raw_data_shape_and_us_position(data_dir):
    raw = load_raw_cached(data_dir)
    # data/README.md: 194 countries, USA is row 185 (1-based), China 34, ZWE last.
    assert raw.n == 194
    assert raw.iso3[184] == "USA" and raw.iso3[33] == "CHN" and raw.iso3[-1] == "ZWE"
    assert np.all(np.diag(raw.trade) == 0.0)


def test_nu_solves_the_two_region_system(model, data_dir):
    raw = load_raw_cached(data_dir)
    x2, y2 = two_region(np.asarray(raw.trade), np.asarray(raw.gdp), model.us)
    nu = np.array(model.nu2)
    # Re-evaluate the spec's two equations at the solution (hand check of step 1).
    e = y2 + (1 - nu) * (x2.sum(axis=0) - x2 @ (1 - nu))
    a1 = (e[0] - x2[1, 0]) / (e[0] - x2[1, 0] + x2[0, 1])
    a2 = (e[1] - x2[0, 1]) / (e[1] - x2[0, 1] + x2[1, 0])
    assert (1 - a1) * nu[1] + a1 * nu[0] == pytest.approx(0.12, abs=1e-12)
    assert a2 * nu[1] + (1 - a2) * nu[0] == pytest.approx(0.26, abs=1e-12)
    # Values on these data (computed once, they pin the calibration): ν_non-US ≈ 0.1143, ν_US ≈ 0.2705.
    assert nu == pytest.approx([0.114335, 0.270471], abs=1e-6)
    assert model.nu[model.us] == nu[1] and model.nu[0] == nu[0]


def test_solve_nu_floors_negative_values():
    # Symmetric 2x2 toy (a_1 = a_2 = a ≈ 0.9): the first equation (1-a)ν_2 + aν_1 = 0 forces
    # ν_1 = -ν_2(1-a)/a, and the second gives ν_2 = 0.5a/(2a-1) > 0, so ν_1 < 0 is floored to 0.
    x2 = np.array([[0.0, 10.0], [10.0, 0.0]])
    y2 = np.array([100.0, 100.0])
    nu = solve_nu(x2, y2, targets=(0.0, 0.5))
    assert nu[0] == 0.0 and nu[1] > 0.5


def test_completed_matrix_identities(model):
    # Step 3: E = column sums; Y = Σ_k (1-ν_k) X[i,k] + ν_i Σ_j X[j,i]; T = E - Y; λ columns sum to 1.
    X = np.asarray(model.X)
    assert pytest.approx(X.sum(axis=0), rel=1e-12) == model.E
    assert pytest.approx(X @ (1 - model.nu) + model.nu * X.sum(axis=0), rel=1e-12) == model.Y
    assert pytest.approx(model.E - model.Y, rel=1e-9, abs=1e-3) == model.T
    assert np.asarray(model.lam).sum(axis=0) == pytest.approx(np.ones(model.n), abs=1e-12)
    assert np.all(np.diag(X) >= 0)
    # World deficits net out: Σ_i T_i = Σ_i ν_i M_i - Σ_k ν_k M_k = 0 (imports incl. diagonal).
    assert abs(model.T.sum()) / model.E.sum() < 1e-12


def test_parameters_by_hand(model):
    # ψ = 0.67/ε, θ = ε/0.67, φ̃ = (1+θ)/((1-ν)θ) - 1/θ - 1, φ = 1 + φ̃ (spec step 4).
    assert model.eps == 4.0 and model.kappa == 0.5
    assert model.psi == pytest.approx(0.67 / 4)
    theta = 4 / 0.67
    nu_us = model.nu[model.us]
    assert model.phi[model.us] == pytest.approx((1 + theta) / ((1 - nu_us) * theta) - 1 / theta)


def test_variants(data_dir, model):
    raw = load_raw_cached(data_dir)
    pt = calibrate(raw, variant="partial_passthrough")
    assert np.asarray(pt.phi) == pytest.approx(np.asarray(model.phi) - 0.75)
    e8 = calibrate(raw, variant="eps8")
    assert e8.eps == 8.0 and e8.psi == model.psi and np.array_equal(e8.phi, model.phi)
    ekk = calibrate(raw, variant="ekk")
    assert np.all(ekk.nu == 0) and np.all(ekk.phi == 1)
    assert pytest.approx(np.asarray(model.X).sum(axis=1)) == ekk.Y
    assert np.array_equal(ekk.lam, model.lam) and np.array_equal(ekk.E, model.E)
    with pytest.raises(InputError):
        calibrate(raw, variant="nope")  # type: ignore[arg-type]


def test_eu_region_is_25_members(model):
    # Spec "Regions": the 27 members less Czechia and Slovakia.
    assert len(EU_MEMBERS) == 25 and "CZE" not in EU_MEMBERS and "SVK" not in EU_MEMBERS
    assert all(c in model.iso3 for c in EU_MEMBERS)
    with pytest.raises(InputError):
        model.index("XXX")


def test_bundle_fallback_equals_reference_csv(data_dir):
    # The package's default bundle (ge_countries/ge_trade parquet, built from ge_2023/ by
    # scripts/build_bundle.py) must give exactly the same inputs as the reference CSV files.
    from tariffsim.data.paths import bundle_file
    from tariffsim.models.ge_data import _load_bundle

    countries, trade = bundle_file("ge_countries.parquet"), bundle_file("ge_trade.parquet")
    # the bundle ships the GE inputs (scripts/build_bundle.py): `make demo` runs the GE on them
    assert countries is not None and trade is not None, "the bundle lacks ge_countries/ge_trade"
    b = _load_bundle(countries, trade)
    raw = load_raw_cached(data_dir)
    assert b.iso3 == raw.iso3
    assert np.array_equal(b.trade, raw.trade)
    assert np.array_equal(b.gdp, raw.gdp) and np.array_equal(b.ustr_tariff, raw.ustr_tariff)
