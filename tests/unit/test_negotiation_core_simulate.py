"""Simulation sanity: agreement when it must happen, none when it cannot, and the expected
orderings between strategies (the expectations follow from the protocol's rules, stated per test)."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import (
    AdditiveUtility,
    Agenda,
    BargainingProblem,
    categorical_issue,
    numeric_issue,
)
from tariffsim.negotiation.opponents import ModelSpec
from tariffsim.negotiation.protocol import Mechanism
from tariffsim.negotiation.simulate import offer_space, simulate
from tariffsim.negotiation.solutions import zopa
from tariffsim.negotiation.strategies import (
    Boulware,
    Conceder,
    EscalatingThreat,
    Randomizing,
    TitForTat,
    strategy_from_name,
)

AG = Agenda(
    (
        numeric_issue("reciprocal_rate", [0.10, 0.15, 0.20, 0.24], "rate"),
        numeric_issue("lng_purchases", [0, 5, 10, 15, 20], "$bn/yr"),
        categorical_issue("vehicle_standards", ["none", "partial", "full"]),
    )
)
UA = AdditiveUtility(
    AG, (np.array([0, 0.1, 0.2, 0.3]), np.array([0, 0.1, 0.2, 0.25, 0.3]), np.array([0, 0.2, 0.4]))
).normalized()
UB = AdditiveUtility(
    AG,
    (np.array([0.5, 0.35, 0.15, 0]), np.array([0.2, 0.15, 0.1, 0.05, 0]), np.array([0.3, 0.1, 0])),
).normalized()
PROBLEM = BargainingProblem(AG, (UA, UB), (0.3, 0.3), ("USA", "JPN"))


def reservations(rng, n):
    # overlapping reservations: both parties' no-deal values in [0.1, 0.4] of their [min, max] range;
    # the package (0.15, 10, partial) gives USA 0.1+0.2+0.2=0.5/1.0 and JPN 0.35+0.1+0.1=0.55/1.0,
    # above every drawn reservation, so every draw has a non-empty ZOPA
    return {"reservation_a": rng.uniform(0.1, 0.4, n), "reservation_b": rng.uniform(0.1, 0.4, n)}


@pytest.mark.parametrize("model", ["oracle", "bayesian", "frequency"])
def test_conceders_with_overlapping_reservations_always_agree(model):
    # with a known deadline the last responder accepts anything above its reservation, and a
    # Conceder's last offer is the opponent-best package at its own reservation: always a deal
    spec = ModelSpec(kind=model)
    res = simulate(
        PROBLEM,
        (Conceder(opponent=spec), Conceder(opponent=spec)),
        draws=400,
        param_sampler=reservations,
        protocol=Mechanism(deadline=20),
    )
    assert res.agreement_probability == 1.0
    ut = res.utilities
    assert (ut[:, 0] > res.params["reservation_a"]).all()
    assert (ut[:, 1] > res.params["reservation_b"]).all()


def test_boulware_agrees_less_often_under_deadline_pressure():
    # a random deadline (10 % breakdown per round): Boulware concedes late, so talks end first
    proto = Mechanism(deadline=20, breakdown=0.1)
    cc = simulate(
        PROBLEM, (Conceder(), Conceder()), draws=1000, param_sampler=reservations, protocol=proto
    )
    bb = simulate(
        PROBLEM, (Boulware(), Boulware()), draws=1000, param_sampler=reservations, protocol=proto
    )
    assert bb.agreement_probability < cc.agreement_probability - 0.2
    # and Boulware deals come later
    assert bb.time_to_agreement()["median"] > cc.time_to_agreement()["median"]


def test_empty_zopa_means_no_agreement():
    p = PROBLEM.with_reservation((0.95, 0.95))
    assert zopa(p).empty
    for strategies in [(Conceder(), Conceder()), (TitForTat(), Randomizing())]:
        res = simulate(p, strategies, draws=200)
        assert res.agreement_probability == 0.0
        assert (res.packages == -1).all()
        assert res.deal_distribution()["reciprocal_rate"]["median"] is None


def test_escalating_threat_moves_the_deal_toward_the_threatener():
    # same Boulware exponent; the threat lowers JPN's effective reservation over time
    proto = Mechanism(deadline=20)
    plain = simulate(
        PROBLEM,
        (Boulware(e=0.2), Boulware()),
        draws=500,
        param_sampler=reservations,
        protocol=proto,
    )
    threat = simulate(
        PROBLEM,
        (EscalatingThreat(e=0.2, escalation=0.5), Boulware()),
        draws=500,
        param_sampler=reservations,
        protocol=proto,
    )
    assert np.nanmean(threat.utilities[:, 0]) > np.nanmean(plain.utilities[:, 0]) + 0.05
    assert (threat.pressure[:, 1] > 0).all() and (threat.pressure[:, 0] == 0).all()


def test_distribution_summary_and_reproducibility():
    def sampler(rng, n):
        return {
            **reservations(rng, n),
            "a.p_low": rng.uniform(0, 1, n),
            "b.ratio": rng.uniform(0.5, 1.5, n),
            "deadline": rng.integers(5, 30, n),
        }

    kw = dict(draws=600, param_sampler=sampler, seed=7, batch_size=250)
    r1 = simulate(PROBLEM, (Randomizing(), TitForTat()), **kw)
    r2 = simulate(PROBLEM, (Randomizing(), TitForTat()), **kw)
    assert np.array_equal(r1.packages, r2.packages)
    d = r1.as_dict()
    rate = d["deal"]["reciprocal_rate"]
    assert rate["unit"] == "rate" and rate["p10"] <= rate["median"] <= rate["p90"]
    assert rate["p10"] >= 0.10 and rate["p90"] <= 0.24
    std = d["deal"]["vehicle_standards"]
    assert sum(std["shares"].values()) == pytest.approx(1.0)
    assert d["agreement_probability"] + d["deadline_probability"] + d[
        "breakdown_probability"
    ] == pytest.approx(1.0)


def test_offer_space_contains_true_frontier():
    from tariffsim.negotiation.pareto import additive_frontier

    space = offer_space(PROBLEM)
    f = additive_frontier((UA, UB))
    rows = {tuple(r) for r in space.packages.tolist()}
    assert all(tuple(r) in rows for r in f.packages.tolist())
    assert space.hypotheses[0].shape == (8, space.packages.shape[0])


def test_bad_inputs():
    with pytest.raises(InputError, match="unknown parameter"):
        simulate(
            PROBLEM,
            (Conceder(), Conceder()),
            draws=10,
            param_sampler=lambda rng, n: {"a.zeta": np.ones(n)},
        )
    with pytest.raises(InputError):
        strategy_from_name("stubborn")
    with pytest.raises(InputError):
        Mechanism(breakdown=1.0)
    assert strategy_from_name("boulware", opponent="frequency").opponent.kind == "frequency"


def test_local_executor_matches_serial():
    # batches carry their own seeds: a process pool gives the same deals as the serial loop
    kw = dict(draws=300, param_sampler=reservations, seed=3, batch_size=100)
    serial = simulate(PROBLEM, (Randomizing(), Conceder()), **kw)
    local = simulate(
        PROBLEM, (Randomizing(), Conceder()), executor="local", workers=2, progress=False, **kw
    )
    assert local.executor == "local"
    assert np.array_equal(serial.packages, local.packages)
    assert np.array_equal(serial.rounds, local.rounds)
    with pytest.raises(InputError):
        simulate(PROBLEM, (Conceder(), Conceder()), draws=10, executor="gpu")
