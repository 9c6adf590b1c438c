"""The rolling-origin recalibration (tariffsim.negotiation.recalibration) on hand-made histories.

Expected values are computed by hand from the pre-registered formulas (module docstring):
``w = n/(n+3)``, ``b = w·mean(r)``, ``s² = max(0, mean((r − b)²) − mean((1 + 1/M)·v))``,
``x' = max(0, x + b + s·z)``; outcomes are the deal files (UK 10% on 8 May 2025, Vietnam 20% on
2 Jul, Indonesia 19% on 15 Jul, Japan 15% and the Philippines 19% on 22 Jul).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation import recalibration as RC
from tariffsim.negotiation.backtest import run_backtest
from tariffsim.negotiation.backtest_report import render
from tariffsim.negotiation.forecast import PartnerForecast
from tariffsim.negotiation.recalibration import PastForecast, apply, fit, recalibrate

D = dt.date


def past(oid: str, partner: str, concluded: dt.date, mean: float, var: float = 0.0, n: int = 2000):
    """A past T3 forecast (3 days before the deal) with the given draws' moments."""
    return PastForecast(oid, partner, concluded - dt.timedelta(days=3), mean, var, n)


# UK 10%, Vietnam 20%, Indonesia 19% (reciprocal add-ons, the same headline class as Japan's)
HIST = {
    "gbr-2025-05-08": past("gbr-2025-05-08", "GBR", D(2025, 5, 8), 0.10),
    "vnm-2025-07-02": past("vnm-2025-07-02", "VNM", D(2025, 7, 2), 0.30),
    "idn-2025-07-15": past("idn-2025-07-15", "IDN", D(2025, 7, 15), 0.30),
}


def test_fit_by_hand() -> None:
    # r = (.03, -.01, .04): mean .02, w = 3/6, b = .01; (r-b)^2 = .0004, .0004, .0009 -> mean
    # .0017/3; (1+1/M)v = 1.25e-4, 0, 1.5*2e-4 = 3e-4 -> mean 4.25e-4/3; s^2 = .000425
    f = fit([0.03, -0.01, 0.04], [1e-4, 0.0, 2e-4], [4, 1, 2])
    assert f.applied and f.n == 3
    assert f.weight == pytest.approx(0.5)
    assert f.shift == pytest.approx(0.01)
    assert f.sd == pytest.approx(math.sqrt(0.000425))


def test_fit_identity_below_three_and_no_negative_variance() -> None:
    f = fit([0.5, -0.5], [0.0, 0.0], [10, 10])
    assert not f.applied and f.shift == 0.0 and f.sd == 0.0 and f.n == 2
    # the model's spread (v = .01) exceeds the squared errors: nothing is added
    g = fit([0.01, 0.0, -0.01, 0.0], [0.01] * 4, [100] * 4)
    assert g.applied and g.sd == 0.0 and g.weight == pytest.approx(4 / 7) and g.shift == 0.0
    with pytest.raises(InputError):
        fit([0.1, 0.2, 0.3], [0.0, -1.0, 0.0], [1, 1, 1])
    with pytest.raises(InputError):
        fit([0.1, 0.2], [0.0], [1, 1])


def test_three_past_residuals_shift_and_scale_by_hand() -> None:
    # Japan on 20 Jul 2025: UK, Vietnam, Indonesia known; r = 0, -.10, -.11 -> mean -.07,
    # w = .5, b = -.035; r - b = .035, -.065, -.075 -> s^2 = (.001225+.004225+.005625)/3
    x = np.array([0.20, 0.25, 0.30, 0.05])
    out = recalibrate(x, partner="JPN", as_of=D(2025, 7, 20), history=HIST, seed=7)
    assert out.deals == ("gbr-2025-05-08", "vnm-2025-07-02", "idn-2025-07-15")
    assert out.fit.shift == pytest.approx(-0.035)
    s = math.sqrt((0.035**2 + 0.065**2 + 0.075**2) / 3)
    assert out.fit.sd == pytest.approx(s)
    z = np.random.default_rng([7, 1]).standard_normal(4)
    np.testing.assert_allclose(out.draws, np.maximum(x - 0.035 + s * z, 0.0))
    # large model variances: no dressing, the draws are shifted exactly (and floored at 0)
    wide = {k: PastForecast(**{**v.__dict__, "headline_var": 0.01}) for k, v in HIST.items()}
    out2 = recalibrate(x, partner="JPN", as_of=D(2025, 7, 20), history=wide)
    assert out2.fit.sd == 0.0
    np.testing.assert_allclose(out2.draws, [0.165, 0.215, 0.265, 0.015])
    assert recalibrate(np.array([0.02]), partner="JPN", as_of=D(2025, 7, 20), history=wide).draws[
        0
    ] == pytest.approx(0.0)


