"""A new measure is one file: measure sets, the derived order, shared rate tables, per-origin
histories — on a copy of the US library and on the synthetic one.

Expected rates: Vietnamese toys 9503.00.00.90 pay MFN Free (HTS 2025 basic 9503.00.00) and, from
7 Aug 2025, the 20% reciprocal duty (EO 14326 Annex I, 9903.02.69); the throwaway Section 232
measure charges 25% from 15 Aug 2025. The synthetic library's numbers are in
``tariffsim.schedule.testing`` (hand computations in tests/unit/test_schedule_engine.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.schedule import load_schedule, testing
from tariffsim.schedule.loader import US_ROOT, load_library
from tariffsim.schedule.schema import Reform

TOY = "9503000090"

THROWAWAY = """\
id: s232_toys_test
title: A throwaway Section 232 duty on toys (for the test only; not law)
authority: s232
member_of: [s232_subject]
scope:
  origins: ["*"]
  exclude_origins: [USA]
  products: ["9503"]
values:
  - start: 2025-08-15
    rate: 0.25
    heading: "9903.99.99"
    reference: "hypothetical proclamation (test)"
"""


def _us_copy(tmp_path: Path, **measures: str) -> Path:
    root = tmp_path / "us"
    shutil.copytree(US_ROOT, root, ignore=shutil.ignore_patterns("cases", "__pycache__"))
    for mid, text in measures.items():
        (root / "measures" / f"{mid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def with_toys(tmp_path_factory: pytest.TempPathFactory):
    return load_schedule(
        root=_us_copy(tmp_path_factory.mktemp("lib"), s232_toys_test=THROWAWAY), cache=False
    )


def test_a_new_s232_measure_is_one_file(with_toys) -> None:
    # the day before: the reciprocal duty alone
    before = with_toys.rate("VNM", TOY, dt.date(2025, 8, 14))
    assert before.nonzero == {"ieepa_reciprocal": pytest.approx(0.20)}
    # from its start the new measure applies and, being in s232_subject, the reciprocal does not
    on = with_toys.rate("VNM", TOY, dt.date(2025, 8, 15))
    assert on.nonzero == {"s232_toys_test": pytest.approx(0.25)}
    recip = next(p for p in on.parts if p.id == "ieepa_reciprocal")
    assert recip.rate == 0.0 and "does not stack with s232_toys_test" in (recip.note or "")
    # nor do Brazil's duty (EO 14323: 40% on top of the 10%), China's reciprocal, or Section 122
    bra = with_toys.rate("BRA", TOY, dt.date(2025, 9, 1)).nonzero
    assert "ieepa_brazil" not in bra and "ieepa_reciprocal" not in bra
    s122 = with_toys.rate("VNM", TOY, dt.date(2026, 3, 2)).nonzero
    assert s122 == {"s232_toys_test": pytest.approx(0.25)}
    # the compiled arrays agree
    c = with_toys.compile(np.array([TOY, TOY]), np.array(["VNM", "BRA"]), dt.date(2025, 9, 1))
    assert c.total[0, 0] == pytest.approx(0.25)
    # it is evaluated before every measure that excludes its set
    ids = with_toys.measure_ids
    assert ids.index("s232_toys_test") < ids.index("ieepa_reciprocal")
    assert ids.index("s232_toys_test") < ids.index("s122_surcharge")


def test_forgetting_member_of_fails_the_loader(tmp_path: Path) -> None:
    text = THROWAWAY.replace("member_of: [s232_subject]\n", "")
    with pytest.raises(InputError) as e:
        load_library(_us_copy(tmp_path, s232_toys_test=text))
    msg = str(e.value)
    assert msg.startswith("measures/s232_toys_test.yaml:3: authority: a s232 measure in no set")
    assert "member_of: [s232_subject]" in msg and "content_based:" in msg


def test_content_based_measure_lets_the_others_stack(tmp_path: Path) -> None:
    text = THROWAWAY.replace(
        "member_of: [s232_subject]\n",
        "content_based: the duty is on a part of the value only (test)\n",
    )
    s = load_schedule(root=_us_copy(tmp_path, s232_toys_test=text), cache=False)
    r = s.rate("VNM", TOY, dt.date(2025, 9, 1))
    assert r.nonzero == {"s232_toys_test": pytest.approx(0.25), "ieepa_reciprocal": 0.2}
    # a member of the set cannot also be content-based
    both = THROWAWAY.replace(
        "member_of: [s232_subject]\n", "member_of: [s232_subject]\ncontent_based: x\n"
    )
    with pytest.raises(InputError, match="is not content-based"):
        load_library(_us_copy(tmp_path / "b", s232_toys_test=both))


def test_unknown_sets_and_members_are_errors(tmp_path: Path) -> None:
    bad = THROWAWAY.replace("[s232_subject]", "[s232_subjects]")
    with pytest.raises(InputError) as e:
        load_library(_us_copy(tmp_path, s232_toys_test=bad))
    assert str(e.value).startswith(
        "measures/s232_toys_test.yaml:4: member_of[0]: unknown measure set 's232_subjects'"
    )
    rec = (US_ROOT / "measures" / "ieepa_india.yaml").read_text()
    bad = rec.replace("{set: s232_subject}", "{set: s232_subject, except: [s301_china]}")
    with pytest.raises(InputError, match="'s301_china' is not a member of set 's232_subject'"):
        load_library(_us_copy(tmp_path / "b", ieepa_india=bad))


def test_us_order_puts_each_measure_after_those_it_names() -> None:
    s = load_schedule()
    rules = s.rules
    for m in rules.measures:
        named = {*m.excluded_by, *m.floor_base}
        for v in m.values:
            named |= set(v.excluded_by or ())
        assert all(j < m.index for j in named), m.id
    spec = s.spec
    # the Section 232 set the IEEPA and Section 122 duties exclude: 26 measures (16 + the issue-11
    # measures: four entry conditions (Mexico melt/smelt, Ukraine certificate, quota contracts), the USMCA
    # vehicle and truck content, the 2026 metals (16(c)(xi), U.S. metal x2, equipment parts)), every s232 one
    # but the copper-content duty and the civil-aircraft exemptions (rate 0), which say why in content_based
    members = sorted(m.id for m in spec.measures.values() if "s232_subject" in m.member_of)
    s232 = sorted(m.id for m in spec.measures.values() if m.authority == "s232")
    outside = set(s232) - set(members)
    assert {m for m in outside if not m.startswith("civil_aircraft_")} == {
        "s232_copper_derivatives"
    }
    assert (
        len(outside) == 7
    )  # + civil_aircraft_metals, _copper, _metals_taiwan (lines and _claimed)
    assert all(spec.measures[m].content_based for m in outside)
    assert len(members) == 26


def test_shared_tables_follow_their_sources() -> None:
    """ieepa_reciprocal_metal_derivatives charges, per origin, what the reciprocal measures charge.

    Vietnam from 7 Aug 2025: 20% (EO 14326); EU: the 15% all-in floor of ieepa_reciprocal_eu; a
    reform of Vietnam's rate in ieepa_reciprocal reaches the derivative measure too.
    """
    s = load_schedule()
    rules = s.rules
    m = rules.measures[rules.ids["ieepa_reciprocal_metal_derivatives"]]
    day = (dt.date(2025, 9, 1) - dt.date(1970, 1, 1)).days
    v = m.values[m.value_index(day)]
    assert v.rule_for("VNM").add == pytest.approx(0.20)
    assert v.rule_for("DEU").floor == pytest.approx(0.15)
    assert v.rule_for("DEU").heading == "9903.02.20"
    assert v.rule_for("CAN") is None  # no source covers Canada
    # the pause: VNM 46% suspended to 10% on 2025-05-01 (the reciprocal's suspension)
    day = (dt.date(2025, 5, 1) - dt.date(1970, 1, 1)).days
    act = [x for x in m.suspensions if x.start <= day < x.end and x.covers("VNM")]
    assert act and act[-1].rule.add == pytest.approx(0.10)
    # the EU pause comes from the EU file, not twice
    assert sum(x.covers("DEU") for x in m.suspensions if x.start <= day < x.end) == 1
    reform = Reform.from_yaml(
        "change:\n  ieepa_reciprocal:\n    set_rate:\n"
        "      - {origin: VNM, start: 2025-09-01, rate: 0.3, reference: hypothetical}\n",
        name="vnm.yaml",
    )
    new = s.apply_reform(reform)
    nm = new.rules.measures[new.rules.ids["ieepa_reciprocal_metal_derivatives"]]
    day = (dt.date(2025, 9, 1) - dt.date(1970, 1, 1)).days
    assert nm.values[nm.value_index(day)].rule_for("VNM").add == pytest.approx(0.30)
    assert nm.values[nm.value_index(day - 1)].rule_for("VNM").add == pytest.approx(0.20)


# --- synthetic library: rates_from, rates_by_origin ----------------------------------------------

DERIVED = """\
id: derived
title: Reciprocal rates again on wine (synthetic rates_from)
authority: ieepa_reciprocal
scope:
  origins: ["*"]
  products: ["2204"]
