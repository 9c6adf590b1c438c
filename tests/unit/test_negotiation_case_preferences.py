"""Preferences: valuation models and tables by hand, blocks, the threat path, legal risk, stakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tariffsim.negotiation import valuation as V
from tariffsim.negotiation.case import load_case
from tariffsim.negotiation.preferences import Env, blocks_of, build_preferences, build_tables

TOY = Path(__file__).parent / "data" / "negotiation-toy.yaml"


@pytest.fixture(scope="module")
def toy():
    return load_case(TOY)


def test_purchases_are_bounded_by_the_market_and_discounted() -> None:
    # q_eff = credibility × min(q, market): 0.5 × min([0, 4, 8], 6) = [0, 2, 3]
    f = V.purchases(
        np.array([0.0, 4.0, 8.0]),
        {"market": 6.0, "credibility": 0.5, "seller_margin": 0.2, "buyer_premium": 0.1},
    )
    assert f["balance"][0] == pytest.approx([0, 2, 3])
    assert f["sellers"][0] == pytest.approx([0, 0.4, 0.6])
    assert f["buyer"][0] == pytest.approx([0, -0.2, -0.3])


def test_pledge_by_hand() -> None:
    # realised per year = c I / years = 0.8 × 100 / 4 = 20; host 0.05 × 20 = 1;
    # investor −0.03 × 20 × (1 + 100/200) = −0.9
    f = V.pledge(
        np.array([100.0]),
        {
            "credibility": 0.8,
            "us_value": 0.05,
            "partner_cost": 0.03,
            "pledge_years": 4.0,
            "capacity": 200.0,
        },
    )
    assert f["host"][0, 0] == pytest.approx(1.0) and f["investor"][0, 0] == pytest.approx(-0.9)


def test_a_qualifier_joins_the_issue_that_links_it(toy) -> None:
    bl = blocks_of(toy)
    assert [b.names for b in bl] == [("tariff",), ("buy",), ("invest", "terms")]
    # the first issue varies slowest
    assert bl[2].index.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_tables_by_hand(toy) -> None:
    t = build_tables(toy)
    us, xx = t.party["USA"], t.party["XXX"]
    # tariff: 1.2 × [0, 1, 1.5] for the US, [0, −2, −4] for the partner
    assert us[0][0] == pytest.approx([0, 1.2, 1.8]) and xx[0][0] == pytest.approx([0, -2, -4])
    # purchases: q_eff [0, 2, 3] × (margin 0.2 + balance 0.5) for the US, × −0.1 for the partner
    assert us[1][0] == pytest.approx([0, 1.4, 2.1]) and xx[1][0] == pytest.approx([0, -0.2, -0.3])
    # investment × terms: realised 0.4·100/4 = 10 (partner-directed), 0.9·100/4 = 22.5 (US-directed)
    assert us[2][0] == pytest.approx([0, 0, 0.2, 1.125])
    assert xx[2][0] == pytest.approx([0, 0, -0.1, -0.675])


def test_threat_path_by_hand(toy) -> None:
    t = build_tables(toy)
    # 30% from 2026-04-15 with p = 0.6, else 10%; horizon 2 years, no discounting:
    # share before the start F = 365 / 730.5; no deal = 0.6 (1 − F) u(30%) (u(10%) = 0)
    F = 365 / (2 * 365.25)
    assert t.reservation["USA"][0] == pytest.approx(0.6 * (1 - F) * 1.8)
    assert t.reservation["XXX"][0] == pytest.approx(0.6 * (1 - F) * -4.0)
    assert t.expected_no_deal["tariff"] == pytest.approx(
        0.6 * (F * 0.1 + (1 - F) * 0.3) + 0.4 * 0.1
    )


def test_tables_are_vectorised_over_draws(toy) -> None:
    env = Env(
        toy,
        {
            "w_rev": np.array([1.0, 1.5]),
            "cred": np.array([0.2, 0.8]),
            "p_threat": np.array([0.3, 0.9]),
        },
    )
    t = build_tables(toy, env)
    assert t.party["USA"][0][:, 2] == pytest.approx([1.5, 2.25])  # 1.5 × w_rev
    assert t.party["USA"][1][:, 2] == pytest.approx([0.7 * 0.2 * 6, 0.7 * 0.8 * 6])


def test_per_issue_view_for_the_scoring_baselines(toy) -> None:
    p = build_preferences(toy)
    # investment: the best over the terms at each amount
    assert p.utilities["USA"].tables[2] == pytest.approx([0.0, 1.125])
    assert p.utilities["XXX"].tables[3] == pytest.approx([0.0, 0.0])


def test_void_risk_odds_update() -> None:
    from types import SimpleNamespace

    from tariffsim.negotiation.preferences import void_probability

    env = SimpleNamespace(n=1, num=lambda r: np.array([[float(r)]]))
    vr = SimpleNamespace(final=False, prob=0.3, odds_ratio=2.5, adverse_rulings=2)
    # odds 0.3/0.7 × 2.5² → p = odds / (1 + odds)
    odds = 0.3 / 0.7 * 2.5**2
    assert void_probability(env, vr)[0, 0] == pytest.approx(odds / (1 + odds))
    vr.final = True
    assert void_probability(env, vr)[0, 0] == 1.0


def test_new_rates_by_form() -> None:
    from tariffsim.negotiation.tariff_stakes import LawOnDay, new_rates

    # two rows: MFN 2.5% + reciprocal 10% (the second row pays it on half its value: a metal share)
    law = LawOnDay(
        day=dt.date(2025, 4, 15),
        hs10=np.array(["0101000000", "0202000000"]),
        origin=np.array(["JPN", "JPN"]),
        value=np.array([1.0, 1.0]),
        total=np.array([0.125, 0.075]),
        mfn=np.array([0.025, 0.025]),
        s232=np.zeros(2),
        reciprocal=np.array([0.10, 0.05]),
        version="t",
        parts={"ieepa_reciprocal": np.array([0.10, 0.05]), "mfn": np.array([0.025, 0.025])},
    )
    rows = np.array([0, 1])
    assert new_rates(law, rows, 0.15, "add_on", 0.10) == pytest.approx([0.175, 0.1])
    # floor: 15% all-in, the reciprocal part is max(15% − MFN, 0)
    assert new_rates(law, rows, 0.15, "floor", 0.10) == pytest.approx(
        [0.15, 0.025 + 0.5 * 0.125 + 0.025 - 0.025]
    )
    assert new_rates(law, rows, 0.15, "total") == pytest.approx([0.25, 0.20])
    assert new_rates(law, rows, 0.05, "extra") == pytest.approx([0.175, 0.125])


def test_stakes_static_duty_is_rate_times_2024_value(shared_data: Path) -> None:
    """Cars from Japan (HS 8703, under Section 232 on 15 April 2025): 2024 imports 41.90 bn (Census);
    at a total rate of 27.5% the static duty bill is 0.275 × 41.90 = 11.52 bn."""
    from tariffsim.negotiation.schema import StakesSpec
    from tariffsim.negotiation.tariff_stakes import stakes_table

    spec = StakesSpec(scope="hs", hs=["8703"], form="total")
    st = stakes_table("JPN", dt.date(2025, 4, 15), spec, [0.275, 0.15], ["total", "total"])
    assert st.base_usd / 1e9 == pytest.approx(41.904, abs=0.01)
    # the goods under Section 232 that day are a subset (a few 8703 lines are outside its scope);
    # on them a total rate is the whole duty: static bill = rate × their 2024 value
    only = StakesSpec(scope="hs", hs=["8703"], form="total", only_s232=True)
    s232 = stakes_table("JPN", dt.date(2025, 4, 15), only, [0.275, 0.15], ["total", "total"])
    b = s232.base_usd / 1e9
    assert 40.0 < b <= st.base_usd / 1e9
    assert s232.outputs["duty_static"][0] == pytest.approx([0.275 * b, 0.15 * b], rel=1e-9)
    # at the rate in force nothing changes
    assert s232.outputs["revenue"][0][0] == pytest.approx(0.0, abs=1e-6)


def test_the_eu_is_aggregated_not_zero(shared_data: Path) -> None:
    from tariffsim.negotiation.schema import StakesSpec
    from tariffsim.negotiation.tariff_stakes import law_on, scope_mask

    law = law_on(dt.date(2025, 4, 15), dt.date(2025, 4, 15))
    m = scope_mask(law, "EU", StakesSpec(scope="hs", hs=["8703"], form="total"))
    from tariffsim.core.countries import expand

    members = np.isin(law.origin, np.asarray(expand("EU"))) & np.char.startswith(
        law.hs10.astype(str), "8703"
    )
    assert (
        law.value[m].sum() == pytest.approx(law.value[members].sum()) and law.value[m].sum() > 30e9
    )
