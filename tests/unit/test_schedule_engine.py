"""Engine semantics on the synthetic library of ``tariffsim.schedule.testing``.

Every expected value is computed by hand from the synthetic files (their rates are invented to be
easy to check, see that module): MFN rates from ``MFN_ROWS``, special rates from ``SPECIAL_ROWS``,
USMCA shares from ``USMCA_ROWS``, measure values from ``MEASURES``.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from tariffsim.core.errors import InputError, UnknownCountryError
from tariffsim.schedule import testing


@pytest.fixture(scope="module")
def sched(tmp_path_factory: pytest.TempPathFactory):
    return testing.load(tmp_path_factory.mktemp("lib"))


def parts(r) -> dict[str, float]:
    return {p.id: round(p.rate, 12) for p in r.parts if p.rate != 0.0}


def test_additive_stacking_and_share_weighting(sched) -> None:
    # A trade flow: MEX cars 8703.23.01.90 on 2025-05-01, USMCA share 0.8 (USMCA_ROWS):
    # MFN 2.5% on the non-USMCA 20% (S special rate is Free) = 0.005; s232 autos 25%;
    # fentanyl 25% × non-USMCA share 0.2 = 0.05. Total 0.305.
    r = sched.rate("MEX", "8703230190", dt.date(2025, 5, 1), basis="flows")
    assert parts(r) == {"mfn": 0.005, "s232_autos": 0.25, "fentanyl": 0.05}
    assert r.total_rate == pytest.approx(0.305, abs=1e-12)
    assert r.total_rate == pytest.approx(sum(p.rate for p in r.parts), abs=1e-15)
    # One entry never blends: without a claim MFN 2.5% + 25% + fentanyl 25% = 52.5%; claimed
    # under USMCA the S rate (Free) and no fentanyl duty: 25%
    r = sched.rate("MEX", "8703230190", dt.date(2025, 5, 1))
    assert parts(r) == {"mfn": 0.025, "s232_autos": 0.25, "fentanyl": 0.25} and r.claim is None
    assert [(o.claim, round(o.total_rate, 12)) for o in r.claims] == [
        (None, 0.525),
        ("usmca", 0.25),
    ]
    r = sched.rate("MEX", "8703230190", dt.date(2025, 5, 1), claim="S")
    assert parts(r) == {"s232_autos": 0.25} and r.claim == "usmca"


def test_usmca_share_of_a_25pct_duty(sched) -> None:
    # CAN sweaters 6110.20.00.00 as a flow, USMCA share 0.6: fentanyl 25% × 0.4 = 10%; MFN 16.5% ×
    # 0.4 = 6.6%.
    r = sched.rate("CAN", "6110200000", "2025-03-04", basis="flows")
    assert parts(r) == {"mfn": 0.066, "fentanyl": 0.1}
    # the day before the fentanyl duty starts: MFN only
    assert sched.rate("CAN", "6110200000", "2025-03-03", basis="flows").total_rate == pytest.approx(
        0.066
    )
    # an explicit share overrides the data: USMCA share 0 -> full 25%
    assert parts(
        sched.rate("CAN", "6110200000", "2025-03-04", shares={"usmca": 0.0}, basis="flows")
    ) == {"mfn": 0.165, "fentanyl": 0.25}
    # an entry declaring a share is rated with it (a blended entry, on request)
    assert parts(sched.rate("CAN", "6110200000", "2025-03-04", shares={"usmca": 0.6})) == {
        "mfn": 0.066,
        "fentanyl": 0.1,
    }


def test_metal_content_share(sched) -> None:
    # JPN excavators 8429.52.10.10 (MFN Free) as a flow, steel share 0.2 (METAL_ROWS): from
    # 2025-06-04 the derivative duty is 50% × 0.2 = 10% and, being s232, it excludes the reciprocal.
    flows = {"basis": "flows"}
    assert sched.rate("JPN", "8429521010", "2025-06-03", **flows).nonzero == {"reciprocal": 0.1}
    assert sched.rate("JPN", "8429521010", "2025-06-04", **flows).nonzero == {
        "s232_derivatives": 0.1
    }
    c = sched.compile(["8429521010"], ["JPN"], "2025-06-03", "2025-06-05")
    assert c.total[:, 0] == pytest.approx([0.1, 0.1])
    assert c.by_authority["s232"][:, 0] == pytest.approx([0.0, 0.1])
    assert any("BEA input-output cost shares" in f for f in c.flags)
    # one entry: the steel value as declared (40% → 20%), by default the whole value (50%, flagged)
    r = sched.rate("JPN", "8429521010", "2025-06-04", shares={"steel_content": 0.4})
    assert r.nonzero == {"s232_derivatives": pytest.approx(0.2)} and not r.flags
    r = sched.rate("JPN", "8429521010", "2025-06-04")
    assert r.nonzero == {"s232_derivatives": 0.5}
    assert r.flags and "whole value is steel content" in r.flags[0]
    e = sched.compile(["8429521010"], ["JPN"], "2025-06-04", basis="entry")
    assert e.total[0, 0] == pytest.approx(0.5) and "whole value" in e.flags[0]


def test_excluded_by_does_not_stack(sched) -> None:
    # JPN car on 2025-04-05: s232 autos 25% applies, so the reciprocal 10% (excluded_by: [s232]) is 0.
    r = sched.rate("JPN", "8703230190", "2025-04-05")
    assert parts(r) == {"mfn": 0.025, "s232_autos": 0.25}
    assert r.total_rate == pytest.approx(0.275)
    recip = next(p for p in r.parts if p.id == "reciprocal")
    assert recip.rate == 0.0 and "does not stack with s232_autos" in recip.note


def test_floors_include_mfn(sched) -> None:
    # JPN car from 2025-09-16: floor 15% incl. MFN 2.5% -> s232 part 12.5%, total 15%.
    r = sched.rate("JPN", "8703230190", "2025-09-20")
    assert parts(r) == {"mfn": 0.025, "s232_autos": 0.125}
    assert r.total_rate == pytest.approx(0.15)
    assert "floor 15%" in next(p for p in r.parts if p.id == "s232_autos").note
    # FRA wooden furniture (MFN 2.5%) under the EU 15% floor from 2025-08-07: +12.5%
    assert parts(sched.rate("FRA", "9403608081", "2025-08-07")) == {
        "mfn": 0.025,
        "reciprocal": 0.125,
    }
    # FRA men's sweater (MFN 20% >= 15%): floor adds nothing
    assert parts(sched.rate("FRA", "6110200010", "2025-08-07")) == {"mfn": 0.2}


def test_suspension_half_open_boundaries(sched) -> None:
    # JPN sweater (JP special rate Free): 24% on 2025-04-09; paused to 10% over [2025-04-10, 2025-08-07);
    # the 15% floor from 2025-08-07 (MFN 0 under JP -> +15%).
    expect = {
        "2025-04-08": 0.10,  # baseline 10% from 2025-04-05
        "2025-04-09": 0.24,
        "2025-04-10": 0.10,
        "2025-08-06": 0.10,
        "2025-08-07": 0.15,
    }
    for day, want in expect.items():
        got = sched.rate("JPN", "6110200000", day, claim="JP").total_rate
        assert got == pytest.approx(want), day
    note = next(
        p
        for p in sched.rate("JPN", "6110200000", "2025-04-10", claim="japan").parts
        if p.id == "reciprocal"
    ).note
    assert note == "suspended 24% → 10% (EO P §4)"
    # China is not paused: 16.5% MFN + 10% fentanyl + 34% reciprocal
    assert sched.rate("CHN", "6110200000", "2025-04-10").total_rate == pytest.approx(0.605)


def test_per_origin_rates_with_default(sched) -> None:
    # steel: 25% for everyone from 2025-03-12; from 2025-06-04 GBR 25%, "*" 50%.
    assert sched.rate("BRA", "7208100000", "2025-06-03").nonzero == {"s232_steel": 0.25}
    assert sched.rate("BRA", "7208100000", "2025-06-04").nonzero == {"s232_steel": 0.5}
    assert sched.rate("GBR", "7208100000", "2025-06-04").nonzero == {"s232_steel": 0.25}
    # BRA sweater on 2025-04-09 pays the "*" 10%
    assert sched.rate("BRA", "6110200000", "2025-04-09").total_rate == pytest.approx(0.265)


def test_groups_and_iso3_precedence(sched) -> None:
    # On 2025-04-09 the EU key gives 20%, but DEU is named (22%): ISO3 beats the group.
    assert sched.rate("FRA", "6110200000", "2025-04-09").total_rate == pytest.approx(0.365)
    assert sched.rate("DEU", "6110200000", "2025-04-09").total_rate == pytest.approx(0.385)
    r = sched.rate("EU", "6110200000", "2025-04-09")
    assert r.members is not None and len(r.members) == 27
    assert r.members["DEU"] == pytest.approx(0.385) and r.members["FRA"] == pytest.approx(0.365)
    assert "differ" in r.notes[0]
    same = sched.rate("European Union", "6110200010", "2025-08-07")
    assert same.origin == "EU" and same.notes == ("equal for all 27 members of EU",)
    assert same.total_rate == pytest.approx(0.2)


def test_list_membership_starting_mid_range(sched) -> None:
    # auto parts list item 8708 starts 2025-05-03: JPN body part pays the paused 10% reciprocal the
    # day before, then s232 25% (and no reciprocal) from that day.
    assert sched.rate("JPN", "8708299000", "2025-05-02").nonzero == {
        "mfn": 0.025,
        "reciprocal": 0.1,
    }
    assert sched.rate("JPN", "8708299000", "2025-05-03").nonzero == {
        "mfn": 0.025,
        "s232_autos": 0.25,
    }
    c = sched.compile(["8708299000"], ["JPN"], "2025-05-01", "2025-05-06")
    assert [str(b) for b in c.breaks] == ["2025-05-01", "2025-05-03"]
    assert c.total[:, 0] == pytest.approx([0.125, 0.275])


def test_exclusions_stops_and_editions(sched) -> None:
    # Annex II (8471) is excluded from reciprocal: CHN laptop pays fentanyl 10% only
    assert sched.rate("CHN", "8471300100", "2025-05-01").nonzero == {"fentanyl": 0.1}
    # the fentanyl value with rate null stops the measure on 2025-11-10
    assert sched.rate("CHN", "6110200000", "2025-11-10").total_rate == pytest.approx(0.505)
    # reciprocal stops 2026-02-24: the JPN sweater claimed under the Japan agreement is duty-free
    # again; without the claim it pays the 2026 general rate, 16%
    assert sched.rate("JPN", "6110200000", "2026-02-24", claim="JP").total_rate == 0.0
    assert sched.rate("JPN", "6110200000", "2026-02-24").total_rate == pytest.approx(0.16)
    # the 2026 edition lowers the sweater's MFN to 16% on 2026-01-01
    assert sched.rate("BRA", "6110200000", "2025-12-31").total_rate == pytest.approx(0.265)
    assert sched.rate("BRA", "6110200000", "2026-01-01").total_rate == pytest.approx(0.26)
    # a specific rate's AVE is flagged in the note
    wine = next(p for p in sched.rate("CHN", "2204210000", "2025-05-01").parts if p.id == "mfn")
    assert wine.rate == pytest.approx(0.03) and "AVE" in wine.note


def test_eight_digit_codes(sched) -> None:
    # 8703.23.01 has two lines with equal rates for JPN -> one answer with a note
    r = sched.rate("JPN", "8703.23.01", "2025-04-05")
    assert r.hs == "87032301" and r.total_rate == pytest.approx(0.275)
    assert "same rate on all 2 HTS10 lines" in r.notes[0]
    # 6110.20.00 lines differ (16.5% vs 20% MFN) -> an error listing them
    with pytest.raises(InputError, match=r"different rates"):
        sched.rate("JPN", "61102000", "2025-05-01")


def test_bad_inputs(sched) -> None:
    with pytest.raises(InputError, match="before the schedule's first day 2024-01-01") as e:
        sched.rate("JPN", "8703230190", "2023-12-31")
    assert "2024-01-01" in e.value.hint
    with pytest.raises(
        InputError, match=r"after the last day the library covers \(2026-06-30\)"
    ) as e:
        sched.rate("JPN", "8703230190", "2026-07-01")
    assert "--assume-unchanged" in e.value.hint
    with pytest.raises(InputError, match=r"korus .* is not available to goods of JPN"):
        sched.rate("JPN", "8703230190", "2025-04-05", claim="KR")
    with pytest.raises(InputError, match="'XX' is not a special tariff program"):
        sched.rate("JPN", "8703230190", "2025-04-05", claim="XX")
    # 6110.20.99.99: neither the line nor its HTS8 exists, and the HS6 family 6110.20 has lines at
    # different rates (HTS 2025 basic: 6110.20.10 5%, 6110.20.20 16.5%), so no rate can be inferred
    with pytest.raises(InputError, match="not an HTS10 line") as e:
        sched.rate("JPN", "6110209999", "2025-04-05")
    assert "6110.20" in e.value.hint
    with pytest.raises(InputError, match="6-digit subheading"):
        sched.rate("JPN", "870323", "2025-04-05")
    with pytest.raises(InputError, match="not an HS code"):
        sched.rate("JPN", "87x3230190", "2025-04-05")
    with pytest.raises(UnknownCountryError) as e:
        sched.rate("Japn", "8703230190", "2025-04-05")
    assert "JPN" in e.value.hint
    with pytest.raises(InputError, match="not a date"):
        sched.rate("JPN", "8703230190", "2025-13-01")


def test_timeline_rows_per_change(sched) -> None:
    # JPN car over 2025: 2.5% → 27.5% (s232 from 2025-04-03) → 15% (floor from 2025-09-16).
    rows = sched.timeline("JPN", "8703230190", "2025-01-01", "2026-01-01")
    got = [(r.start.isoformat(), r.end.isoformat(), round(r.total_rate, 6)) for r in rows]
    # 2025-04-05 changes the (zero) reciprocal part's note/reference only while s232 applies, so
    # rows split where the parts (rate, reference or note) change.
    assert got[0] == ("2025-01-01", "2025-04-03", 0.025)
    assert got[-1] == ("2025-09-16", "2026-01-01", 0.15)
    assert {t for _, _, t in got} == {0.025, 0.275, 0.15}
    assert all(a.end == b.start for a, b in itertools.pairwise(rows))


def test_in_force(sched) -> None:
    ids = [m.id for m in sched.in_force("2025-04-10")]
    assert ids == [
        "mfn",
        "s232_autos",
        "s232_steel",
        "fentanyl",
        "reciprocal",
    ]  # derivatives start 06-04
    recip = sched.in_force("2025-04-10")[-1]
    assert recip.suspensions and "10%" in recip.suspensions[0]
    assert [m.id for m in sched.in_force("2026-03-01")] == [
        "mfn",
        "s232_autos",
        "s232_derivatives",
        "s232_steel",
    ]


def test_compile_matches_hand_values(sched) -> None:
    hs = np.array(["8703230190", "6110200000", "6110200000", "7208100000"])
    org = np.array(["JPN", "JPN", "CAN", "GBR"])
    c = sched.compile(hs, org, "2025-04-09", "2025-04-11")
    # flows: 2025-04-09: car 27.5%; sweater JPN 24% (JP Free); sweater CAN 6.6% + 10% (USMCA share
    # 0.6); steel 25% (GBR)
    assert c.at("2025-04-09") == pytest.approx([0.275, 0.24, 0.166, 0.25])
    assert c.at("2025-04-10") == pytest.approx([0.275, 0.10, 0.166, 0.25])
    ba = c.by_authority
    assert ba["s232"][0] == pytest.approx([0.25, 0, 0, 0.25])
    np.testing.assert_allclose(sum(ba.values()), c.total, atol=1e-12)
    np.testing.assert_allclose(c.part("fentanyl")[0], [0, 0, 0.1, 0], atol=1e-12)
    days, daily = c.daily()
    assert len(days) == 2 and daily.shape == (2, 4)
    with pytest.raises(InputError, match="10-digit"):
        sched.compile(["870323"], ["JPN"], "2025-04-09")


def test_timeline_across_a_retired_line(tmp_path) -> None:
    # the 2026 edition (from 2026-01-01) drops 9403.60.80.81: the timeline shows the gap, rating
    # on a 2026 day is an error, compiled arrays count the row as missing MFN.
    from tariffsim.schedule import load_schedule

    root = testing.write_library(tmp_path)
    s = load_schedule(root=root, source=testing.source(drop_2026=("9403608081",)), cache=False)
    rows = s.timeline("BRA", "9403608081", "2025-12-01", "2026-02-01")
    assert [(str(r.start), r.total_rate) for r in rows] == [
        ("2025-12-01", 0.125),
        ("2026-01-01", None),
    ]
    assert rows[-1].note == "9403.60.80.81 is not an HTS10 line of edition 2026_basic"
    with pytest.raises(InputError, match="not an HTS10 line of edition 2026_basic"):
        s.rate("BRA", "9403608081", "2026-01-02")
    c = s.compile(["9403608081"], ["BRA"], "2026-01-02")
    assert c.missing_mfn == 1 and c.total[0, 0] == pytest.approx(0.10)
