"""Section 232 conditions of the entry that the data cannot see, written as declared shares.

Expected values: Proclamation 10783 (89 FR 57347): Mexican steel melted and poured outside North
America +25% from 10 Jul 2024 (HTS 9903.81.85); Proclamation 10782 (89 FR 57339): Mexican aluminum
smelted or cast in China, Russia, Belarus or Iran +10% (9903.85.71); HTS 9903.81.83: Ukrainian steel
without a certificate of origin +25%; HTS 9903.80.61: quota-country steel over quota under a
qualifying contract +25%. Column 1 rates from the HTS 2025 basic edition (7208.39.00 hot-rolled flat
steel: Free; 7601.20.90 aluminum alloy: 6% ... read from the edition below).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("origin", "hs", "share", "measure", "rate", "before", "on"),
    [
        (
            "MEX",
            "7208390015",
            "steel_melted_outside_north_america",
            "s232_steel_mexico_melt",
            0.25,
            dt.date(2024, 7, 9),
            dt.date(2024, 7, 10),
        ),
        (
            "MEX",
            "7601209080",
            "aluminum_smelted_in_chn_rus_blr_irn",
            "s232_aluminum_mexico_smelt",
            0.10,
            dt.date(2024, 7, 9),
            dt.date(2024, 7, 10),
        ),
        (
            "UKR",
            "7208390015",
            "steel_without_certificate_of_origin",
            "s232_steel_ukraine_certificate",
            0.25,
            None,
            dt.date(2024, 6, 1),
        ),
        (
            "KOR",
            "7208390015",
            "steel_over_quota_under_contract",
            "s232_steel_quota_contracts",
            0.25,
            None,
            dt.date(2024, 6, 1),
        ),
    ],
)
def test_declared_condition_adds_the_duty(
    shared_data: Path,
    origin: str,
    hs: str,
    share: str,
    measure: str,
    rate: float,
    before: dt.date | None,
    on: dt.date,
) -> None:
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    plain = s.rate(origin, hs, on=on)
    assert measure not in plain.nonzero  # nothing declared: the entry meets the condition
    full = s.rate(origin, hs, on=on, shares={share: 1.0})
    assert full.nonzero[measure] == pytest.approx(rate)
    assert full.total_rate == pytest.approx(plain.total_rate + rate)
    if before is not None:  # the day before the proclamation the declaration changes nothing
        assert measure not in s.rate(origin, hs, on=before, shares={share: 1.0}).nonzero
    # every country exemption and quota ended on 12 Mar 2025 (Proclamations 10895/10896): from then
    # the general measures charge these goods and the condition no longer matters
    after = s.rate(origin, hs, on=dt.date(2025, 3, 12), shares={share: 1.0})
    assert measure not in after.nonzero
