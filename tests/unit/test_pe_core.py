"""The PE core against closed forms worked out by hand (see tariffsim.models.pe_core for the model)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tariffsim.models.pe_core import solve_pe


def test_two_sources_tariff_on_one_fixed_world_prices():
    # One product, two sources with equal baseline value 100, sigma = 3, eta = 1, omega = inf;
    # a 10% tariff on source 0 only. By hand:
    #   P^ = (0.5 * 1.1**-2 + 0.5) ** (-1/2) = 0.91322314 ** -0.5 = 1.0464333
    #   E^ = P^**(1-eta) = 1; D^_0 = 1.1**-2 * P^**2; V'_0 = 100 * D^_0 / 1.1; V'_1 = 100 * P^**2
    p_idx = (0.5 * 1.1**-2 + 0.5) ** -0.5
    v1_0 = 100 * 1.1**-2 * p_idx**2 / 1.1
    v1_1 = 100 * p_idx**2
    out = solve_pe(
        groups=np.array([0, 0]),
        v0=np.array([100.0, 100.0]),
        t0=np.zeros(2),
        t1=np.array([0.10, 0.0]),
        sigma=np.array([3.0]),
        eta=1.0,
    )
    assert out.price_index_hat[0] == pytest.approx(1.0464333, rel=1e-7)
    assert out.v1 == pytest.approx([v1_0, v1_1], rel=1e-12)
    assert out.v1[0] == pytest.approx(82.27067, rel=1e-6)
    assert out.v1[1] == pytest.approx(109.50226, rel=1e-6)
    # Creation = total change split by baseline shares (half each); diversion sums to zero.
    dv = out.v1.sum() - 200
    assert out.creation == pytest.approx([dv / 2, dv / 2])
    assert out.diversion.sum() == pytest.approx(0.0, abs=1e-9)
    assert out.diversion[0] < 0 < out.diversion[1]
    # Consumer surplus with eta = 1: -E0 log P^ = -200 log(1.0464333) = -9.0782
    assert out.consumer_surplus_change[0] == pytest.approx(-200 * math.log(p_idx), rel=1e-12)
    assert out.revenue_change[0] == pytest.approx(0.1 * v1_0, rel=1e-12)
    assert out.tot_gain[0] == pytest.approx(0.0, abs=1e-12)  # foreign prices fixed


def test_single_source_incidence_matches_textbook():
    # One source: q^ = p^**-eta and q^ = p*^**omega  =>  p*^ = tau^**(-eta/(omega+eta)) and the
    # domestic price passes through tau^**(omega/(omega+eta)) (the textbook incidence formula).
    omega, eta, tau = 2.0, 1.0, 1.2
    out = solve_pe(
        groups=np.array([0]),
        v0=np.array([50.0]),
        t0=np.array([0.0]),
        t1=np.array([0.2]),
        sigma=np.array([4.0]),
        eta=eta,
        omega=omega,
    )
    assert out.p_star_hat[0] == pytest.approx(tau ** (-eta / (omega + eta)), rel=1e-10)
    assert out.p_hat[0] == pytest.approx(tau ** (omega / (omega + eta)), rel=1e-10)
    assert out.q_hat[0] == pytest.approx(out.p_hat[0] ** -eta, rel=1e-10)
    assert out.tot_gain[0] > 0  # exporters absorb part of the duty
    assert out.diagnostics.converged and out.diagnostics.iterations >= 1


def test_zero_passthrough_means_exporters_absorb_everything():
    # rho = 0: duty-inclusive prices do not move, quantities do not move, customs value falls by 1/tau^.
    out = solve_pe(
        groups=np.array([0, 0, 1]),
        v0=np.array([10.0, 30.0, 5.0]),
        t0=np.array([0.0, 0.05, 0.0]),
        t1=np.array([0.25, 0.05, 0.5]),
        sigma=np.array([5.0, 2.0]),
        passthrough=0.0,
    )
    assert out.q_hat == pytest.approx(np.ones(3))
    assert out.v1 == pytest.approx([10 / 1.25, 30.0, 5 / 1.5])
    assert out.consumer_surplus_change == pytest.approx([0.0, 0.0], abs=1e-12)


def test_no_tariff_change_changes_nothing():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 20, 200)
    t = rng.uniform(0, 0.3, 200)
    v0 = rng.uniform(1, 100, 200)
    out = solve_pe(
        groups=groups, v0=v0, t0=t, t1=t, sigma=rng.uniform(1.5, 10, 20), eta=1.3, omega=3.0
    )
    assert out.v1 == pytest.approx(v0, rel=1e-12)
    assert out.revenue_change == pytest.approx(np.zeros(20), abs=1e-9)


def test_finite_supply_fixed_point_is_consistent_with_its_equations():
    # Many products and sources, finite omega: the solution must satisfy the supply equation
    # q^_s = p*^_s ** omega and the CES price index identity row by row.
    rng = np.random.default_rng(1)
    n, g = 500, 40
    groups = rng.integers(0, g, n)
    sigma = rng.uniform(1.2, 15, g)
    t0 = rng.uniform(0, 0.1, n)
    t1 = t0 + rng.uniform(0, 0.6, n)
    out = solve_pe(
        groups=groups,
        v0=rng.uniform(1, 100, n),
        t0=t0,
        t1=t1,
        sigma=sigma,
        eta=1.5,
        omega=4.0,
    )
    assert out.q_hat == pytest.approx(out.p_star_hat**4.0, rel=1e-9)
    assert out.p_hat == pytest.approx(out.p_star_hat * (1 + t1) / (1 + t0), rel=1e-12)
