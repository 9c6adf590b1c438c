"""Short-run and long-run parameters: literature values, dates, per-row pass-through, GE variant."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.models.horizons import (
    CALIBRATED_ETA,
    CALIBRATED_SIGMA_SCALE,
    LITERATURE,
    SIGMA_SCALE_RANGE,
    ge_trade_elasticity,
    pe_params,
)
from tariffsim.models.pe import PEParams
from tariffsim.models.pe_core import solve_pe


def test_sigma_scale_range_is_boehm_et_al_ratio():
    # Boehm, Levchenko & Pandalai-Nayar (2023): one-year elasticity 0.76, long run 1.75-2.25.
    assert pytest.approx((0.76 / 2.25, 0.76 / 1.75)) == SIGMA_SCALE_RANGE
    assert SIGMA_SCALE_RANGE[0] <= CALIBRATED_SIGMA_SCALE <= SIGMA_SCALE_RANGE[1]


def test_short_run_parameters_are_the_literature_values():
    p = pe_params("short-run")
    assert p.horizon == "short-run"
    assert p.passthrough == 0.94  # Gopinath & Neiman (2025) preferred estimate
    assert dict(p.passthrough_products) == {"8703": 0.0}  # Bank of Japan car export prices
    assert p.sigma_scale == CALIBRATED_SIGMA_SCALE
    assert p.eta == CALIBRATED_ETA
    assert len(p.sources) == 4
    lr = pe_params("long-run")
    assert (lr.eta, lr.sigma_scale, lr.passthrough) == (1.0, 1.0, None)


def test_car_passthrough_follows_from_the_boj_index():
    # June 2025: export price index of passenger cars to North America -19.4% y/y (contract
    # currency) while the duty went from 2.5% to 27.5%: rho = 1 + ln(0.806)/ln(1.275/1.025).
    rho = 1 + np.log(1 - 0.194) / np.log(1.275 / 1.025)
    assert rho == pytest.approx(0.0120, abs=5e-4)
    v = LITERATURE["passthrough_cars_2025"]
    assert v.low <= max(rho, 0.0) <= v.high


def test_values_published_later_are_not_used_for_earlier_dates():
    early = pe_params("short-run", as_of=dt.date(2025, 4, 15))
    assert early.passthrough == 0.95  # the 2018-19 evidence (CGNT 2021)
    assert dict(early.passthrough_products) == {"8703": 0.95}
    assert early.eta == 1.0 and early.sigma_scale == pytest.approx(0.38)
    assert any("as of 2025-04-15" in s for s in early.sources)
    late = pe_params("short-run", as_of=dt.date(2026, 3, 1))
    assert late.passthrough == 0.94 and late.eta == CALIBRATED_ETA


def test_overrides_are_recorded_and_bad_horizon_refused():
    p = pe_params("short-run", eta=1.5)
    assert p.eta == 1.5 and "overridden" in p.sources[-1]
    with pytest.raises(InputError, match="horizon"):
        pe_params("medium-run")


def test_per_row_passthrough_hand_solved():
    # One product, two sources of 50 each, no duty before; 25% on A whose exporters absorb it
    # (rho = 0) and none on B. Duty-inclusive prices do not move, so P^ = 1, spending is unchanged:
    # V'_A = 50 / 1.25 = 40, V'_B = 50, revenue 0.25 * 40 = 10, buyers lose nothing, and the
    # terms-of-trade gain is V_A q^_A (1 - p*^_A) = 50 * 1 * (1 - 0.8) = 10.
    out = solve_pe(
        groups=np.array([0, 0]),
        v0=np.array([50.0, 50.0]),
        t0=np.zeros(2),
        t1=np.array([0.25, 0.0]),
        sigma=np.array([3.0]),
        eta=1.0,
        passthrough=np.array([0.0, 1.0]),
    )
    assert out.v1 == pytest.approx([40.0, 50.0])
    assert out.revenue_change[0] == pytest.approx(10.0)
    assert out.consumer_surplus_change[0] == pytest.approx(0.0, abs=1e-12)
    assert out.tot_gain[0] == pytest.approx(10.0)
    with pytest.raises(ValueError, match="passthrough"):
        solve_pe(
            groups=np.array([0]),
            v0=np.array([1.0]),
            t0=np.zeros(1),
            t1=np.zeros(1),
            sigma=np.array([2.0]),
            passthrough=np.array([0.5, 0.5]),
        )


def test_params_row_passthrough_and_sigma_scale():
    p = PEParams(passthrough=0.9, passthrough_products=(("8703", 0.0),), sigma_scale=0.5)
    rho = p.row_passthrough(np.array(["8703230190", "8708999000"]))
    assert rho == pytest.approx([0.0, 0.9])
    # 2.0 * 0.5 = 1 exactly is moved 1e-4 away (the CES index is Cobb-Douglas at 1).
    assert p.sigma(np.array([4.0, 2.0])) == pytest.approx([2.0, 1.0001])
    with pytest.raises(InputError):
        PEParams(passthrough_products=(("87x3", 0.1),))


def test_ge_short_run_variant_scales_only_epsilon():
    from tariffsim.models.ge_data import load_model

    eps, src = ge_trade_elasticity("short-run")
    assert eps == pytest.approx(4 * 0.76 / 2.0)
    assert "Boehm" in src
    base, short = load_model("baseline"), load_model("short_run")
    assert short.eps == pytest.approx(eps)
    assert short.psi == base.psi and np.array_equal(short.phi, base.phi)
