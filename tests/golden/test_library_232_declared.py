"""Section 232 semiconductors: the duty applies only to the declared share of advanced chips.

Expected values: the Proclamation of 14 Jan 2026 on semiconductors puts +25% (HTS 9903.79.01,
2026 rev 1) on articles of U.S. note 39(b) that meet its performance thresholds; other goods of the
same statistical lines (ordinary computers, memory modules, printed circuit assemblies) enter under
9903.79.02 with no additional duty. The library takes the qualifying share as declared per entry
(``share: declared:advanced_semiconductor``, default 0), see ``measures/s232_semiconductors.yaml``.
"""

from __future__ import annotations

import datetime as dt

import pytest

DAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def schedule():
    from tariffsim.schedule import load_schedule

    return load_schedule()


def test_no_declaration_no_duty(schedule) -> None:
    # 8471.50.01 general Free; computers are in Annex II of EO 14257 (no reciprocal duty): total 0
    r = schedule.rate("TWN", "8471500150", on=DAY)
    assert r.total_rate == pytest.approx(0.0, abs=1e-9)
    assert "s232_semiconductors" not in r.nonzero


def test_declared_advanced_chip_pays_25(schedule) -> None:
    # an entry that is wholly a qualifying chip with no end-use exemption: +25% (9903.79.01)
    r = schedule.rate("TWN", "8471500150", on=DAY, shares={"advanced_semiconductor": 1.0})
    assert r.nonzero == pytest.approx({"s232_semiconductors": 0.25})
    assert r.total_rate == pytest.approx(0.25)


def test_day_before_declared_chip_pays_nothing(schedule) -> None:
    # the duty starts on 15 Jan 2026: the day before a declared chip pays MFN (Free) only
    r = schedule.rate(
        "TWN", "8471500150", on=DAY - dt.timedelta(days=1), shares={"advanced_semiconductor": 1.0}
    )
    assert r.total_rate == pytest.approx(0.0, abs=1e-9)


def test_half_declared_entry(schedule) -> None:
    # half of the entry's value qualifies: 0.25 x 0.5 = 0.125
    r = schedule.rate("TWN", "8471500150", on=DAY, shares={"advanced_semiconductor": 0.5})
    assert r.nonzero.get("s232_semiconductors") == pytest.approx(0.125)
