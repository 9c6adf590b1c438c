"""USMCA-qualifying vehicles pay the Section 232 duty on their non-US content.

Law: Proclamation 10908 (90 FR 14705) clause 3; HTS 9903.94.03 (+25% upon the value of the non-U.S.
content, U.S. note 33(d)) and 9903.94.02 (the U.S. content, note 33(c)), from 3 Apr 2025; Commerce
procedures 90 FR 21450; CBP CSMS 65649652 (a vehicle without an approved U.S.-content submission pays
25% on its full value). Trucks: Proclamation 10984, HTS 9903.74.03 (note 38(d)), from 1 Nov 2025.
Column 1 rates, HTS 2025 basic: 8703.23.01 2.5%, 8701.21.00 4% (USMCA: Free).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

D = dt.date


@pytest.mark.parametrize(
    ("origin", "hs", "day", "shares", "expect"),
    [
        # the day before the auto duty: a USMCA claim leaves nothing
        ("MEX", "8703230190", D(2025, 4, 2), {"usmca": 1.0}, {}),
        # USMCA claim, no U.S.-content approval: 25% on the full value (9903.94.03 with all content non-US)
        ("MEX", "8703230190", D(2025, 4, 3), {"usmca": 1.0}, {"s232_autos_usmca_content": 0.25}),
        # 40% non-US content declared: 25% x 0.4
        (
            "MEX",
            "8703230190",
            D(2025, 4, 3),
            {"usmca": 1.0, "auto_non_us_content": 0.4},
            {"s232_autos_usmca_content": 0.10},
        ),
        (
            "CAN",
            "8703240190",
            D(2025, 6, 1),
            {"usmca": 1.0, "auto_non_us_content": 0.5},
            {"s232_autos_usmca_content": 0.125},
        ),
        # no USMCA claim: column 1 2.5% + 25% on the full value (9903.94.01)
        ("MEX", "8703230190", D(2025, 4, 3), {"usmca": 0.0}, {"mfn": 0.025, "s232_autos": 0.25}),
        # trucks from 1 Nov 2025 (9903.74.03)
        (
            "MEX",
            "8701210000",
            D(2025, 11, 1),
            {"usmca": 1.0, "truck_non_us_content": 0.6},
            {"s232_trucks_usmca_content": 0.15},
        ),
        ("MEX", "8701210000", D(2025, 11, 1), {"usmca": 0.0}, {"mfn": 0.04, "s232_trucks": 0.25}),
    ],
)
def test_usmca_vehicle_pays_on_its_non_us_content(
    shared_data: Path, origin: str, hs: str, day: dt.date, shares: dict, expect: dict
) -> None:
    from tariffsim.schedule import load_schedule

    r = load_schedule().rate(origin, hs, on=day, shares=shares)
    assert r.nonzero == pytest.approx(expect)
    assert r.total_rate == pytest.approx(sum(expect.values()))
