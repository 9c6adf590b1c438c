"""The wave backtest harness (tariffsim.negotiation.backtest) with hand-built forecast records.

The model is replaced by records with the forecaster's interface (PartnerForecast) and
known draws, so every score below can be computed by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from tariffsim.negotiation import wave_baselines as WB
from tariffsim.negotiation.backtest import COMMON_ORIGIN, run_backtest, targets
from tariffsim.negotiation.backtest_report import render
from tariffsim.negotiation.forecast import PartnerForecast
from tariffsim.negotiation.outcomes import all_outcomes


def point_forecaster(
    partner: str, as_of: dt.date, *, draws: int = 2000, seed: int = 0, executor: Any = None
) -> PartnerForecast:
    """Every draw at 15% (headline and cars); P(deal by +30/+60/+90 days) = 0.3/0.5/0.7."""
    days = {as_of + dt.timedelta(days=d): p for d, p in ((30, 0.3), (60, 0.5), (90, 0.7))}
    return PartnerForecast(
        partner, as_of, days, np.full(draws, 0.15), np.full(draws, 0.15), 0.1, 0.2
    )


def two_point_forecaster(
    partner: str, as_of: dt.date, *, draws: int = 2000, seed: int = 0, executor: Any = None
) -> PartnerForecast:
    """Half the draws at 10%, half at 20%: CRPS at y is E|X - y| - 0.025."""
    h = np.repeat([0.10, 0.20], draws // 2)
    days = {as_of + dt.timedelta(days=d): 0.5 for d in (30, 60, 90)}
    return PartnerForecast(partner, as_of, days, h, None, 0.1, 0.2)


def test_targets() -> None:
    tg = targets()
    outs = all_outcomes()
    assert len([t for t in tg if t.origin == "T3"]) == len(outs) == 18
    t1 = [t for t in tg if t.origin == "T1"]
    assert len(t1) == 17 and all(t.as_of == COMMON_ORIGIN for t in t1)
    by = {t.key: t for t in tg}
    jp = by["jpn-2025-07-22@T3"]
    assert jp.as_of == dt.date(2025, 7, 19) and jp.headline == 0.15 and jp.deal_within
    # impasses: 3 days before the missed deadline of 1 Aug 2025, no deal within 60 days
    ca = by["can-impasse@T3"]
    assert ca.as_of == dt.date(2025, 7, 29) and not ca.is_deal and not ca.deal_within
    # from 15 Apr 2025 only the UK (8 May) and China (12 May) concluded within 60 days
    assert {t.partner for t in t1 if t.deal_within} == {"GBR", "CHN"}
    assert by["chn-2025-05-12-geneva@T1"].headline == 0.30


def test_baselines_by_hand() -> None:
    b = WB.headline_baselines("JPN", "2025-07-19")
    assert b["status_quo"] == pytest.approx(0.10)  # the pause: 10%
    assert b["inputs"]["threat"] == pytest.approx(0.25)  # letter of 7 Jul
    assert b["split_difference"] == pytest.approx(0.175)
    assert b["last_deal"] == pytest.approx(
        0.19
    )  # Indonesia, 15 Jul (the Philippines came on 22 Jul)
    # fraction fitted on Vietnam ((.20-.10)/(.46-.10)) and Indonesia ((.19-.10)/(.32-.10)); the UK
    # (status quo = threat) gives none
    k = ((0.20 - 0.10) / 0.36 + (0.19 - 0.10) / 0.22) / 2
    assert b["fitted_fraction"] == pytest.approx(0.10 + k * 0.15)
    w = WB.gdp_usd("USA") / (WB.gdp_usd("USA") + WB.gdp_usd("JPN"))
    assert b["capability"] == pytest.approx(w * 0.25)
    # the GE data's 2023 GDPs: US 27.8 trn, Japan 4.2 trn
    assert WB.gdp_usd("USA") == pytest.approx(27.84e12, rel=1e-3)
    assert WB.gdp_usd("JPN") == pytest.approx(4.2045e12, rel=1e-3)
    # before any deal the fraction is a half (split the difference)
    assert WB.headline_baselines("VNM", "2025-04-15")["fitted_fraction"] == pytest.approx(0.28)
    # cars: 27.5% in force and threatened; partner position 2.5% MFN
    a = WB.auto_baselines("JPN", "2025-07-19")
    assert a["status_quo"] == pytest.approx(0.275) and a["last_deal"] == pytest.approx(0.10)
    assert a["capability"] == pytest.approx(w * 0.275 + (1 - w) * 0.025)
    # deal hazard: no deal before 15 Apr -> 1/2; by 19 Jul four deals in 17 partners x 108 days
    assert WB.deal_baselines("2025-04-15", ["GBR", "JPN"])["hazard"] == 0.5
    ps = sorted({o.partner for o in all_outcomes()})
    lam = 4 / (17 * (dt.date(2025, 7, 19) - dt.date(2025, 4, 2)).days)
    assert WB.deal_baselines("2025-07-19", ps)["hazard"] == pytest.approx(1 - np.exp(-60 * lam))


def test_model_scores_by_hand() -> None:
    res = run_backtest(forecaster=point_forecaster, draws=50, executor="serial", n_boot=200)
    deals = [r for r in res.rows if r.target.is_deal]
    want = np.mean([abs(0.15 - r.target.headline) for r in deals])  # point mass at 15%
    assert res.summary["headline_crps"]["mean"]["model"] == pytest.approx(want)
    assert res.summary["headline_is"]["mean"]["model"] == pytest.approx(10 * want)
    assert res.summary["headline_median_ae"]["mean"]["model"] == pytest.approx(want)
    split = np.mean(
        [abs(r.baselines["headline"]["split_difference"] - r.target.headline) for r in deals]
    )
    assert res.summary["headline_median_ae"]["mean"]["split_difference"] == pytest.approx(split)
    brier = np.mean([(0.5 - float(r.target.deal_within)) ** 2 for r in res.rows])
    assert res.summary["brier"]["mean"]["model"] == pytest.approx(brier)
    band = res.summary["headline_band"]
    assert band["mean_width"] == pytest.approx(0.0)
    assert band["coverage"] == pytest.approx(np.mean([r.target.headline == 0.15 for r in deals]))
    # cars: every car deal set 15% except the UK's 10%
    cars = [r for r in res.rows if r.target.auto is not None]
    assert res.summary["auto_crps"]["mean"]["model"] == pytest.approx(
        np.mean([abs(0.15 - r.target.auto) for r in cars])
    )
    sk = res.summary["headline_crps"]["skill"]["status_quo"]
    assert sk["lo"] <= sk["skill"] <= sk["hi"]
    # the hand-made records say 10% / 20% for every partner: they differ from the facts' values
    # except where the facts agree (e.g. Japan on 19 Jul: 10% in force, but a 25% threat -> differs)
    differ = set(res.summary["status_quo_or_threat_differ_from_facts"])
    assert "jpn-2025-07-22@T3" in differ
    # head to head with split the difference: |0.15 - y| against |split - y|, target by target
    ae = [
        (
            abs(0.15 - r.target.headline),
            abs(r.baselines["headline"]["split_difference"] - r.target.headline),
        )
        for r in deals
    ]
    h2h = res.summary["median_vs_split"]
    assert h2h["closer"] == sum(m < b - 1e-6 for m, b in ae)
    assert h2h["farther"] == sum(m > b + 1e-6 for m, b in ae)
    assert sum(h2h.values()) == len(deals)
    # the same scores without China: its targets (Geneva at T1 and T3, Busan) are left out
    rest = [r for r in deals if r.target.partner != "CHN"]
    assert len(deals) - len(rest) == 3
    wo = res.summary["without_CHN"]
    assert wo["headline_crps"]["n"]["model"] == len(rest)
    assert wo["headline_crps"]["mean"]["model"] == pytest.approx(
        np.mean([abs(0.15 - r.target.headline) for r in rest])
    )
    assert wo["headline_median_ae"]["mean"]["split_difference"] == pytest.approx(
        np.mean(
            [abs(r.baselines["headline"]["split_difference"] - r.target.headline) for r in rest]
        )
    )
    assert wo["headline_band"]["n"] == len(rest)
    page = render(res, chart=None, generated=dt.date(2026, 12, 3), command="test")
    assert "### Headline rate without China" in page
    assert f"closer to the deal on **{h2h['closer']}**" in page


def no_deal_for_china(
    partner: str, as_of: dt.date, *, draws: int = 2000, seed: int = 0, executor: Any = None
) -> PartnerForecast:
    """The point forecaster, but no headline draws for China (no package in any draw)."""
    fc = point_forecaster(partner, as_of, draws=draws, seed=seed)
    if partner != "CHN":
        return fc
    return PartnerForecast(partner, as_of, fc.p_deal_by, np.empty(0), None, 0.1, 0.2)


def test_targets_without_model_draws_are_listed_and_paired() -> None:
    res = run_backtest(forecaster=no_deal_for_china, draws=20, executor="serial", n_boot=50)
    chn = [r.target.key for r in res.rows if r.target.partner == "CHN" and r.target.is_deal]
    assert res.summary["model_without_headline_draws"] == chn
    block = res.summary["headline_crps"]
    deals = [r for r in res.rows if r.target.is_deal]
    assert block["n"]["model"] == len(deals) - len(chn)
    assert block["n"]["split_difference"] == len(deals)
    rest = [r for r in deals if r.target.partner != "CHN"]
    assert block["mean_on_model_targets"]["split_difference"] == pytest.approx(
        np.mean(
            [abs(r.baselines["headline"]["split_difference"] - r.target.headline) for r in rest]
        )
    )
    page = render(res, chart=None, generated=dt.date(2026, 12, 3), command="test")
    assert f"mean on the model's {len(rest)} targets" in page
    assert "no headline draws" in page


def test_two_point_crps_and_parallel_equals_serial() -> None:
    sel = [t for t in targets() if t.origin == "T3" and t.is_deal][:6]
    a = run_backtest(forecaster=two_point_forecaster, draws=100, executor="serial", selected=sel)
    b = run_backtest(
        forecaster=two_point_forecaster, draws=100, executor="local", workers=2, selected=sel
    )
    for ra, rb in zip(a.rows, b.rows, strict=True):
        assert ra.scores == rb.scores
    for r in a.rows:
        y = r.target.headline
        exp = 0.5 * (abs(0.10 - y) + abs(0.20 - y)) - 0.025  # E|X-X'| = 0.05
        assert r.scores["model"]["headline_crps"] == pytest.approx(exp)


def test_baselines_only_and_json() -> None:
    res = run_backtest(baselines_only=True, n_boot=100)
    js = res.to_json()
    assert js["settings"]["forecasts"] == 0 and len(js["targets"]) == 35
    assert "model" not in js["summary"]["headline_crps"]["mean"]
    assert set(js["summary"]["headline_crps"]["mean"]) == set(WB.HEADLINE_BASELINES)


@pytest.mark.ray
def test_ray_executor_gives_the_same_scores() -> None:
    ray = pytest.importorskip("ray", reason="Ray not installed (optional extra tariffsim[ray])")
    import sys

    # Ray workers import functions by module name; ship this test module's forecaster by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    sel = [t for t in targets() if t.origin == "T3"][:4]
    a = run_backtest(forecaster=point_forecaster, draws=50, executor="ray", workers=2, selected=sel)
    b = run_backtest(forecaster=point_forecaster, draws=50, executor="serial", selected=sel)
    assert [r.scores for r in a.rows] == [r.scores for r in b.rows]
