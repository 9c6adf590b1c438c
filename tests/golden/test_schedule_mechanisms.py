"""The engine's mechanisms on real lines of the US library: entries state their claim, the law as
known on a day, the end of coverage, declared metal value, landed cost.

Each expected value is computed by hand from the sources named in the test (HTS 2025 basic edition
rates, the orders' rates and dates, the CBP fee notices); the law families themselves are pinned by
the legal cases of ``jurisdictions/us/cases``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.duties.landed import FEE_YEARS, landed_cost
from tariffsim.schedule import load_schedule


@pytest.fixture(scope="module")
def s():
    return load_schedule()


def test_an_entry_never_blends(s) -> None:
    """Canadian polyethylene carrier bags 3923.21.00.85 on 1 Aug 2025: HTS 2025 basic 3923.21.00
    general 3%, special Free (S); EO 14325: the Canada fentanyl duty 35% from 1 Aug 2025
    (9903.01.10), USMCA goods exempt (EO 14231, 9903.01.14). No claim: 3% + 35%; claimed: 0%."""
    r = s.rate("CAN", "3923210085", "2025-08-01")
    assert r.claim is None and r.total_rate == pytest.approx(0.38)
    assert r.nonzero == {"mfn": pytest.approx(0.03), "ieepa_fentanyl_canada": pytest.approx(0.35)}
    assert [(o.claim, round(o.total_rate, 10)) for o in r.claims] == [(None, 0.38), ("usmca", 0.0)]
    assert s.rate("CAN", "3923210085", "2025-08-01", claim="S").total_rate == 0.0
    # the trade flow keeps the 2024 USMCA share of the line (a blend, on request)
    flow = s.rate("CAN", "3923210085", "2025-08-01", basis="flows")
    assert 0.0 < flow.total_rate < 0.38


def test_korus_claim_on_a_korean_car(s) -> None:
    """Korean car 8703.23.01.90 on 1 Sep 2025: general 2.5%, KORUS Free (KR); Section 232 autos
    25% (Proclamation 10908; Korea's 15% all-in only from 1 Nov 2025)."""
    assert s.rate("KOR", "8703230190", "2025-09-01").total_rate == pytest.approx(0.275)
    assert s.rate("KOR", "8703230190", "2025-09-01", claim="KR").total_rate == pytest.approx(0.25)
    assert s.rate("KOR", "8703230190", "2025-09-01", claim="korus").claim == "korus"
    with pytest.raises(InputError, match="not available to goods of KOR"):
        s.rate("KOR", "8703230190", "2025-09-01", claim="japan")


def test_the_law_as_known_on_a_day(s) -> None:
    """Korean cotton sweaters 6110.20.20.05 (general 16.5%, no claim) on 20 Nov 2025. The notice
    implementing the US-Korea fact sheet (90 FR 55964) made Korea's reciprocal duty a 15% all-in
    floor retroactively from 14 Nov 2025, published 5 Dec 2025 (HTS rev 32). As known before then
    the +15% of EO 14326 (9903.02.56) applies: 16.5% + 15%; as known from 5 Dec: 16.5% (MFN above
    the floor)."""
    args = ("KOR", "6110202005", "2025-11-20")
    assert s.rate(*args, as_known_on="2025-11-20").total_rate == pytest.approx(0.315)
    assert s.rate(*args, as_known_on="2025-12-04").total_rate == pytest.approx(0.315)
    assert s.rate(*args, as_known_on="2025-12-05").total_rate == pytest.approx(0.165)
    assert s.rate(*args).total_rate == pytest.approx(0.165)
    k = s.as_known_on("2025-11-20")
    assert k.known_on == dt.date(2025, 11, 20) and k.rate(*args).as_known_on == k.known_on
    # views of the same knowledge are shared; the full schedule is unchanged
    assert s.as_known_on("2025-11-21").rules is k.rules
    # the compiled arrays agree with the entry on the same knowledge
    c = k.compile(np.array(["6110202005"]), np.array(["KOR"]), "2025-11-20", basis="entry")
    assert c.total[0, 0] == pytest.approx(0.315)
    # timeline parts carry their legal start and publication date
    rows = s.timeline("KOR", "6110202005", "2025-11-13", "2025-11-15")
    part = next(p for p in rows[-1].parts if p.id == "ieepa_reciprocal_korea")
    assert (part.effective, part.published) == (dt.date(2025, 11, 14), dt.date(2025, 12, 5))


def test_after_the_end_of_coverage(s) -> None:
    last = s.coverage.last_day
    assert last == dt.date(2026, 6, 30) and s.coverage.end == dt.date(2026, 7, 1)
    with pytest.raises(InputError) as e:
        s.rate("JPN", "8703230190", "2026-08-01")
    assert "after the last day the library covers (2026-06-30)" in str(e.value)
    assert "--assume-unchanged" in (e.value.hint or "")
    r = s.rate("JPN", "8703230190", "2026-08-01", assume_unchanged=True)
    same = s.rate("JPN", "8703230190", "2026-06-30")
    assert r.total_rate == same.total_rate and r.assumed_unchanged == dt.date(2026, 6, 30)
    assert r.flags[0].startswith("assumed unchanged")
    assert r.to_dict()["assumed_unchanged"]["rated_with_law_of"] == "2026-06-30"
    c = s.compile(
        np.array(["8703230190"]),
        np.array(["JPN"]),
        "2026-06-01",
        "2026-09-01",
        assume_unchanged=True,
    )
    assert c.assumed_unchanged_from == dt.date(2026, 7, 1) and c.flags[0].startswith("assumed")
    assert c.at("2026-08-31")[0] == pytest.approx(same.total_rate)


def test_metal_value_as_declared(s) -> None:
    """German steel bolts 7318.15.20.65 on 4 Jun 2025 (general Free): Section 232 steel 50% on the
    steel content (Proclamation 10947); the reciprocal duty on the rest (EU 20% paused to 10%
    until 7 Aug 2025). Declared 40% steel: 50% × 0.4 + 10% × 0.6 = 26%. Undeclared: the whole value
    is steel, 50%, and the output says so."""
    r = s.rate("DEU", "7318152065", "2025-06-04", shares={"steel_content": 0.4})
    assert r.total_rate == pytest.approx(0.26) and not r.flags
    r = s.rate("DEU", "7318152065", "2025-06-04")
    assert r.total_rate == pytest.approx(0.5) and "whole value is steel" in r.flags[0]
    # trade flows keep the BEA cost shares, flagged
    c = s.compile(np.array(["7318152065"]), np.array(["DEU"]), "2025-06-04")
    assert 0.0 < c.total[0, 0] < 0.5 and any("BEA" in f for f in c.flags)


def test_landed_cost_fees_and_de_minimis(s) -> None:
    """MPF 0.3464% with FY2025 bounds $32.71-$634.62 (FR Doc. 2024-15990) and FY2026 $33.58-$651.50
    (CBP Dec. 25-10, 90 FR 34665); HMF 0.125% by sea; KORUS goods pay no MPF (19 CFR 24.23(c));
    de minimis $800 until suspended (China/Hong Kong 2 May 2025, EO 14256; all 29 Aug 2025,
    EO 14324)."""
    car = s.rate("KOR", "8703230190", "2025-09-01")
    lc = landed_cost(car, 30_000, mode="ocean")
    assert lc.duty_usd == pytest.approx(8250.0)
    assert lc.mpf_usd == pytest.approx(103.92) and lc.hmf_usd == pytest.approx(37.5)
    assert lc.landed_usd == pytest.approx(30_000 + 8250 + 103.92 + 37.5)
    assert lc.to_dict()["not_included"][0].startswith("antidumping and countervailing")
    kr = landed_cost(s.rate("KOR", "8703230190", "2025-09-01", claim="KR"), 30_000, mode="air")
    assert (kr.duty_usd, kr.mpf_usd, kr.hmf_usd) == (pytest.approx(7500.0), 0.0, 0.0)
    # the minimum and maximum of the fiscal year of entry
    assert landed_cost(car, 5_000).mpf_usd == pytest.approx(32.71)
    assert landed_cost(car, 500_000).mpf_usd == pytest.approx(634.62)
    oct1 = s.rate("KOR", "8703230190", "2025-10-01")
    assert landed_cost(oct1, 500_000).mpf_usd == pytest.approx(651.50)
    assert landed_cost(car, 2_000).mpf_usd == pytest.approx(2.62)  # informal entry, FY2025 fee
    assert [y.minimum for y in FEE_YEARS] == [31.67, 32.71, 33.58]
    # de minimis
    toy = "9503000090"
    assert landed_cost(s.rate("CHN", toy, "2025-05-01"), 500).de_minimis
    assert not landed_cost(s.rate("CHN", toy, "2025-05-02"), 500).de_minimis
    assert landed_cost(s.rate("VNM", toy, "2025-08-28"), 500).de_minimis
    late = landed_cost(s.rate("VNM", toy, "2025-08-29"), 500, mode="air")
    assert not late.de_minimis and late.duty_usd == pytest.approx(500 * 0.20)
