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


def test_stakes_come_from_the_models_on_both_horizons(shared_data: Path) -> None:
    """The tariff issues' values are the models' figures (tariffsim.models.stakes), on the short and
    the long run; the preferences weigh them by the share of the horizon in its first year."""
    from tariffsim.models.stakes import TariffIssue, stakes_for_issues
    from tariffsim.negotiation.schema import StakesSpec
    from tariffsim.negotiation.tariff_stakes import stakes_tables

    day = dt.date(2025, 4, 15)
    autos = StakesSpec(scope=["list:s232_autos_vehicles", "list:s232_auto_parts"], form="total")
    rec = StakesSpec(scope=["reciprocal"], form="add_on")
    tabs = stakes_tables(
        "JPN",
        day,
        [
            ("auto_rate", autos, [0.15, 0.275], ["total", "total"]),
            ("reciprocal_rate", rec, [0.10, 0.24], ["add_on", "add_on"]),
        ],
    )
    ref = stakes_for_issues(
        "JPN",
        day,
        [
            TariffIssue(
                "auto_rate",
                ("list:s232_autos_vehicles", "list:s232_auto_parts"),
                "total",
                (0.15, 0.275),
            ),
            TariffIssue("reciprocal_rate", ("reciprocal",), "add_on", (0.10, 0.24)),
        ],
        horizon="long-run",
        ge=False,
    )
    r = tabs["reciprocal_rate"]
    # row 1 of every output is the long run: the models' figure, renamed
    assert r.outputs["revenue"][1][1] == pytest.approx(
        ref["reciprocal_rate"].level(0.24).value("us_tariff_revenue_bn")
    )
    assert r.outputs["import_loss"][1][1] == pytest.approx(
        -ref["reciprocal_rate"].level(0.24).value("us_imports_change_bn")
    )
    # the nominal rate in force (10%) changes almost nothing; 24% raises revenue and cuts the
    # partner's sales; parts counted in the auto issue are not in the reciprocal base
    assert abs(r.outputs["revenue"][0][0]) < 0.2 and r.outputs["revenue"][0][1] > 1.0
    assert r.outputs["sales_change"][0][1] < 0.0
    assert r.provenance["excluded_usd_bn"].get("auto_rate", 0.0) > 10.0
    # the weighting: all short run, all long run, half and half
    w = np.array([1.0, 0.0, 0.5])
    got = r.at("revenue", w)
    assert got[0] == pytest.approx(r.outputs["revenue"][0]) and got[1] == pytest.approx(
        r.outputs["revenue"][1]
    )
    assert got[2] == pytest.approx(0.5 * (r.outputs["revenue"][0] + r.outputs["revenue"][1]))


def test_the_eu_is_aggregated_not_zero(shared_data: Path) -> None:
    from tariffsim.negotiation.schema import StakesSpec
    from tariffsim.negotiation.tariff_stakes import stakes_tables

    t = stakes_tables(
        "EU",
        dt.date(2025, 4, 15),
        [("reciprocal_rate", StakesSpec(scope=["reciprocal"], form="add_on"), [0.10], ["add_on"])],
    )
    assert (
        t["reciprocal_rate"].base_usd > 200e9
    )  # 27 members summed (2024 imports about US$ 600 bn)
