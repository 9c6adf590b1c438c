"""Section 201 safeguard on CSPV cells: the tariff-rate quota is a declared share.

Expected values: Proclamation 10339 (87 FR 7357), U.S. note 18(f): cells entered over the annual quota
pay 14.25% from 7 Feb 2024 and 14% from 7 Feb 2025 (9903.45.22); within the quota (9903.45.21) no
additional duty. HTS 2025 basic 8541.42.00: column 1 Free.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest


def test_cells_over_quota_pay_the_safeguard_on_the_declared_share(shared_data: Path) -> None:
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    on = dt.date(2025, 1, 15)
    assert s.rate("KOR", "8541420010", on=on).total_rate == 0.0
    whole = s.rate("KOR", "8541420010", on=on, shares={"s201_over_quota": 1.0})
    assert whole.nonzero == {"s201_solar_cells": pytest.approx(0.1425)}
    half = s.rate("KOR", "8541420010", on=dt.date(2025, 2, 7), shares={"s201_over_quota": 0.5})
    assert half.total_rate == pytest.approx(0.07)
    # the vectorised compiler takes the same declared share per row
    c = s.compile(
        hs10=np.array(["8541420010", "8541420010"]),
        origin=np.array(["KOR", "CAN"]),
        start=on,
        end=on + dt.timedelta(days=1),
        shares={"s201_over_quota": np.array([1.0, 1.0])},
    )
    assert c.total[0].tolist() == pytest.approx([0.1425, 0.0])  # Canada is exempt (9903.45.27)


def test_bifacial_panels_are_excluded_until_26_june_2024(shared_data: Path) -> None:
    """HTS 9903.45.29, U.S. note 18(j); Proclamation 10779: exclusion revoked from 26 Jun 2024."""
    from tariffsim.schedule import load_schedule

    s = load_schedule()
    day, end = dt.date(2024, 6, 25), dt.date(2024, 6, 26)
    assert s.rate("MEX", "8541430010", on=day).nonzero == {
        "s201_solar_modules": pytest.approx(0.1425)
    }
    assert s.rate("MEX", "8541430010", on=day, shares={"bifacial": 1.0}).nonzero == {}
    on_end = s.rate("MEX", "8541430010", on=end, shares={"bifacial": 1.0}).nonzero
    assert on_end == {"s201_solar_modules": pytest.approx(0.1425)}
