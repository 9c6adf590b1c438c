"""PE and the law → GE tariff vector on the real 2024 trade and the US measure library."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.duties.flows import default_flows
from tariffsim.models.law_tariffs import ge_tariffs_from_schedule
from tariffsim.models.pe import run_pe, tariffs_on
from tariffsim.schedule import load_schedule

D0, D1 = dt.date(2025, 1, 1), dt.date(2025, 4, 10)


@pytest.fixture(scope="module")
def pe_result():
    return run_pe(start=D0, end=D1)


def test_tariffs_on_agree_with_single_entry_rates():
    # The vectorised rates PE uses equal the schedule's single-entry answer row by row.
    flows = default_flows()
    t0, t1 = tariffs_on(flows, start=D0, end=D1)
    s = load_schedule()
    idx = np.flatnonzero(np.isin(flows.origin, ["JPN", "DEU", "VNM"]))[::5000][:12]
    for i in idx:
        for day, t in ((D0, t0), (D1, t1)):
            # single-entry rating of a row needs that row's shares (USMCA / metal content)
            shares = {k: float(v[i]) for k, v in flows.shares.items()}
            r = s.rate(str(flows.origin[i]), str(flows.hs10[i]), on=day, shares=shares)
            assert t[i] == pytest.approx(r.total_rate, abs=1e-6), (
                flows.hs10[i],
                flows.origin[i],
                day,
            )


def test_pe_identities_on_real_trade(pe_result):
    s = pe_result.frame("summary").row(0, named=True)
    flows = default_flows()
    # Baseline imports: the Census 2024 total of rows with a known origin (data README: 3,123.8 bn).
    assert s["imports_usd_before"] == pytest.approx(3123.8e9, rel=1e-3)
    # Pre-substitution ETR = sum(t1 * v0) / sum(v0), recomputed directly from the schedule.
    t0, t1 = tariffs_on(flows, start=D0, end=D1)
    v = np.asarray(flows.value_usd, float)
    assert s["etr_after_pre_substitution"] == pytest.approx((t1 * v).sum() / v.sum(), rel=1e-9)
    assert s["etr_before"] == pytest.approx((t0 * v).sum() / v.sum(), rel=1e-9)
    # Tariffs rose: imports fall, prices rise, post-substitution ETR below pre-substitution.
    assert s["imports_usd_after"] < s["imports_usd_before"]
    assert s["import_price_change_pct"] > 0
    assert s["etr_after_post_substitution"] < s["etr_after_pre_substitution"]
    partners = pe_result.frame("partners")
    assert partners["diversion_usd"].sum() == pytest.approx(0.0, abs=1e3)
    # On 2025-04-10 China faced 125% reciprocal + 20% fentanyl while others were paused at 10%:
    # China loses the most and some of it is diverted to others.
    chn = partners.filter(partners["iso3"] == "CHN").row(0, named=True)
    assert chn["change_usd"] == partners["change_usd"].min()
    assert chn["diversion_usd"] < 0


def test_ge_tariff_vector_from_the_law():
    from tariffsim.models.ge_data import load_raw_cached

    raw = load_raw_cached()
    v = ge_tariffs_from_schedule(on=D1)
    assert v.shape == (raw.n,)
    assert v[raw.index("USA")] == 0.0
    # China on 2025-04-10: 125% reciprocal + 20% fentanyl on most lines (EO 14259, EO 14228) on top of
    # 2025-01-01 duties; Annex II and Section 232 goods are exempt from the reciprocal part, so the
    # trade-weighted change lies well above the 20% fentanyl alone and below 145%.
    assert 0.2 < v[raw.index("CHN")] < 1.45
    # Everyone else paid the 10% baseline (or less where exempt), not the suspended country rates.
    assert v[raw.index("JPN")] <= 0.2
    assert v[raw.index("VNM")] <= 0.11


@pytest.mark.slow
def test_ge_rate_of_an_exporter_without_2024_imports():
    # American Samoa has no row in the 2024 partner file: its GE rate is the whole US import basket
    # rated as if it came from there (law_tariffs docstring). This branch once raised ImportError.
    rates = ge_tariffs_from_schedule(on=D1, iso3=("JPN", "ASM", "USA"))
    assert rates[2] == 0.0
    assert 0.0 < rates[1] < 1.0 and np.isfinite(rates).all()
