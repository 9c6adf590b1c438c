"""Stakes of tariff issues from the PE and GE (tariffsim.models.stakes)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.models import stakes as S
from tariffsim.models import stakes_state as SS
from tariffsim.models.stakes import TariffIssue, parse_scope

AS_OF = dt.date(2025, 4, 15)
RECIP = TariffIssue("reciprocal", ("reciprocal",), "add_on", (0.10, 0.15, 0.25))
AUTOS = TariffIssue(
    "autos", ("list:s232_autos_vehicles", "list:s232_auto_parts"), "floor", (0.025, 0.15, 0.275)
)


def test_scope_grammar_and_issue_checks():
    assert parse_scope("hs:8703, 8708.10") == ("hs", ("8703", "870810"))
    assert parse_scope("list:s232_auto_parts") == ("list", ("s232_auto_parts",))
    assert parse_scope("reciprocal") == ("reciprocal", ())
    with pytest.raises(InputError, match="HS prefix"):
        parse_scope("hs:87x")
    with pytest.raises(InputError, match="not known"):
        parse_scope("chapter:87")
    with pytest.raises(InputError, match="form"):
        TariffIssue("x", ("all",), "cap", (0.1,))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not a rate"):
        TariffIssue("x", ("all",), "add_on", (15.0 * 100,))
    assert AUTOS.priority == 0 and RECIP.priority == 1


def _toy_state() -> SS.State:
    # Three rows of one partner: MFN 2.5%, 0% and 20%; reciprocal 10% on rows 0-1; a list duty of
    # 25% (measure "l232", which displaces the reciprocal duty) on row 2.
    n = 3
    return SS.State(
        key="toy",
        as_of=AS_OF,
        horizon="short-run",
        hs10=np.array(["8703230190", "8471300100", "8708999000"]),
        origin=np.array(["JPN"] * n),
        v2024=np.ones(n),
        t_asof=np.array([0.125, 0.10, 0.45]),
        t_ge_base=np.zeros(n),
        mfn=np.array([0.025, 0.0, 0.20]),
        parts={
            "mfn": (np.array([0, 2]), np.array([0.025, 0.20])),
            "recip": (np.array([0, 1]), np.array([0.10, 0.10])),
            "l232": (np.array([2]), np.array([0.25])),
        },
        authority={"mfn": "mfn", "recip": "ieepa_reciprocal", "l232": "s232"},
        list_measures={"parts": ["l232"]},
        displaced_by={"l232": ["recip"]},
        list_prefixes={"parts": (("8708",), ())},
        v_asof=np.ones(n),
        problem=None,
        rows_of_problem=np.arange(n),
        ge_rates=np.zeros(1),
    )


def test_forms_hand_computed():
    st = _toy_state()
    rows = np.array([0, 1, 2])
    add = TariffIssue("r", ("all",), "add_on", (0.15,))
    # add_on replaces the reciprocal 10%: 0.125-0.10+0.15, 0.10-0.10+0.15, 0.45 (no reciprocal) +0.15
    assert S.new_rates(st, add, rows, 0.15) == pytest.approx([0.175, 0.15, 0.60])
    floor = TariffIssue("r", ("all",), "floor", (0.15,))
    # floor: t - R - M + max(M, 15%): 15%, 15%, and row 2 keeps its list duty on max(20%, 15%)
    assert S.new_rates(st, floor, rows, 0.15) == pytest.approx([0.15, 0.15, 0.45])
    total = TariffIssue("r", ("all",), "total", (0.15,))
    assert S.new_rates(st, total, rows, 0.15) == pytest.approx([0.15, 0.15, 0.15])
    # A list scope replaces the list's measure and what it displaces (here the reciprocal duty).
    parts = TariffIssue("p", ("list:parts",), "floor", (0.15,))
    assert S._instrument(st, parts) == ("l232", "recip")
    assert S.new_rates(st, parts, np.array([2]), 0.15) == pytest.approx([0.20])
    # Status quo level in the issue's form (equal weights): reciprocal add-on 10%, 10%, 0%.
    assert S.status_quo_level(st, add, rows) == pytest.approx(0.2 / 3)


def test_partner_codes():
    code, members = S.partner_members("EU")
    assert code == "EU" and len(members) == 27 and "DEU" in members
    assert S.partner_members("Japan") == ("JPN", ("JPN",))
    with pytest.raises(InputError):
        S.partner_members("Atlantis")
    with pytest.raises(InputError, match="United States"):
        S.partner_members("USA")


@pytest.fixture(scope="module")
def jpn():
    return S.stakes_for_issues("JPN", AS_OF, [RECIP, AUTOS])


@pytest.mark.slow
def test_no_flow_is_priced_twice(jpn):
    st = SS.state(AS_OF, "short-run")
    rows, _ = S.resolve_scopes(st, ("JPN",), [RECIP, AUTOS])
    assert not np.intersect1d(rows["reciprocal"], rows["autos"]).size
    # On 15 Apr 2025 the auto parts still paid the reciprocal duty (Section 232 on parts from
    # 3 May): the auto issue claims them and the reciprocal base says how much it lost.
    assert jpn["reciprocal"].excluded_bn["autos"] > 5.0
    assert jpn["autos"].excluded_bn == {}
    total = float(st.v_asof[st.origin == "JPN"].sum()) / 1e9
    assert jpn["reciprocal"].base_bn + jpn["autos"].base_bn <= total


@pytest.mark.slow
def test_the_law_itself_is_worth_nothing(jpn):
    # On 15 Apr 2025 Japanese goods in the reciprocal scope paid the 10% baseline — in full, or on
    # the non-metal share of Section 232 derivatives (so the import-weighted level is just under
    # 10%). The headline rate is 10%, and the add-on level 10% leaves every line as it is: every
    # figure is zero.
    st = SS.state(AS_OF, "short-run")
    rows = np.sort(S.resolve_scopes(st, ("JPN",), [RECIP, AUTOS])[0]["reciprocal"])
    assert S.nominal_level(st, RECIP, rows) == pytest.approx(0.10)
    assert S.new_rates(st, RECIP, rows, 0.10) == pytest.approx(st.t_asof[rows], abs=1e-12)
    s = jpn["reciprocal"]
    assert 0.095 < s.status_quo_level < 0.10
    for k, f in s.level(0.10).figures.items():
        if not k.startswith("partner_imports"):
            assert f.value == pytest.approx(0.0, abs=1e-6), k


@pytest.mark.slow
def test_levels_are_monotone(jpn):
    s = jpn["reciprocal"]
    rev = [lv.value("us_tariff_revenue_bn") for lv in s.levels]
    buyers = [lv.value("us_buyers_surplus_bn") for lv in s.levels]
    partner = [lv.value("ge_partner_welfare_pct") for lv in s.levels]
    assert rev == sorted(rev) and buyers == sorted(buyers, reverse=True)
    assert partner == sorted(partner, reverse=True)
    lv = s.level(0.25)
    assert lv.value("partner_imports_after_bn") < lv.value("partner_imports_before_bn")
    for f in lv.figures.values():
        assert f.model and f.source and f.unit


@pytest.mark.slow
def test_subset_solve_equals_full_solve(jpn):
    # The PE of a level is solved on the products the partner sells; products are independent,
    # so the full problem with the same new rates gives the same numbers.
    from tariffsim.models.pe import solve_problem

    st = SS.state(AS_OF, "short-run")
    rows = np.sort(S.resolve_scopes(st, ("JPN",), [RECIP, AUTOS])[0]["reciprocal"])
    t_new = S.new_rates(st, RECIP, rows, 0.25)
    sub = S._pe_level(st, rows, t_new, ("JPN",))
    t1 = st.problem.t0.copy()
    t1[st.pos_of_state[rows]] = t_new
    full = solve_problem(st.problem, st.params, t1=t1)
    assert sub["revenue"] == pytest.approx(float(full.revenue_change.sum()), rel=1e-9)
    assert sub["buyers"] == pytest.approx(float(full.consumer_surplus_change.sum()), rel=1e-9)
    is_j = st.problem.origin == "JPN"
    assert sub["sales"] == pytest.approx(float((full.v1 - st.problem.v0)[is_j].sum()), rel=1e-9)


@pytest.mark.slow
def test_ge_status_quo_matches_the_law_mapping(jpn):
    # Recomputing the partner's GE entry from the as-of rates gives law_tariffs' entry back.
    st = SS.state(AS_OF, "short-run")
    model, _ = S._ge_status_quo(st)
    rows = np.flatnonzero(st.origin == "JPN")
    rates = S.ge_rates_with(st, rows, st.t_asof[rows], ("JPN",))
    assert rates[model.index("JPN")] == pytest.approx(st.ge_rates[model.index("JPN")], abs=1e-9)


@pytest.mark.slow
def test_eu_is_aggregated_and_no_deal_and_spillovers():
    eu = S.stakes("EU", AS_OF, RECIP)
    assert len(eu.members) == 27 and eu.base_bn > 100
    lv = eu.level(0.25)
    assert lv.value("ge_partner_welfare_bn") < 0 < lv.value("us_tariff_revenue_bn")
    nd = S.no_deal_cost("JPN", AS_OF, [(RECIP, 0.24), (AUTOS, 0.275)])
    assert nd["partner_welfare_pct"] < 0
    sp = S.us_trade_spillovers("JPN", AS_OF, AUTOS, 0.275)
    assert "JPN" not in sp["ge"] and "MEX" in sp["ge"]


def test_domestic_sector_hand_computed():
    # s_m = 0.5, sigma 3, demand 1, supply 2, import prices +10% in logs:
    # ln p_d = 0.5 * (3 - 1) * 0.1 / (2 + 3 * 0.5 + 1 * 0.5) = 0.025;
    # surplus = 100 * (e^0.025 - 1) * (1 + e^0.05) / 2 = 2.5964.
    sec = S.DomesticSector("x", ("hs:8703",), 100.0, 3.0, 2.0, 1.0, "hand example")
    assert sec.price_change(0.1, 0.5) == pytest.approx(0.025)
    assert sec.surplus_change_usd(0.1, 0.5) == pytest.approx(2.59640, abs=1e-5)
    with pytest.raises(InputError, match="positive"):
        S.DomesticSector("x", ("hs:8703",), -1.0, 3.0, 2.0, 1.0, "src")
    with pytest.raises(InputError, match="come from"):
        S.DomesticSector("x", ("hs:8703",), 1.0, 3.0, 2.0, 1.0, " ")


@pytest.mark.slow
def test_sector_surplus_moves_with_the_partner_tariff():
    # Illustrative inputs for the test only (not estimates). Cutting Japan's car duty to 2.5% lowers
    # the sector's import prices and US producers' surplus; at 27.5% cars stay as they are (the law
    # of 15 Apr 2025) while light trucks with a 25% MFN fall from 50% to 27.5%, a small loss.
    sec = S.DomesticSector(
        "autos", ("list:s232_autos_vehicles",), 1e11, 2.0, 1.0, 1.0, "test inputs"
    )
    s = S.stakes("JPN", AS_OF, AUTOS, ge=False, sectors=[sec])
    lo, hi = s.level(0.025), s.level(0.275)
    key = "us_producers_surplus_bn:autos"
    assert lo.value(key) < hi.value(key) <= 0
    assert abs(hi.value(key)) < 0.1 * abs(lo.value(key))
    assert "test inputs" in lo.figures[key].source


@pytest.mark.slow
def test_negotiation_grid_agrees_with_stakes():
    # The grid of the negotiation layer (duck-typed spec) is the same computation: at the horizon's
    # own pass-through on 15 Apr 2025 (0.95 everywhere, the pre-2025 evidence) it equals stakes().
    from types import SimpleNamespace

    spec = SimpleNamespace(
        scope="reciprocal",
        hs=[],
        products=None,
        exclude_hs=[],
        exclude_products="s232_auto_parts",
        measures=["reciprocal"],
        only_s232=False,
    )
    grid = S.negotiation_table(
        "JPN", AS_OF, spec, [0.10, 0.25], ["add_on", "add_on"], passthroughs=(0.95, 1.0)
    )
    assert grid.outputs["revenue"].shape == (2, 2)
    one = S.stakes("JPN", AS_OF, TariffIssue("r", ("reciprocal",), "add_on", (0.25,)), ge=False)
    # Same scope up to the parts the grid excludes: compare per dollar of base.
    assert grid.base_usd / 1e9 < one.base_bn
    lv = one.level(0.25)
    rev_per_base = lv.value("us_tariff_revenue_bn") / one.base_bn
    assert grid.outputs["revenue"][0, 1] / (grid.base_usd / 1e9) == pytest.approx(
        rev_per_base, rel=0.15
    )
    # The level that is the law (10%) is worth nothing; rho = 1 leaves the exporters whole.
    assert np.abs(grid.outputs["revenue"][:, 0]).max() < 1e-9
    assert np.abs(grid.outputs["exporters"][1]).max() < 1e-12
    assert grid.at("revenue", [0.975]).shape == (1, 2)
    assert set(grid.ge) >= {"us_welfare_bn", "partner_welfare_bn"}


@pytest.mark.slow
def test_cached_state_is_the_law_and_the_pe_of_the_day(jpn):
    # The state shares the flows, the baseline law and the sorted PE rows across dates and keeps
    # only the date's own part on disk. Reference: the law compiled directly for the 2024 flows,
    # the PE problem built and solved from BASELINE_DATE's law to the as-of law, and law_tariffs'
    # GE vector — what the state was before it was cached this way.
    from tariffsim.duties.flows import default_flows
    from tariffsim.models.law_tariffs import ge_tariffs_from_schedule
    from tariffsim.models.pe import BASELINE_DATE, build_problem, solve_problem
    from tariffsim.schedule import load_schedule

    st = SS.state(AS_OF, "short-run")
    sched, flows = load_schedule(), default_flows()
    c = sched.compile(
        hs10=flows.hs10,
        origin=flows.origin,
        start=BASELINE_DATE,
        end=AS_OF + dt.timedelta(days=1),
        shares=dict(flows.shares),
    )
    t0, t1 = np.asarray(c.at(BASELINE_DATE), float), np.asarray(c.at(AS_OF), float)
    assert np.array_equal(st.t_asof, t1)
    mfn = sum(
        np.asarray(c.part(m)[-1], float)
        for m, a in zip(c.measure_ids, c.measure_authorities, strict=True)
        if a == "mfn"
    )
    assert np.array_equal(st.mfn, mfn)
    prob = build_problem(
        flows, t0, t1, sigma_min=st.params.sigma_min, sigma_max=st.params.sigma_max
    )
    out = solve_problem(prob, st.params)
    assert np.array_equal(st.rows_of_problem, prob.rows)
    assert np.array_equal(st.problem.v0, out.v1) and np.array_equal(st.problem.t0, prob.t1)
    ref = ge_tariffs_from_schedule(on=AS_OF)
    assert np.abs(st.ge_rates - ref).max() < 1e-12
    # Built again from nothing but the shared part: bit for bit what memory or disk held.
    skey = SS.schedule_key()
    base = SS.base(None, skey)
    t_asof = SS._day_law(base, AS_OF, (skey, None, AS_OF))[0]
    own = SS._build_own(base, AS_OF, st.params, t_asof)
    assert np.array_equal(t_asof, st.t_asof)
    assert np.array_equal(own["v_sorted"], st.problem.v0)
    assert np.array_equal(SS._ge_rates(base, t_asof, AS_OF, None), st.ge_rates)
    # Read back from the disk cache after the memory is cleared: the same stakes, bit for bit.
    before = jpn["reciprocal"].level(0.25).figures
    SS.clear_cache()
    again = S.stakes_for_issues("JPN", AS_OF, [RECIP, AUTOS])["reciprocal"].level(0.25).figures
    assert {k: f.value for k, f in again.items()} == {k: f.value for k, f in before.items()}


@pytest.mark.slow
@pytest.mark.parametrize("horizon", ["short-run", "long-run"])
def test_closed_form_level_equals_the_full_pe_solve(horizon):
    # _pe_level solves the touched products in closed form (U rows through per-product sums);
    # _pe_level_full runs pe.solve_problem on every row of those products. Same equations: equal
    # to rounding (1e-12 relative, or 1e-3 US$ where a figure is zero).
    st = SS.state(AS_OF, horizon)
    for partner, members in (("JPN", ("JPN",)), ("EU", S.partner_members("EU")[1])):
        rows_by, _ = S.resolve_scopes(st, members, [RECIP, AUTOS])
        for iss in (RECIP, AUTOS):
            rows = np.sort(rows_by[iss.name])
            for level in (0.0, *iss.levels, 0.5):
                t_new = S.new_rates(st, iss, rows, level)
                a = S._pe_level(st, rows, t_new, members)
                b = S._pe_level_full(st, rows, t_new, members)
                for k in ("revenue", "buyers", "tot", "exporters", "sales", "us_imports_change"):
                    assert a[k] == pytest.approx(b[k], rel=1e-12, abs=1e-3), (partner, level, k)
                assert a["partner_before"] == b["partner_before"]
                assert a["products"] == b["products"]
                assert np.array_equal(a["product_codes"], b["product_codes"])
                np.testing.assert_allclose(a["spending"], b["spending"], rtol=1e-14)
                # log P-hat = log Σθp^(1-σ) / (1-σ): the sums differ by rounding (< 1e-14),
                # which a product with σ near 1 divides by 1 - σ on both sides.
                sigma = S._level_context(st, rows, members).sigma
                gap = np.abs(a["log_price_index"] - b["log_price_index"]) * np.abs(1.0 - sigma)
                assert gap.max() < 1e-14
                for o in set(a["diversion"]) | set(b["diversion"]):
                    x, y = a["diversion"].get(o, 0.0), b["diversion"].get(o, 0.0)
                    assert x == pytest.approx(y, rel=1e-12, abs=1e-12), (partner, level, o)


@pytest.mark.slow
def test_law_as_known_on_a_day_is_recorded():
    s = S.stakes("JPN", AS_OF, RECIP, ge=False, as_known_on=AS_OF)
    src = s.levels[0].figures["us_tariff_revenue_bn"].source
    assert f"as known on {AS_OF}" in src
    assert s.provenance["state_key"] != SS.state(AS_OF, "short-run").key


def test_base_from_disk_is_the_base_built(shared_data):
    # The shared part of every state (flows, their codes, the law on the PE and GE baseline dates,
    # the sorted PE rows) is stored once per law version and read back by a new process: the same
    # arrays, bit for bit, as building it again from the schedule and the flows.
    from tariffsim.models.pe_params import PEParams

    skey = SS.schedule_key()
    SS.clear_cache()
    SS.base(None, skey)  # built or read, and stored
    assert SS._base_path(None, skey).is_file()
    SS.clear_cache()
    read = SS.base(None, skey)
    built = SS._build_base(None)
    flow_fields = ("hs10", "origin", "v2024", "shares", "hs_int", "origin_names", "origin_code")
    for name in (*SS._BASE_FIELDS, *flow_fields):
        a, b = getattr(read, name), getattr(built, name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), name
        elif name == "shares":
            assert a.keys() == b.keys()
            assert all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)
        else:
            assert a == b, name
    key = (PEParams.sigma_min, PEParams.sigma_max)
    p_read, p_built = read.problems[key], built.problem(*key)
    assert all(np.array_equal(x, y) for x, y in zip(p_read[1:], p_built[1:], strict=True))
    for f in ("product", "origin", "v0", "t0", "groups", "products", "sigma_raw", "sigma_source"):
        x, y = getattr(p_read[0], f), getattr(p_built[0], f)
        assert x.dtype == y.dtype and np.array_equal(x, y), f


def test_hs10_strings_by_hand():
    # integer HTS10 codes back to the 10-digit strings, leading zeros kept; the schedule's
    # converter (schedule.compile.hs10_codes, the one string -> int) inverts it
    from tariffsim.schedule.compile import hs10_codes

    codes = np.array(["0101210010", "8703230190", "9903011000", "0000000001"], dtype="<U10")
    assert hs10_codes(codes).tolist() == [101210010, 8703230190, 9903011000, 1]
    back = SS.hs10_strings(hs10_codes(codes))
    assert back.dtype == np.dtype("<U10") and back.tolist() == codes.tolist()


def test_flows_2024_are_the_census_flows():
    # the stakes' flows (from disk in a later process) are default_flows' rows in its order:
    # codes, origins and values as default_flows gives them
    from tariffsim.duties.flows import default_flows

    f, ref = SS.flows_2024(), default_flows()
    assert np.array_equal(f.hs10, ref.hs10) and np.array_equal(f.origin, ref.origin)
    assert np.array_equal(f.value, ref.value_usd)
    assert np.array_equal(f.codes, np.asarray(ref.hs10).astype(np.int64))
    assert np.array_equal(f.origin_names[f.origin_code], ref.origin)
    SS._FLOWS.clear()  # read back from the cache file: the same arrays
    g = SS.flows_2024()
    assert g is not f and np.array_equal(g.hs10, f.hs10) and np.array_equal(g.origin, f.origin)
    assert np.array_equal(g.codes, f.codes) and np.array_equal(g.value, f.value)
