"""Strategy targets against their formulas, computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.negotiation.opponents import OracleModel
from tariffsim.negotiation.sidestate import SideState
from tariffsim.negotiation.strategies import (
    Boulware,
    Conceder,
    EscalatingThreat,
    Randomizing,
    TimeDependent,
    TitForTat,
)


def side(strategy, n=1, reservation=0.3, **params):
    vals = {
        name: np.full(n, float(params.get(name, getattr(strategy, name))))
        for name in strategy.param_names()
    }
    return SideState(
        index=0,
        u=np.array([0.0, 1.0]),
        u_max=1.0,
        reservation=np.full(n, reservation),
        params=vals,
        rng=np.random.default_rng(0),
        model=OracleModel(np.zeros((2, 1), dtype=np.int16), np.array([0.0, 1.0])),
        opp_span=np.full(n, 0.8),
        pressure_on_me=np.zeros(n),
    )


def test_time_dependent_formula():
    # τ(s) = u_max − (u_max − r) s^(1/e): u_max = 1, r = 0.3
    s = np.array([0.25])
    assert TimeDependent(e=0.5).target(side(TimeDependent(e=0.5)), s)[0] == pytest.approx(
        1 - 0.7 * 0.0625
    )
    assert Conceder(e=2.0).target(side(Conceder()), s)[0] == pytest.approx(1 - 0.7 * 0.5)
    assert Boulware(e=0.2).target(side(Boulware()), s)[0] == pytest.approx(1 - 0.7 * 0.25**5)
    # end points: u_max at s = 0, the reservation at s = 1
    st = side(Boulware())
    assert Boulware().target(st, np.array([0.0]))[0] == 1.0
    assert Boulware().target(st, np.array([1.0]))[0] == pytest.approx(0.3)


def test_escalating_threat_pressure():
    # pressure = escalation · s · opponent span = 0.5 · 0.4 · 0.8 = 0.16
    st = EscalatingThreat(e=0.3, escalation=0.5)
    assert st.pressure(side(st), np.array([0.4]))[0] == pytest.approx(0.16)
    # pressure on a time-dependent side lowers its floor: r_eff = 0.3 − 0.1 → τ(1) = 0.2
    td = side(Boulware())
    td.pressure_on_me = np.array([0.1])
    assert Boulware().target(td, np.array([1.0]))[0] == pytest.approx(0.2)


def test_tit_for_tat_mirrors_concessions():
    # opponent's offers were worth 0.2 then 0.5 to me: it conceded 0.3; ratio 1 → τ = 1 − 0.3;
    # the floor 0.3 · 0.7 · s = 0.021 at s = 0.1 is smaller
    tft = TitForTat(ratio=1.0, floor=0.3, e=1.0)
    st = side(tft)
    st.opp_first_u, st.opp_best_u = np.array([0.2]), np.array([0.5])
    assert tft.target(st, np.array([0.1]))[0] == pytest.approx(0.7)
    # no concession yet → the floor: 1 − 0.3 · 0.7 · 0.5 = 0.895 at s = 0.5
    st.opp_best_u = np.array([0.2])
    assert tft.target(st, np.array([0.5]))[0] == pytest.approx(0.895)


def test_randomizing_stays_within_bounds():
    r = Randomizing(e_low=0.3, e_high=3.0, p_low=0.5, noise=0.2)
    st = side(r, n=1000)
    tau = r.target(st, np.full(1000, 0.5))
    assert (tau >= 0.3).all() and (tau <= 1.0).all()
    # both aspiration paths are used: Boulware at s = 0.5 → 1 − 0.7·0.5^(1/0.3) ≈ 0.932, Conceder
    # → 1 − 0.7·0.5^(1/3) ≈ 0.444; noise ±0.14 keeps them apart
    assert (tau > 0.75).mean() == pytest.approx(0.5, abs=0.06)