def test_before_three_deals_and_other_classes_nothing_changes() -> None:
    x = np.array([0.3, 0.25])
    # 10 Jul 2025: only the UK and Vietnam are known
    out = recalibrate(x, partner="JPN", as_of=D(2025, 7, 10), history=HIST)
    assert not out.fit.applied and out.fit.n == 2
    np.testing.assert_array_equal(out.draws, x)
    # China's headline is another class: the reciprocal deals do not train it
    chn = recalibrate(x, partner="CHN", as_of=D(2025, 7, 20), history=HIST)
    assert chn.fit.n == 0 and chn.deals == ()
    # no draws stay no draws
    assert (
        recalibrate(np.empty(0), partner="JPN", as_of=D(2025, 7, 20), history=HIST).draws.size == 0
    )


def test_never_reads_an_outcome_on_or_after_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    """A history holding forecasts of later deals (Japan and the Philippines, concluded on the
    forecast date itself) and a forecast on another date than T3 changes nothing; outcomes are
    read only through known_outcomes(as_of)."""
    day = D(2025, 7, 22)
    future = {
        **HIST,
        "jpn-2025-07-22": past("jpn-2025-07-22", "JPN", D(2025, 7, 22), 0.90),
        "phl-2025-07-22": past("phl-2025-07-22", "PHL", D(2025, 7, 22), 0.90),
        "eu-2025-07-27": past("eu-2025-07-27", "EU", D(2025, 7, 27), 0.90),
    }
    calls: list[Any] = []
    real = RC.known_outcomes

    def spy(as_of: Any) -> Any:
        calls.append(as_of)
        got = real(as_of)
        assert all(o.concluded is not None and o.concluded < as_of for o in got)
        return got

    monkeypatch.setattr(RC, "known_outcomes", spy)

    def forbidden(*a: Any, **k: Any) -> Any:
        raise AssertionError("the recalibration read every outcome")

    monkeypatch.setattr("tariffsim.negotiation.outcomes.all_outcomes", forbidden)
    x = np.linspace(0.1, 0.3, 11)
    a = recalibrate(x, partner="KOR", as_of=day, history=HIST, seed=3)
    b = recalibrate(x, partner="KOR", as_of=day, history=future, seed=3)
    assert calls == [day, day]
    assert a.deals == b.deals == ("gbr-2025-05-08", "vnm-2025-07-02", "idn-2025-07-15")
    np.testing.assert_array_equal(a.draws, b.draws)
    # the same deal's forecast made on another day than T3 is not a training forecast
    off = {
        **HIST,
        "gbr-2025-05-08": PastForecast("gbr-2025-05-08", "GBR", D(2025, 5, 1), 0.1, 0, 9),
    }
    assert recalibrate(x, partner="KOR", as_of=day, history=off).fit.n == 2
    # from the 23rd, Japan and the Philippines are known: 5 deals
    assert recalibrate(x, partner="KOR", as_of=D(2025, 7, 23), history=future).fit.n == 5


def test_apply_to_a_record_keeps_p_deal_and_the_raw_draws() -> None:
    x = np.array([0.20, 0.30])
    pdb = {D(2025, 8, 19): 0.4}
    fc = PartnerForecast("JPN", D(2025, 7, 20), pdb, x, np.array([0.25]), 0.1, 0.25, {"case": "c"})
    wide = {k: PastForecast(**{**v.__dict__, "headline_var": 0.01}) for k, v in HIST.items()}
    out = apply(fc, wide)
    np.testing.assert_allclose(out.headline, [0.165, 0.265])
    assert out.p_deal_by == pdb and out.inputs["case"] == "c"
    assert out.inputs["_raw_headline"] is x
    assert out.inputs["recalibration"]["headline"]["shift"] == pytest.approx(-0.035)
    # no car deal in the history: the car draws are unchanged
    assert out.inputs["recalibration"]["auto"]["n"] == 0
    np.testing.assert_array_equal(out.auto, [0.25])


def point_forecaster(
    partner: str, as_of: dt.date, *, draws: int = 2000, seed: int = 0, executor: Any = None
) -> PartnerForecast:
    days = {as_of + dt.timedelta(days=d): 0.5 for d in (30, 60, 90)}
    return PartnerForecast(
        partner, as_of, days, np.full(draws, 0.15), np.full(draws, 0.15), 0.1, 0.2
    )


