"""The forecast engine: exact per-draw bargaining, power, claims, calendar, joint draws, the record."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
from scipy.special import log_ndtr

from tariffsim.negotiation.bargain import build_problem, rest_frontier, solve_draws
from tariffsim.negotiation.case import load_case
from tariffsim.negotiation.preferences import Env, build_tables
from tariffsim.negotiation.uncertainty import (
    _unit_draws,
    first_order_index,
    spearman,
    triangular_ppf,
)

TOY = Path(__file__).parent / "data" / "negotiation-toy.yaml"


def test_rest_frontier_keeps_every_nondominated_point() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        ua = np.round(rng.normal(size=(5, 60)), 1)  # rounding makes ties
        ub = np.round(-ua + rng.normal(size=(5, 60)), 1)
        fr = rest_frontier(ua, ub)
        for d in range(5):
            got = set(fr[d][fr[d] >= 0].tolist())
            for i in range(60):
                dom = (
                    (ua[d] >= ua[d, i])
                    & (ub[d] >= ub[d, i])
                    & ((ua[d] > ua[d, i]) | (ub[d] > ub[d, i]))
                )
                if not dom.any():
                    # a non-dominated point (or an equal twin of one) is kept
                    twins = np.flatnonzero((ua[d] == ua[d, i]) & (ub[d] == ub[d, i]))
                    assert got & set(twins.tolist())


def _brute(tables, pr, d: int, adj=None) -> tuple[float, tuple[int, ...]]:
    """Every package of the toy: argmax α log gA + (1−α) log gB + log Φ((uB − dB)/σ)."""
    best, arg = -np.inf, None
    blocks = tables.blocks
    for combo in itertools.product(*[range(b.n_levels) for b in blocks]):
        ua = sum(tables.party["USA"][b][d, c] for b, c in enumerate(combo)) + (
            0 if adj is None else adj[d, combo[0]]
        )
        ub = sum(tables.party["XXX"][b][d, c] for b, c in enumerate(combo))
        ga, gb = ua - pr.d_a[d], ub - pr.d_b[d]
        if ga <= 0 or gb <= 0:
            continue
        a = pr.alpha[d]
        pv = pr.pivots[0]
        obj = (
            a * np.log(ga)
            + (1 - a) * np.log(gb)
            + log_ndtr((ub - pv.no_deal[d] - pv.threshold[d]) / pv.sigma[d])
        )
        if obj > best:
            best, arg = obj, combo
    return best, arg


def test_per_draw_solution_equals_brute_force() -> None:
    case = load_case(TOY)
    rng = np.random.default_rng(0)
    n = 40
    env = Env(
        case,
        {
            "w_rev": rng.uniform(1.0, 1.5, n),
            "cred": rng.uniform(0.2, 0.8, n),
            "p_threat": rng.uniform(0.3, 0.9, n),
        },
    )
    tables = build_tables(case, env)
    pr = build_problem(tables, head_issue="tariff")
    for adj in (None, -rng.uniform(0, 1, (n, 3))):
        sol = solve_draws(pr, adj)
        for d in range(n):
            best, arg = _brute(tables, pr, d, adj)
            if arg is None:
                assert not sol.feasible[d]
                continue
            assert sol.feasible[d]
            # the same objective (packages tied on both utilities are interchangeable)
            ua, ub = sol.utilities[d]
            a, pv = pr.alpha[d], pr.pivots[0]
            obj = a * np.log(ua - pr.d_a[d]) + (1 - a) * np.log(ub - pr.d_b[d])
            obj += log_ndtr((ub - pv.no_deal[d] - pv.threshold[d]) / pv.sigma[d])
            assert obj == pytest.approx(best, abs=1e-12)
            assert sol.packages[d, 0] == arg[0] and sol.packages[d, 1] == arg[1]


def _toy_problem(n: int = 40) -> tuple[object, np.ndarray]:
    case = load_case(TOY)
    rng = np.random.default_rng(0)
    env = Env(
        case,
        {
            "w_rev": rng.uniform(1.0, 1.5, n),
            "cred": rng.uniform(0.2, 0.8, n),
            "p_threat": rng.uniform(0.3, 0.9, n),
        },
    )
    return build_problem(build_tables(case, env), head_issue="tariff"), -rng.uniform(0, 1, (n, 3))


def _same_solution(x: object, y: object) -> bool:
    return all(
        np.array_equal(getattr(x, f), getattr(y, f), equal_nan=f == "utilities")
        for f in ("packages", "utilities", "ratification", "feasible", "head_level")
    )


def test_ratification_pruning_and_blocks_change_no_solution(monkeypatch) -> None:
    # Exactness of solve_draws' two economies, bit for bit: (1) log P(ratified) computed only on
    # the candidates _may_win keeps, against every feasible candidate (the pruning bound is
    # v + l <= v with l <= 0); (2) blocks of draws of any size (each draw's row is independent).
    # Reference: the same function with the pruning switched off / one draw per block.
    from tariffsim.negotiation import bargain

    pr, adj = _toy_problem()
    got = [solve_draws(pr, a) for a in (None, adj)]
    monkeypatch.setattr(bargain, "_may_win", lambda _p, val, *_a: np.ones(val.size, dtype=bool))
    every = [solve_draws(pr, a) for a in (None, adj)]
    assert all(_same_solution(g, e) for g, e in zip(got, every, strict=True))
    monkeypatch.setattr(bargain, "_CHUNK_ELEMENTS", 1)  # one draw per block
    one = [solve_draws(pr, a) for a in (None, adj)]
    assert all(_same_solution(g, e) for g, e in zip(got, one, strict=True))


def test_power_from_dependence_by_hand() -> None:
    from types import SimpleNamespace

    from tariffsim.negotiation.bargain import power
    from tariffsim.negotiation.schema import PowerSpec

    case = SimpleNamespace(
        bargaining_power=PowerSpec(
            partner_dependence=0.034,
            imposer_dependence=0.005,
            ally=1.0,
            security_weight=0.5,
            source="s",
        )
    )
    env = SimpleNamespace(vec=lambda r: np.array([float(r)]), n=1)
    dp = 0.034 * 1.5
    assert power(case, env)[0] == pytest.approx(dp / (dp + 0.005))


def test_claim_adjustment_by_hand() -> None:
    from tariffsim.negotiation.forecast import Prepared, claim_adjustment

    prep = Prepared(
        partner="JPN",
        case=None,
        draws={},
        tables=None,
        problem=type("P", (), {"n": 2})(),
        rates=np.array([0.10, 0.15, 0.20]),
        kappa_per_rate=np.array([0.5, 1.0]),
        claim_prob=np.array([0.4, 0.4]),
        base_bn=0.0,
    )
    # one claimant with US$ 100 bn of goods who would otherwise pay 20%:
    # c(h) = −π κ B max(0.20 − r_h, 0)
    adj = claim_adjustment(prep, [(100.0, np.array([0.20, 0.20]))])
    assert adj[0] == pytest.approx([-0.4 * 0.5 * 100 * 0.10, -0.4 * 0.5 * 100 * 0.05, 0.0])
    assert adj[1] == pytest.approx(2 * adj[0])


def test_calendar_by_hand() -> None:
    from tariffsim.negotiation.timing import effective_days, p_deal_by

    as_of = dt.date(2025, 4, 15)
    dates = [as_of + dt.timedelta(days=k) for k in (30, 60, 90)]
    # one deadline on 9 July (85 days out): its 14-day window is days 71–85
    M = effective_days(as_of, dates, [dt.date(2025, 7, 9)], np.array([3.0]))
    assert M[0] == pytest.approx([30, 60, 90 + 2 * 14])
    P = p_deal_by(
        as_of, dates, np.array([0.8]), np.array([0.01]), [dt.date(2025, 7, 9)], np.array([3.0])
    )
    assert P[0] == pytest.approx(0.8 * (1 - np.exp(-0.01 * M[0])))


def test_hazard_prior_before_any_deal() -> None:
    from tariffsim.negotiation.timing import HISTORIC_DAYS, fit_hazard

    f = fit_hazard(dt.date(2025, 4, 15))
    # no deal of the wave concluded before 15 April 2025: shape = 4 prior deals; rate = 999 prior days
    # plus the days at risk of the partners since their first threat (no earlier than 2 April)
    assert f.events == 0 and f.shape == len(HISTORIC_DAYS) == 4
    assert f.rate == pytest.approx(sum(HISTORIC_DAYS) + f.exposure_days)
    assert f.exposure_days == 13 * f.partners_at_risk


def test_latin_hypercube_fills_every_stratum_once() -> None:
    u = _unit_draws(3, 50, 7)
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 50).astype(int).tolist()) == list(range(50))


def test_triangular_inverse_cdf() -> None:
    # symmetric triangle on [0, 2] with mode 1: the median is the mode; F(0.5) = 0.125
    assert triangular_ppf(np.array([0.5]), 0.0, 1.0, 2.0)[0] == pytest.approx(1.0)
    assert triangular_ppf(np.array([0.125]), 0.0, 1.0, 2.0)[0] == pytest.approx(0.5)


def test_sensitivity_of_a_monotone_output() -> None:
    x = np.linspace(0, 1, 200)
    assert spearman(x, x**3) == pytest.approx(1.0)
    assert first_order_index(x, x**3) > 0.9
    assert abs(spearman(x, np.sin(40 * x)) or 0.0) < 0.3


def test_forecast_record_for_japan(shared_data: Path) -> None:
    from tariffsim.negotiation.forecast import forecast_partner

    f = forecast_partner("JPN", dt.date(2025, 4, 15), draws=120, seed=1)
    assert f.partner == "JPN" and f.as_of == dt.date(2025, 4, 15)
    # in force on 15 April 2025: the 10% baseline (EO 14266 pause); threatened: Annex I 24%
    assert f.status_quo_rate == pytest.approx(0.10) and f.threat_rate == pytest.approx(0.24)
    assert sorted(f.p_deal_by) == [dt.date(2025, 5, 15), dt.date(2025, 6, 14), dt.date(2025, 7, 14)]
    ps = list(f.p_deal_by.values())
    assert 0.0 <= ps[0] <= ps[1] <= ps[2] <= 1.0
    assert f.headline.size > 0 and ((f.headline >= 0.0) & (f.headline <= 0.24 + 1e-9)).all()
    assert f.auto is not None and ((f.auto >= 0.025 - 1e-9) & (f.auto <= 0.275 + 1e-9)).all()


def test_calendar_with_an_election_by_hand() -> None:
    """Before an election the line is higher (odds q0), after it lower (q1); a regime that fails gives
    way to the next: F(t) = F(E) + (1 − F(E)) q1 (1 − exp(−λ (t − E)))."""
    from tariffsim.negotiation.timing import p_deal_by_regimes

    as_of = dt.date(2025, 4, 15)
    E = as_of + dt.timedelta(days=50)
    dates = [as_of + dt.timedelta(days=k) for k in (30, 60, 90)]
    lam = np.array([0.02])
    P, share = p_deal_by_regimes(
        as_of, dates, [np.array([0.3]), np.array([0.9])], [E], lam, [], np.array([1.0])
    )
    f = lambda q, d: q * (1 - np.exp(-0.02 * d))  # noqa: E731
    FE = f(0.3, 50)
    assert P[0, 0] == pytest.approx(f(0.3, 30))
    assert P[0, 1] == pytest.approx(FE + (1 - FE) * f(0.9, 10))
    assert P[0, 2] == pytest.approx(FE + (1 - FE) * f(0.9, 40))
    assert share[0] == pytest.approx([FE / P[0, 2], 1 - FE / P[0, 2]])


def test_the_wave_prices_in_the_claims(shared_data: Path) -> None:
    """Nash-in-Nash: with Korea's bargain open, the US's headline for Japan is never lower than
    without claims, draw by draw (claims only make lower rates costlier for the US)."""
    from tariffsim.negotiation.bargain import solve_draws
    from tariffsim.negotiation.forecast import forecast_wave, prepare

    day = dt.date(2025, 4, 15)
    fc = {f.partner: f for f in forecast_wave(day, partners=["JPN", "KOR"], draws=100, seed=2)}
    assert set(fc) == {"JPN", "KOR"} and fc["JPN"].inputs["claims"]["open"] == ["KOR"]
    prep = prepare("JPN", day, draws=100, seed=2)
    free = solve_draws(prep.problem)
    lv = np.asarray(prep.case.issue("reciprocal_rate").levels, float)
    hj = prep.case.issue_names.index("reciprocal_rate")
    ok = free.feasible & fc["JPN"].inputs["_feasible"]
    with_claims = lv[fc["JPN"].inputs["_packages"][ok, hj]]
    without = lv[free.packages[ok, hj]]
    assert (with_claims >= without - 1e-12).all()


def test_partner_rows_equals_testing_every_row() -> None:
    # the origins are factorised once per flow array; the mask is np.isin over every row
    import datetime as _dt

    from tariffsim.negotiation.tariff_stakes import LawOnDay, partner_codes, partner_rows

    origin = np.array(["JPN", "DEU", "FRA", "JPN", "VNM", "DEU", ""], dtype="<U3")
    z = np.zeros(len(origin))
    law = LawOnDay(_dt.date(2025, 4, 15), origin, origin, z, z, z, z, z, "t")
    for p in ("JPN", "EU", "VNM", "KOR"):
        assert np.array_equal(partner_rows(law, p), np.isin(origin, partner_codes(p)))
    other = LawOnDay(_dt.date(2025, 4, 15), origin, origin[::-1].copy(), z, z, z, z, z, "t")
    assert np.array_equal(partner_rows(other, "JPN"), np.isin(origin[::-1], ["JPN"]))


def test_concluded_claimants_share_the_headline_class() -> None:
    """Deals concluded before 19 Jul 2025 (outcome files): UK 8 May, China (Geneva) 12 May, Vietnam
    2 Jul, Indonesia 15 Jul. China's headline is its IEEPA total (fentanyl + reciprocal,
    ``facts.HEADLINE_MEASURES``), so it is no claimant on the Philippines' reciprocal rate; the
    other three are, at their deals' headlines (10%, 20%, 19%)."""
    import datetime as dt

    from tariffsim.negotiation import facts as F
    from tariffsim.negotiation.forecast import concluded_refs

    assert not F.same_headline_class("CHN", "PHL")
    assert F.same_headline_class("JPN", "PHL")
    refs, rec = concluded_refs("PHL", dt.date(2025, 7, 19), 4)
    assert {r["partner"]: r["headline"] for r in rec} == {"GBR": 0.1, "VNM": 0.2, "IDN": 0.19}
    assert len(refs) == 3
