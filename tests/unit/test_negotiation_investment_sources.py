"""The investment issue of a generated case is sized and valued from dated sources.

Expected values are hand computations from the sources cited in ``priors.yaml`` and
``investment_data.yaml``: Japan's outward FDI of US$184 bn in 2023 (UNCTAD WIR 2024, 20 Jun 2024),
pledges spent over four years (SoftBank, 16 Dec 2024), BEA's 2022 rates of return on direct
investment abroad (9.1%) and in the US (5.8%), the 21% federal corporate tax rate (TCJA 2017) and
the 57-58% realised under Phase One (Bown 2022).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tariffsim.negotiation import valuation
from tariffsim.negotiation.explain import SCALES, _param_kinds
from tariffsim.negotiation.generate import generate_case_file, outward_fdi, priors

APRIL = dt.date(2025, 4, 15)


def test_sourced_priors_by_hand() -> None:
    src, pri = priors()
    # the US keeps the tax on the return foreign investors earn: 5.8% after a 21% tax
    assert pri["us_value_investment"].number == pytest.approx(0.058 * 0.21 / 0.79, abs=1e-4)
    assert pri["us_value_investment"].kind == "literature"
    # what an investor forgoes on average US projects: 9.1% abroad - 5.8% in the US
    assert pri["partner_cost_us_directed"].number == pytest.approx(0.091 - 0.058)
    assert pri["partner_cost_us_directed"].kind == "data"
    assert pri["credibility_us_directed"].number == 0.58
    assert pri["pledge_years"].number == 4.0 and pri["pledge_years"].kind == "statement"
    # every source is dated before the April case
    for k in ("us_value_investment", "partner_cost_us_directed", "pledge_years"):
        assert src[pri[k].source].date < APRIL
    # what could not be sourced stays judgement
    assert pri["credibility_partner_directed"].kind == "judgement"
    assert pri["partner_cost_partner_directed"].kind == "judgement"


def test_outward_fdi_only_once_published() -> None:
    sid, _, usd, year, _ = outward_fdi("JPN", APRIL)  # type: ignore[misc]
    assert (sid, usd, year) == ("unctad-wir-2024", 184.0, 2023)
    assert outward_fdi("JPN", dt.date(2024, 6, 19)) is None  # the WIR 2024 was out on 20 June
    assert outward_fdi("VNM", APRIL) is None


def test_japan_investment_issue_from_fdi(shared_data: Path) -> None:
    cf = generate_case_file("JPN", APRIL)
    cap = cf.parameters["investment_capacity"]
    # all of Japan's outward FDI over the four-year term: 184 x 4
    assert cap.value == pytest.approx(736.0) and cap.kind == "data"
    assert cap.derived is not None and cap.derived.prior == "pledge_years"
    inv = next(i for i in cf.issues if i.name == "investment")
    # 0, 1/16, 1/8, 1/4, 1/2 and all of it (3 significant figures)
    assert list(inv.levels) == [0.0, 46.0, 92.0, 184.0, 368.0, 736.0]


def test_partner_without_fdi_data_keeps_the_gdp_judgement(shared_data: Path) -> None:
    cf = generate_case_file("VNM", dt.date(2025, 6, 30))
    cap = cf.parameters["investment_capacity"]
    assert cap.kind == "judgement" and cap.derived is not None
    assert cap.derived.prior == "investment_capacity_gdp"


def test_pledge_by_hand() -> None:
    # 736 pledged over 4 years, 58% realised, capacity 736: host 0.0154 x 0.58 x 184 per year;
    # investor 0.033 x 0.58 x 184 x (1 + 736/736)
    args = {
        "pledge_years": 4.0,
        "credibility": 0.58,
        "capacity": 736.0,
        "us_value": 0.0154,
        "partner_cost": 0.033,
    }
    f = valuation.pledge(np.array([0.0, 736.0]), args)
    assert f["host"][0, 1] == pytest.approx(0.0154 * 0.58 * 184.0)
    assert f["investor"][0, 1] == pytest.approx(-0.033 * 0.58 * 184.0 * 2.0)
    assert f["investor"][0, 0] == 0.0


def test_term_and_capacity_count_as_scaling() -> None:
    # the pledge's term divides both flows and its capacity scales the partner's cost: a typed
    # term or capacity makes the channel judgement
    assert "pledge_years" in SCALES["pledge"]["host"]
    assert {"pledge_years", "capacity"} <= set(SCALES["pledge"]["investor"])


def test_explain_lists_a_parameter_once(shared_data: Path) -> None:
    from tariffsim.negotiation.case import load_case
    from tariffsim.negotiation.explain import issue_refs

    case = load_case("us-japan-2025-04")
    spec = case.issue("reciprocal_rate")
    names = [p["parameter"] for p in _param_kinds(case, issue_refs(case, spec))]
    assert len(names) == len(set(names)) and "p_threat_imposed" in names


def test_explain_text_has_no_empty_item(capsys, shared_data: Path) -> None:
    from tariffsim.cli.main import main

    assert main(["negotiate", "us-japan-2025-04", "--explain"]) == 0
    out = capsys.readouterr().out
    data = [ln for ln in out.splitlines() if ln.strip().startswith("data:")]
    assert data and all("; ;" not in ln for ln in data)
    head = out.split("[auto_rate]")[0]
    assert head.count("p_threat_imposed =") == 1