def test_backtest_scores_the_recalibrated_model() -> None:
    res = run_backtest(forecaster=point_forecaster, draws=40, executor="serial", n_boot=50)
    by = {r.target.key: r for r in res.rows}
    # 15 Apr 2025: no deal before, the recalibrated forecast is the raw one
    t1 = [r for r in res.rows if r.target.origin == "T1" and r.target.is_deal]
    for r in t1:
        assert r.scores["recalibrated"]["headline_crps"] == r.scores["model"]["headline_crps"]
    # Japan T3 (19 Jul): UK 10%, Vietnam 20%, Indonesia 19% against a point forecast at 15%:
    # r = -.05, .05, .04 -> b = .5 * .04/3; s^2 = mean((r - b)^2) (the model's variance is 0)
    jp = by["jpn-2025-07-22@T3"].recalibrated
    assert jp is not None
    f = jp["fit"]["headline"]
    r = np.array([-0.05, 0.05, 0.04])
    b = 0.5 * r.mean()
    assert f["deals"] == ["gbr-2025-05-08", "vnm-2025-07-02", "idn-2025-07-15"]
    assert f["shift"] == pytest.approx(b)
    assert f["sd"] == pytest.approx(math.sqrt(np.mean((r - b) ** 2)))
    # Korea T3 (27 Jul): the cars of the UK (10%) and Japan (15%) are known; the EU's deal is
    # concluded on the 27th itself, so not before the forecast date: 2 car deals, no recalibration
    kr = by["kor-2025-07-30@T3"]
    assert kr.recalibrated is not None
    assert kr.recalibrated["fit"]["auto"]["deals"] == ["gbr-2025-05-08", "jpn-2025-07-22"]
    assert not kr.recalibrated["fit"]["auto"]["applied"]
    assert kr.scores["recalibrated"]["auto_crps"] == kr.scores["model"]["auto_crps"]
    s = res.summary
    assert s["headline_crps"]["n"]["recalibrated"] == s["headline_crps"]["n"]["model"]
    assert "split_difference" in s["headline_crps"]["skill_recalibrated"]
    assert "recalibrated" not in s["brier"]["mean"]
    assert s["headline_band_recalibrated"]["n"] == s["headline_band"]["n"]
    assert "median_vs_split_recalibrated" in s["without_CHN"]
    page = render(res, chart=None, generated=dt.date(2026, 12, 3), command="test")
    assert "| model, recalibrated (rolling) |" in page
    assert "Recalibrated model headline 10–90 bands: coverage" in page
    assert "af6fe7d" in page
    assert "### Raw against recalibrated" in page and "### Recalibration per target" in page


def test_forecast_partner_hook_applies_the_recalibration() -> None:
    """neg's forecast_partner with ``recalibration_history``: the same record with recalibrated
    draws. Japan on 19 Jul 2025 with UK/Vietnam/Indonesia forecasts of means .10/.30/.30 and
    variances 0/0/.01 (10 draws each): b = -.035, s^2 = .0036917 - (1.1 * .01)/3 = .000025."""
    from tariffsim.negotiation.forecast import forecast_partner

    hist = {
        "gbr-2025-05-08": PastForecast("gbr-2025-05-08", "GBR", D(2025, 5, 5), 0.1, 0.0, 10),
        "vnm-2025-07-02": PastForecast("vnm-2025-07-02", "VNM", D(2025, 6, 29), 0.3, 0.0, 10),
        "idn-2025-07-15": PastForecast("idn-2025-07-15", "IDN", D(2025, 7, 12), 0.3, 0.01, 10),
    }
    raw = forecast_partner("JPN", "2025-07-19", draws=50)
    rec = forecast_partner("JPN", "2025-07-19", draws=50, recalibration_history=hist)
    f = rec.inputs["recalibration"]["headline"]
    assert f["shift"] == pytest.approx(-0.035) and f["sd"] == pytest.approx(0.005)
    np.testing.assert_array_equal(rec.inputs["_raw_headline"], raw.headline)
    z = np.random.default_rng([0, 1]).standard_normal(raw.headline.size)
    np.testing.assert_allclose(rec.headline, np.maximum(raw.headline - 0.035 + 0.005 * z, 0.0))
    assert rec.p_deal_by == raw.p_deal_by
    assert "recalibration" not in raw.inputs


def test_build_history_forecasts_each_earlier_deal_at_its_t3() -> None:
    calls: list[tuple[str, dt.date]] = []

    def fc(partner: str, as_of: dt.date, **kw: Any) -> PartnerForecast:
        calls.append((partner, as_of))
        return point_forecaster(partner, as_of, draws=5)

    hist = RC.build_history(D(2025, 7, 20), fc, partner="JPN", draws=5)
    # China's Geneva deal is another headline class and set no car rate: not forecast
    assert calls == [("GBR", D(2025, 5, 5)), ("VNM", D(2025, 6, 29)), ("IDN", D(2025, 7, 12))]
    assert set(hist) == {"gbr-2025-05-08", "vnm-2025-07-02", "idn-2025-07-15"}
    g = hist["gbr-2025-05-08"]
    assert (g.headline_mean, g.headline_var, g.headline_n) == (pytest.approx(0.15), 0.0, 5)
    out = recalibrate(np.array([0.15]), partner="JPN", as_of=D(2025, 7, 20), history=hist)
    # r = -.05, .05, .04 (as in the backtest test): b = .5 * .04/3
    assert out.fit.shift == pytest.approx(0.5 * 0.04 / 3)
