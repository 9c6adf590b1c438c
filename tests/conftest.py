"""Shared fixtures and the suite's rules about reference data and slow tests.

``shared_data`` is the reference data folder, found exactly as the package finds it
(:func:`tariffsim.data.paths.shared_data_dir`: ``$TARIFFSIM_DATA``, else ``../shared/data`` beside
the checkout). Tests that compare against the full official files take it. When the folder is
missing:

- on a developer's machine the test is skipped, with the reason;
- when ``CI`` or ``TARIFFSIM_REQUIRE_DATA`` is set (to anything but ``0``/``false``/``no``) the test
  **errors**: a CI run must never pass by skipping the checks against the real data.

A ``TARIFFSIM_DATA`` that is set but is not a folder is always an error (the package refuses it too).
Tests that can run on the default bundle should not take this fixture at all.

Tests marked ``slow`` (over about 10 s on two cores) are left out by ``make test-fast``
(``-m "not slow"``) and run by ``make test``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tariffsim.core.errors import DataNotFoundError
from tariffsim.data.paths import ENV_DATA, shared_data_dir

ROOT = Path(__file__).resolve().parents[1]

#: Environment variables that make missing reference data an error instead of a skip.
REQUIRE_DATA_VARS = ("CI", "TARIFFSIM_REQUIRE_DATA")


def data_required() -> bool:
    """True when ``CI`` or ``TARIFFSIM_REQUIRE_DATA`` is set to a true value."""
    return any(
        os.environ.get(v, "").strip().lower() not in ("", "0", "false", "no")
        for v in REQUIRE_DATA_VARS
    )


def missing_data_message() -> str:
    return (
        f"reference data not found: set {ENV_DATA} to the reference data folder "
        "or check it out as ../shared/data beside the repository"
    )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder; skip (developer machine) or error (CI) when it is missing."""
    try:
        p = shared_data_dir()
    except DataNotFoundError as exc:  # TARIFFSIM_DATA names something that is not a folder
        pytest.fail(f"{exc} ({exc.hint})", pytrace=False)
    if p is None:
        if data_required():
            names = " or ".join(REQUIRE_DATA_VARS)
            pytest.fail(f"{missing_data_message()} ({names} is set)", pytrace=False)
        pytest.skip(missing_data_message())
    return p


#: Tests over about 10 s on two cores (``pytest --durations=80``, 2026-12-03, warm data cache), marked
#: ``slow`` here until their modules carry ``@pytest.mark.slow`` themselves. Keys are node-id
#: prefixes: a module path marks every test in it.
SLOW: dict[str, str] = {
    "tests/e2e/test_browser_web.py": "starts a server and Chromium; 12–47 s per test",
    "tests/unit/test_web_schemathesis.py::test_no_server_errors_heavy_routes": "71 s",
    "tests/golden/test_hts_ch99_crosscheck.py": "reads HTS revisions 7, 8, 9, 18 …; 5–19 s per test",
    "tests/golden/test_library_232_301_headings.py": "reads one HTS revision per case; up to 19 s",
    "tests/golden/test_ch99_coverage.py": "reads every HTS revision: 8 s warm, 80 s on a cold cache",
    "tests/unit/test_ge_optimal.py::test_group_players_match_country_players": "20 s",
    "tests/unit/test_ge_optimal.py::test_nash_blocs_lump_sum": "10 s",
    "tests/unit/test_ge_optimal.py::test_nash_two_region": "10 s",
    "tests/golden/test_duties_etr_real.py::test_html_report_real": "10 s",
    "tests/unit/test_web_api.py::test_scenario_ge_tariff_change": "9.5 s",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.nodeid.startswith(prefix) for prefix in SLOW):
            item.add_marker(pytest.mark.slow)


# Legal cases (src/tariffsim/jurisdictions/us/cases/*.yaml) are collected as test items by the
# schedule engine's plugin, under tests/golden/test_schedule_cases.py.
pytest_plugins = ["tariffsim.schedule.cases_plugin"]