excluded_by: [s232]
rates_from: [reciprocal]
values:
  - {start: 2025-10-01, rate: null, reference: "ends (synthetic)"}
"""


def test_rates_from_and_histories_synthetic(tmp_path: Path) -> None:
    measures = dict(testing.MEASURES, derived=DERIVED)
    measures["reciprocal"] = measures["reciprocal"].replace(
        "excluded_by: [s232]",
        "excluded_by: [s232]\n"
        "rates_by_origin:\n"
        "  BRA: {2025-06-01: 0.30, 2025-09-01: inherit}\n"
        "  EU: {2025-08-07: {rate: 0.05, reference: 'EU deal (synthetic)'}}\n"
        "  CHN: {2025-08-07: null}\n",
    )
    s = testing.load(tmp_path, measures=measures)
    d = dt.date

    def recip(o: str, day: dt.date) -> float:
        return s.rate(o, "6110200000", day).nonzero.get("reciprocal", 0.0)

    # BRA: 30% from 1 Jun, but the pause (a suspension of every origin's rate but China's, to
    # 7 Aug) still applies to it: 10% until 6 Aug, 30% from 7 Aug, the values' 10% from 1 Sep
    assert recip("BRA", d(2025, 6, 1)) == pytest.approx(0.10)
    assert recip("BRA", d(2025, 8, 7)) == pytest.approx(0.30)
    assert recip("BRA", d(2025, 9, 1)) == pytest.approx(0.10)
    # EU group key beats the values' DEU key (22%) and EU floor; CHN pays nothing from 7 Aug
    assert recip("DEU", d(2025, 8, 7)) == pytest.approx(0.05)
    assert recip("CHN", d(2025, 8, 6)) == pytest.approx(0.34)
    assert recip("CHN", d(2025, 8, 7)) == 0.0
    # derived follows reciprocal (with its histories) and stops on its own date
    for o, day, want in [
        ("BRA", d(2025, 8, 7), 0.30),
        ("DEU", d(2025, 8, 7), 0.05),
        ("JPN", d(2025, 4, 9), 0.24),
        ("JPN", d(2025, 4, 10), 0.10),  # the pause (reciprocal's suspension)
        ("BRA", d(2025, 10, 1), 0.0),
    ]:
        r = s.rate(o, "2204210000", day).nonzero.get("derived", 0.0)
        assert r == pytest.approx(want), (o, day)
    # both evaluators agree on every change day
    days = [d(2025, 4, 9), d(2025, 4, 10), d(2025, 6, 1), d(2025, 8, 7), d(2025, 9, 1)]
    orgs = ["BRA", "DEU", "JPN", "CHN", "FRA"]
    hs = np.array(["2204210000"] * len(orgs))
    c = s.compile(hs, np.array(orgs), d(2025, 4, 1), d(2025, 10, 2))
    for day in days:
        i = int(c.segment_index(np.array([day], dtype="datetime64[D]"))[0])
        for j, o in enumerate(orgs):
            assert c.total[i, j] == pytest.approx(s.rate(o, "2204210000", day).total_rate)


def test_rates_from_errors(tmp_path: Path) -> None:
    bad = DERIVED.replace("rates_from: [reciprocal]", "rates_from: [reciprocl]")
    with pytest.raises(InputError) as e:
        testing.load(tmp_path, measures=dict(testing.MEASURES, derived=bad))
    assert str(e.value).startswith("measures/derived.yaml:8: rates_from[0]: unknown measure")
    bad = DERIVED.replace(
        '  - {start: 2025-10-01, rate: null, reference: "ends (synthetic)"}',
        '  - {start: 2025-10-01, rate: 0.1, reference: "x"}',
    )
    with pytest.raises(InputError, match="may only stop the measure"):
        testing.load(tmp_path / "b", measures=dict(testing.MEASURES, derived=bad))
    loop = DERIVED.replace("rates_from: [reciprocal]", "rates_from: [derived2]")
    loop2 = DERIVED.replace("id: derived", "id: derived2").replace(
        "rates_from: [reciprocal]", "rates_from: [derived]"
    )
    with pytest.raises(InputError, match="rates_from cycle"):
        testing.load(tmp_path / "c", measures=dict(testing.MEASURES, derived=loop, derived2=loop2))


# --- finer reform operations -----------------------------------------------------------------------


@pytest.fixture()
def base(tmp_path: Path):
    return testing.load(tmp_path / "lib")


def test_set_rate_with_and_without_end(base) -> None:
    reform = Reform.from_yaml(
        """\
