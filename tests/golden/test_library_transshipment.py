"""Transshipment determinations of CBP as a declared condition of the entry.

Law: EO 14326 §2 (90 FR 37963): goods determined by CBP to have been transshipped to evade the
reciprocal duty pay 40% in lieu of it from 7 Aug 2025 (HTS 9903.02.01); EO 14325 §2: goods of Canada
so determined pay 40% in lieu of the 35% northern-border duty from 1 Aug 2025 (9903.01.16). Column 1
(HTS 2025 basic): 6110.20.20 16.5%. Vietnam's reciprocal rate from 7 Aug 2025: 20% (9903.02.69).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

D = dt.date


@pytest.mark.parametrize(
    ("origin", "hs", "day", "shares", "expect"),
    [
        ("VNM", "6110202079", D(2025, 9, 1), None, {"mfn": 0.165, "ieepa_reciprocal": 0.20}),
        (
            "VNM",
            "6110202079",
            D(2025, 9, 1),
            {"transshipped": 1.0},
            {"mfn": 0.165, "ieepa_transshipment": 0.40},
        ),
        # the day before EO 14326 took effect the determination changes nothing
        (
            "VNM",
            "6110202079",
            D(2025, 8, 6),
            {"transshipped": 1.0},
            {"mfn": 0.165, "ieepa_reciprocal": 0.10},
        ),
        # after the IEEPA duties ended
        (
            "VNM",
            "6110202079",
            D(2026, 2, 24),
            {"transshipped": 1.0},
            {"mfn": 0.165, "s122_surcharge": 0.10},
        ),
        (
            "CAN",
            "2709002090",
            D(2025, 9, 1),
            {"transshipped": 1.0, "usmca": 0.0},
            {"mfn": 0.001, "ieepa_fentanyl_canada_transshipment": 0.40},
        ),
    ],
)
def test_transshipment_replaces_the_duty(
    shared_data: Path, origin: str, hs: str, day: dt.date, shares: dict | None, expect: dict
) -> None:
    from tariffsim.schedule import load_schedule

    r = load_schedule().rate(origin, hs, on=day, shares=shares)
    assert r.nonzero == pytest.approx(expect, abs=5e-4)
