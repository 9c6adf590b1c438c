"""Shared fixtures.

``shared_data`` is the reference data folder (``$TARIFFSIM_DATA`` or ``../shared/data`` beside the
checkout). Tests that check against the real official files use it; they are skipped, with the reason,
on a machine that has no copy (CI and every developer machine have one).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _shared_data() -> Path | None:
    env = os.environ.get("TARIFFSIM_DATA")
    if env and Path(env).is_dir():
        return Path(env)
    p = ROOT.parent / "shared" / "data"
    return p if p.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    p = _shared_data()
    if p is None:
        pytest.skip("reference data ../shared/data not found (set TARIFFSIM_DATA)")
    return p


# Legal cases (src/tariffsim/jurisdictions/us/cases/*.yaml) are collected as test items by the
# schedule engine's plugin, under tests/golden/test_schedule_cases.py.
pytest_plugins = ["tariffsim.schedule.cases_plugin"]
