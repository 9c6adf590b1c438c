"""Declared conditions of the 2026 Section 232 metals annex (U.S. note 16(e) and 16(k)).

Law: Proclamation 11021 (metals annex of 6 Apr 2026, HTS 2026 rev 5): derivatives whose steel or
aluminum was melted/poured or smelted/cast in the United States pay +10% (9903.82.06) or 10% including
column 1 for the 15% tier (9903.82.07); Proclamation 11032 (8 Jun 2026, HTS 2026 rev 10): parts of
note 16(k) used only to make agricultural or industrial equipment pay 15% including column 1
(9903.82.25), not for column-2 countries. Column 1 (HTS 2026 basic): 8504.90.20 Free; 8504.34.00 1.6%;
8483.90.50.20 2.5%; 8429.51.10 Free.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

D = dt.date


@pytest.mark.parametrize(
    ("origin", "hs", "day", "shares", "expect"),
    [
        # tier I-B (and tier III in the table: I-B wins) with U.S. metal: +10% (9903.82.06)
        ("DEU", "8504902000", D(2026, 4, 6), {}, {"s232_metals_1b": 0.25}),
        ("DEU", "8504902000", D(2026, 4, 6), {"us_metal": 1.0}, {"s232_metals_us_metal": 0.10}),
        # tier III with U.S. metal: 10% including column 1 (9903.82.07)
        (
            "DEU",
            "8504340000",
            D(2026, 4, 6),
            {"us_metal": 1.0},
            {"mfn": 0.016, "s232_metals_us_metal_floor": 0.084},
        ),
        # column-2 countries have no 10% all-in rate (9903.82.12/.17 apply)
        (
            "RUS",
            "8504340000",
            D(2026, 4, 6),
            {"us_metal": 1.0},
            {"mfn": 0.35, "s232_metals_3": 0.25},
        ),
        # (c)(xi) with U.S. metal: +10% (9903.82.06 extended on 8 Jun 2026)
        (
            "CHN",
            "8429511015",
            D(2026, 6, 8),
            {"us_metal": 1.0},
            {"s232_metals_us_metal": 0.10, "s301_china": 0.25},
        ),
        # note 16(k) parts for agricultural or industrial equipment: 15% all-in from 8 Jun 2026
        (
            "DEU",
            "8483905020",
            D(2026, 6, 7),
            {"equipment_parts_use": 1.0},
            {"mfn": 0.025, "s232_metals_1b": 0.25},
        ),
        (
            "DEU",
            "8483905020",
            D(2026, 6, 8),
            {"equipment_parts_use": 1.0},
            {"mfn": 0.025, "s232_metals_equipment_parts": 0.125},
        ),
        ("DEU", "8483905020", D(2026, 6, 8), {}, {"mfn": 0.025, "s232_metals_1b": 0.25}),
    ],
)
def test_declared_metals_conditions(
    shared_data: Path, origin: str, hs: str, day: dt.date, shares: dict, expect: dict
) -> None:
    from tariffsim.schedule import load_schedule

    r = load_schedule().rate(origin, hs, on=day, shares=shares or None)
    assert r.nonzero == pytest.approx(expect)


def test_the_16cxi_subheadings_leave_tier_1b_until_8_june(shared_data: Path) -> None:
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    assert "s232_metals_1b" not in s.rate("CHN", "8429511015", on=D(2026, 4, 6)).nonzero
    assert s.rate("CHN", "8429511015", on=D(2026, 6, 8)).nonzero[
        "s232_metals_16cxi"
    ] == pytest.approx(0.25)
