"""Outcome and fact rates checked against the project's law library (the schedule engine).

Expected values: the schedule's own parts for a good whose MFN rate is known. HTS 3926.90.99.90
(other plastic articles) has a 5.3% column-1 rate and is subject to the reciprocal duty, so a 15%
MFN-inclusive floor shows as a 9.7-point reciprocal part and a 20% add-on as a 20-point part.
HTS 8703.23.01.90 (passenger cars) carries the Section 232 car duty.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.negotiation import facts as F
from tariffsim.negotiation.outcomes import all_outcomes

PLASTIC = "3926909990"  # MFN 5.3%
CAR = "8703230190"


@pytest.fixture(scope="module")
def schedule():  # type: ignore[no-untyped-def]
    from tariffsim.schedule import load_schedule

    return load_schedule()


def _measure_part(parts: dict[str, float], measures: list[str]) -> float:
    auth = {"reciprocal": "ieepa_reciprocal", "fentanyl": "ieepa_fentanyl"}
    return sum(parts.get(auth[m], 0.0) for m in measures if m in auth)


@pytest.mark.parametrize("oid", [o.id for o in all_outcomes() if o.headline and o.headline.heading])
def test_headline_equals_the_law_library(schedule, oid: str) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in all_outcomes() if x.id == oid)
    h = o.headline
    assert h is not None and h.effective is not None
    day = h.effective + dt.timedelta(days=14)
    r = schedule.rate(o.partner, PLASTIC, day)
    parts = r.by_authority()
    got = _measure_part(parts, list(h.measures))
    if h.form == "floor":
        assert parts["mfn"] + got == pytest.approx(h.rate), (oid, parts)
    else:
        assert got == pytest.approx(h.rate), (oid, parts)


@pytest.mark.parametrize("oid", [o.id for o in all_outcomes() if o.auto_rate() is not None])
def test_car_rate_equals_the_law_library(schedule, oid: str) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in all_outcomes() if x.id == oid)
    car = next(s for s in o.sectoral if s.sector == "autos")
    assert car.effective is not None
    r = schedule.rate(o.partner, CAR, car.effective + dt.timedelta(days=14))
    assert r.total_rate == pytest.approx(o.auto_rate()), (oid, r.nonzero)


@pytest.mark.parametrize(
    "partner",
    [
        "JPN",
        "EU",
        "KOR",
        "VNM",
        "IDN",
        "PHL",
        "MYS",
        "KHM",
        "THA",
        "CHE",
        "TWN",
        "IND",
        "GBR",
        "CHN",
    ],
)
def test_reciprocal_in_force_equals_the_law_library(schedule, partner: str) -> None:  # type: ignore[no-untyped-def]
    """The facts' rate in force (as known in March 2026) = the library's part, on the 1st and 15th
    of each month from April 2025 to February 2026, for a zero-MFN good."""
    days = [dt.date(2025, 4, 9)]  # the single day the Annex I rates applied
    for y, m in [(2025, k) for k in range(4, 13)] + [(2026, 1), (2026, 2)]:
        days += [dt.date(y, m, 1), dt.date(y, m, 15)]
    n = 0
    for day in days:
        parts = schedule.rate(partner, "9503000073", day, basis="flows").by_authority()
        cur = F.rates_in_force(partner, day, known_on="2026-03-01")
        for m, auth in (("reciprocal", "ieepa_reciprocal"), ("fentanyl", "ieepa_fentanyl")):
            want = parts.get(auth, 0.0)
            got = cur[m].rate if m in cur else 0.0
            assert got == pytest.approx(want), (partner, day, m, got, want)
        n += 1
    assert n >= 20


@pytest.mark.parametrize("partner", ["GBR", "JPN", "EU", "KOR"])
def test_car_rate_in_force_equals_the_law_library(schedule, partner: str) -> None:  # type: ignore[no-untyped-def]
    """The facts' Section 232 car rate (total incl. MFN, as known in 2026) = the library's total."""
    for day in ["2025-04-10", "2025-07-15", "2025-08-15", "2025-10-01", "2025-12-01"]:
        want = schedule.rate(partner, CAR, day, basis="flows").total_rate
        got = F.rate_in_force(partner, day, ["s232_autos"], known_on="2026-01-01")
        assert got == pytest.approx(want), (partner, day)


AUTO_PART = "87082100"  # a listed Section 232 auto part (bumpers); MFN 2.5%


@pytest.mark.parametrize(
    "oid",
    [
        o.id
        for o in all_outcomes()
        if any(s.sector == "auto_parts" and s.rate is not None and s.effective for s in o.sectoral)
    ],
)
def test_auto_parts_rate_equals_the_law_library(schedule, oid: str) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in all_outcomes() if x.id == oid)
    s = next(x for x in o.sectoral if x.sector == "auto_parts")
    assert s.effective is not None and s.rate is not None
    r = schedule.rate(o.partner, AUTO_PART, s.effective + dt.timedelta(days=14))
    assert r.total_rate == pytest.approx(s.rate), (oid, r.nonzero)


_OTHER = {"reciprocal": "ieepa_reciprocal", "fentanyl": "ieepa_fentanyl"}


@pytest.mark.parametrize(
    ("oid", "measure", "day"),
    [
        ("chn-2025-05-12-geneva", "reciprocal", "2025-05-28"),
        ("chn-2025-05-12-geneva", "fentanyl", "2025-05-28"),
        ("chn-2025-10-30-busan", "fentanyl", "2025-11-24"),
        ("chn-2025-10-30-busan", "reciprocal", "2025-11-24"),
        ("ind-2026-02-02", "russia_oil", "2026-02-10"),
    ],
)
def test_other_rates_equal_the_law_library(schedule, oid: str, measure: str, day: str) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in all_outcomes() if x.id == oid)
    want = next(r.rate for r in o.other_rates if r.measure == measure)
    r = schedule.rate(o.partner, "9503000073", day)
    got = (
        r.by_authority().get(_OTHER[measure], 0.0)
        if measure in _OTHER
        else r.nonzero.get("ieepa_india", 0.0)
    )
    assert got == pytest.approx(want), (oid, measure, r.nonzero)
