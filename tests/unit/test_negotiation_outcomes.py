"""Outcome files (tariffsim.negotiation.outcomes): strict loading and the no-look-ahead rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.core.errors import InputError
from tariffsim.negotiation import facts as F
from tariffsim.negotiation.outcomes import all_outcomes, known_outcomes, load_outcome_file

DEALS = {
    "gbr-2025-05-08", "chn-2025-05-12-geneva", "vnm-2025-07-02", "idn-2025-07-15",
    "phl-2025-07-22", "jpn-2025-07-22", "eu-2025-07-27", "kor-2025-07-30", "mys-2025-07-31",
    "khm-2025-07-31", "tha-2025-07-31", "chn-2025-10-30-busan", "che-2025-11-14",
    "twn-2026-01-15", "ind-2026-02-02",
}  # fmt: skip
IMPASSES = {"can-impasse", "mex-impasse", "bra-impasse"}


def test_all_outcome_files_load() -> None:
    o = {x.id: x for x in all_outcomes()}
    assert set(o) == DEALS | IMPASSES
    assert all(o[i].kind == "deal" and o[i].headline is not None for i in DEALS)
    assert all(o[i].kind == "impasse" and o[i].impasse is not None for i in IMPASSES)


@pytest.mark.parametrize(
    ("oid", "rate", "form", "announced"),
    [
        # the headline as each deal names it (see the sources in each file)
        ("gbr-2025-05-08", 0.10, "add_on", "2025-05-08"),
        ("chn-2025-05-12-geneva", 0.30, "add_on", "2025-05-12"),
        ("vnm-2025-07-02", 0.20, "add_on", "2025-07-02"),
        ("idn-2025-07-15", 0.19, "add_on", "2025-07-15"),
        ("phl-2025-07-22", 0.19, "add_on", "2025-07-22"),
        ("jpn-2025-07-22", 0.15, "floor", "2025-07-22"),
        ("eu-2025-07-27", 0.15, "floor", "2025-07-27"),
        ("kor-2025-07-30", 0.15, "floor", "2025-07-30"),
        ("mys-2025-07-31", 0.19, "add_on", "2025-07-31"),
        ("chn-2025-10-30-busan", 0.20, "add_on", "2025-10-30"),
        ("che-2025-11-14", 0.15, "floor", "2025-11-14"),
        ("twn-2026-01-15", 0.15, "floor", "2026-01-15"),
        ("ind-2026-02-02", 0.18, "add_on", "2026-02-02"),
    ],
)
def test_headlines(oid: str, rate: float, form: str, announced: str) -> None:
    o = {x.id: x for x in all_outcomes()}[oid]
    assert o.headline is not None
    assert (o.headline.rate, o.headline.form) == (rate, form)
    assert o.concluded == dt.date.fromisoformat(announced)


def test_headline_measures_match_the_facts_definition() -> None:
    for o in all_outcomes():
        if o.headline is not None:
            assert tuple(o.headline.measures) == F.headline_measures(o.partner)[
                : len(o.headline.measures)
            ] or (set(o.headline.measures) <= set(F.headline_measures(o.partner))), o.id


def test_japan_pledges() -> None:
    o = {x.id: x for x in all_outcomes()}["jpn-2025-07-22"]
    inv = o.pledges.investment[0]
    assert inv.amount_usd_bn == 550 and inv.selects_projects == "US"
    assert {p.category for p in o.pledges.purchases} == {"agriculture", "aircraft", "defence"}
    assert o.auto_rate() == 0.15


@settings(max_examples=80, deadline=None)
@given(day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_known_outcomes_never_shows_a_deal_on_or_after_as_of(day: dt.date) -> None:
    for o in known_outcomes(day):
        assert o.kind == "deal" and o.concluded is not None and o.concluded < day
        for x in [*o.sectoral, *o.other_rates, *o.partner_concessions, *o.dates.instruments]:
            assert x.date is None or x.date < day
        for x in [*o.pledges.investment, *o.pledges.purchases]:
            assert x.date is None or x.date < day
        assert o.dates.signed is None or o.dates.signed < day


def test_known_outcomes_boundaries() -> None:
    assert known_outcomes("2025-05-08") == []  # strictly before: the UK deal is not yet known
    assert [o.id for o in known_outcomes("2025-05-09")] == ["gbr-2025-05-08"]
    jpn = next(o for o in known_outcomes("2025-08-01") if o.partner == "JPN")
    assert jpn.dates.signed is None  # signed 4 Sep
    assert {i.name for i in jpn.dates.instruments} == {"White House fact sheet"}


def test_bad_outcome_file_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "x-deal.yaml"
    p.write_text(
        "id: x-deal\npartner: JPN\nname: Japan\nkind: deal\ntitle: t\n"
        "dates: {announced: 2025-07-22}\n"
        "headline: {rate: 0.15, form: all_in, source: [eo14345]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"x-deal\.yaml:7: headline\.form"):
        load_outcome_file(p)
    p.write_text(
        "id: other\npartner: JPN\nname: Japan\nkind: deal\ntitle: t\n"
        "dates: {announced: 2025-07-22}\nheadline: {rate: 0.15, form: floor, source: [eo14345]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="differs from the file name"):
        load_outcome_file(p)