title: two origins
change:
  reciprocal:
    set_rate:
      - {origin: JPN, start: 2025-09-01, end: 2025-10-01, rate: 0.30, reference: "test"}
      - {origin: BRA, start: 2025-09-01, floor: 0.40, reference: "test"}
""",
        name="two.yaml",
    )
    new = base.apply_reform(reform)
    d = dt.date
    sweater = "6110200000"  # MFN 16.5% (2025), 16% (2026) in the synthetic data; JP special Free
    # JPN: 15% floor (JP Free) before, 30% during [1 Sep, 1 Oct), the floor again after
    jp = {"claim": "japan"}
    assert new.rate("JPN", sweater, d(2025, 8, 31), **jp).total_rate == pytest.approx(0.15)
    assert new.rate("JPN", sweater, d(2025, 9, 30), **jp).total_rate == pytest.approx(0.30)
    assert new.rate("JPN", sweater, d(2025, 10, 1), **jp).total_rate == pytest.approx(0.15)
    # BRA: all-in 40% from 1 Sep (24.5% on top of 16.5%) until the measure stops (24 Feb 2026)
    assert new.rate("BRA", sweater, d(2025, 9, 1)).total_rate == pytest.approx(0.40)
    assert new.rate("BRA", sweater, d(2026, 2, 24)).total_rate == pytest.approx(0.16)
    # others and the baseline unchanged
    assert new.rate("FRA", sweater, d(2025, 9, 1)).total_rate == pytest.approx(
        base.rate("FRA", sweater, d(2025, 9, 1)).total_rate
    )
    assert base.rate("BRA", sweater, d(2025, 9, 1)).total_rate == pytest.approx(0.265)
    assert new.reform == "two origins"


def test_insert_remove_values_and_add_exclusions(base) -> None:
    reform = Reform.from_yaml(
        """\
