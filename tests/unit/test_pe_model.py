"""run_pe on small hand-built flows and on the real 2024 flows (aggregation identities)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.data.elasticities import sigma_for
from tariffsim.duties.flows import Flows
from tariffsim.models.pe import PEParams, run_pe
from tariffsim.models.pe_core import solve_pe

D0, D1 = dt.date(2025, 1, 1), dt.date(2025, 4, 10)


def _flows() -> Flows:
    hs = np.array(["8703230190", "8703230190", "8429521010", "8429521010"])
    return Flows(
        hs10=hs,
        origin=np.array(["JPN", "DEU", "JPN", "KOR"]),
        value_usd=np.array([40e9, 20e9, 1e9, 0.5e9]),
    )


def test_run_pe_matches_core_and_aggregates_consistently():
    f = _flows()
    t0 = np.array([0.025, 0.025, 0.0, 0.0])
    t1 = np.array([0.275, 0.275, 0.24, 0.25])
    res = run_pe(start=D0, end=D1, flows=f, t0=t0, t1=t1, params=PEParams(eta=1.2))
    s = res.frame("summary").row(0, named=True)
    # Same solve by hand through the core, products sorted by code: 8429… = 0, 8703… = 1;
    # rows sorted by (product, origin): (8429,JPN), (8429,KOR), (8703,DEU), (8703,JPN).
    sig = sigma_for(["8429521010", "8703230190"])["sigma"].to_numpy()
    core = solve_pe(
        groups=np.array([0, 0, 1, 1]),
        v0=np.array([1e9, 0.5e9, 20e9, 40e9]),
        t0=np.array([0.0, 0.0, 0.025, 0.025]),
        t1=np.array([0.24, 0.25, 0.275, 0.275]),
        sigma=sig,
        eta=1.2,
    )
    assert s["imports_usd_after"] == pytest.approx(core.v1.sum(), rel=1e-12)
    assert s["imports_usd_before"] == pytest.approx(61.5e9)
    # pre-substitution ETR: sum(t1 * v0) / sum(v0), by hand
    assert s["etr_after_pre_substitution"] == pytest.approx(
        (0.275 * 60e9 + 0.24e9 + 0.125e9) / 61.5e9, rel=1e-12
    )
    partners = res.frame("partners")
    # diversion sums to zero over all partners (it sums to zero within each product)
    assert partners["diversion_usd"].sum() == pytest.approx(0.0, abs=1e-3)
    # creation + diversion = change, partner by partner
    assert np.allclose(
        partners["creation_usd"] + partners["diversion_usd"], partners["change_usd"], rtol=1e-9
    )
    # welfare identity: W = dCS + dR, DWL = ToT - W (ToT = 0 with fixed world prices)
    assert s["welfare_change_usd"] == pytest.approx(
        s["consumer_surplus_change_usd"] + s["revenue_change_usd"]
    )
    assert s["deadweight_loss_usd"] == pytest.approx(-s["welfare_change_usd"])
    assert s["deadweight_loss_usd"] > 0


def test_bad_parameters_are_input_errors():
    from tariffsim.core.errors import InputError

    with pytest.raises(InputError, match="passthrough"):
        PEParams(passthrough=1.5)
    with pytest.raises(InputError, match="eta"):
        PEParams(eta=0)