change:
  s232_steel:
    insert_values:
      - {start: 2025-05-01, rate: 0.30, reference: "test"}
    remove_values: [2025-06-04]
  reciprocal:
    add_exclude_products: ["6110"]
"""
    )
    new = base.apply_reform(reform)
    d = dt.date
    # steel: 25% (S1) → 30% from 1 May, and the 50% of 4 Jun removed (30% continues)
    assert new.rate("BRA", "7208100000", d(2025, 4, 30)).nonzero == {"s232_steel": 0.25}
    assert new.rate("BRA", "7208100000", d(2025, 7, 1)).nonzero == {"s232_steel": 0.30}
    # the sweater no longer pays the reciprocal duty; everything else in its scope still does
    assert new.rate("BRA", "6110200000", d(2025, 9, 1)).nonzero == {"mfn": 0.165}
    assert new.rate("BRA", "8703230190", d(2025, 9, 1)).nonzero.get("reciprocal") is None
    with pytest.raises(InputError, match="has no value starting on 2025-01-01"):
        base.apply_reform(
            Reform.from_yaml("change:\n  s232_steel:\n    remove_values: [2025-01-01]\n")
        )


def test_old_fields_are_refused_with_a_hint(base) -> None:
    with pytest.raises(InputError) as e:
        Reform.from_yaml(
            "change:\n  s232_steel:\n    append_values:\n      - {start: 2025-05-01, rate: 0.3, "
            "reference: x}\n",
            name="old.yaml",
        )
    assert str(e.value).startswith("old.yaml:3: change.s232_steel.append_values: `append_values:`")
    assert "insert_values" in str(e.value)
    with pytest.raises(InputError, match=r"old.yaml:5: add\[0\].order: `order:` is no longer"):
        Reform.from_yaml(
            "add:\n  - id: x\n    title: x\n    authority: s232\n    order: 95\n"
            "    scope: {products: ['01']}\n    values: [{start: 2025-01-01, rate: 0.1, "
            "reference: x}]\n",
            name="old.yaml",
        )


def test_reform_may_add_lists_and_sets(base) -> None:
    reform = Reform.from_yaml(
        """\
lists:
  toys_later:
    items: [{prefix: "6110", start: 2025-09-01}]
    reference: "test list"
change:
  reciprocal:
    add_exclude_products: [{list: toys_later}]
"""
    )
    new = base.apply_reform(reform)
    d = dt.date
    assert new.rate("BRA", "6110200000", d(2025, 8, 31)).nonzero["reciprocal"] == pytest.approx(
        0.10
    )
    assert "reciprocal" not in new.rate("BRA", "6110200000", d(2025, 9, 1)).nonzero


# --- publication dates -------------------------------------------------------------------------

UNPUBLISHED_LIMIT = 20
"""Values and suspensions of the US library without a ``published`` date on 2026-12-03 (14 values,
6 suspensions; 34 before the law families of December 2026 gave theirs): the law as known on a day
takes them as known from their legal start. The number may only go down — a new value states when
it was published."""


def test_publication_dates_are_audited() -> None:
    from tariffsim.schedule.loader import unpublished

    missing = unpublished(load_library())
    assert len(missing) <= UNPUBLISHED_LIMIT, (
        "values without `published:` (give the day the instrument was published):\n"
        + "\n".join(missing)
    )
