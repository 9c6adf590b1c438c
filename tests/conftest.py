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

Tests marked ``slow`` are left out by ``make test-fast`` and run by ``make test``; the fast loop
also leaves out ``tests/golden`` (but for the legal cases) and ``tests/e2e`` (see the Makefile).
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


#: Slow tests, marked here until their modules carry ``@pytest.mark.slow`` themselves. Measured with
#: ``pytest -n 2 --durations=0`` on 2026-12-03 on the shared two-core machine (under a load of ~10,
#: so these seconds are about three times an idle machine's); the threshold for the fast loop is
#: about 6 s here (2 s of CPU). Keys are node-id prefixes: a module path marks every test in it.
SLOW: dict[str, str] = {
    # whole modules (every test loads real data or starts processes)
    "tests/e2e/test_browser_web.py": "starts a server and Chromium; 12-47 s per test",
    "tests/golden/test_hts_ch99_crosscheck.py": "reads HTS revisions 7, 8, 9, 18 ...; 5-19 s per test",
    "tests/golden/test_library_232_301_headings.py": "reads one HTS revision per case; up to 19 s",
    "tests/golden/test_ch99_coverage.py": "reads every HTS revision: 8 s warm, 80 s on a cold cache",
    # single tests
    "tests/unit/test_web_schemathesis.py": "14 s and 71 s (heavy routes)",
    "tests/unit/test_web_api.py::test_country_models_ge_law": "25 s",
    "tests/unit/test_web_api.py::test_etr_equals_duties_on": "14 s",
    "tests/unit/test_web_api.py::test_scenario_country_rate": "10 s",
    "tests/unit/test_web_api.py::test_job_registry_reports_progress_and_errors": "10 s",
    "tests/unit/test_web_api.py::test_scenario_ge_tariff_change": "9.5 s",
    "tests/unit/test_web_api.py::test_negotiation_equals_library": "7 s",
    "tests/unit/test_ge_cli.py::test_optimal_and_nash_json": "25 s",
    "tests/unit/test_ge_cli.py::test_run_on_a_date_uses_the_law": "6.4 s",
    "tests/unit/test_data_download.py::test_download_hts_real_file": "19 s",
    "tests/unit/test_data_download.py::test_retry_after_500": "6 s",
    "tests/unit/test_duties_s301_exclusions.py::test_exclusion_applies_from_the_bundle_alone": "18.5 s",
    "tests/unit/test_schedule_cache.py::test_disk_cache_round_trip": "14 s",
    "tests/unit/test_ge_optimal.py::test_elastic_labour_moves_the_direct_optimum": "13 s",
    "tests/unit/test_ge_optimal.py::test_group_players_match_country_players": "20 s",
    "tests/unit/test_ge_optimal.py::test_nash_blocs_lump_sum": "10 s",
    "tests/unit/test_ge_optimal.py::test_nash_two_region": "10 s",
    "tests/unit/test_ge_optimal.py::test_fixed_point_raises_without_a_root": "7 s",
    "tests/unit/test_ge_optimal.py::test_fixed_point_and_direct_agree_on_194_countries": "6.7 s",
    "tests/unit/test_ge_montecarlo.py::test_bands_are_ordered_and_local_pool_matches_serial": "13 s",
    "tests/unit/test_ge_solver.py::test_analytic_jacobian_matches_finite_differences": "10-13 s each",
    "tests/unit/test_pe_real.py::test_pe_identities_on_real_trade": "11.5 s",
    "tests/unit/test_negotiation_case_cli.py::test_json_shape": "9.7 s",
    "tests/unit/test_negotiation_case_cli.py::test_second_case_runs": "8 s",
    "tests/unit/test_negotiation_case_ratification.py::test_sequence_without_effects": "7.8 s",
    "tests/unit/test_negotiation_case_backtest.py::test_scores_by_hand": "6.7 s",
    "tests/property/test_negotiation_pareto.py::test_three_objective_merge_equals_brute_force": "8 s",
    "tests/property/test_negotiation_pareto.py::test_merge_equals_brute_force": "6.5 s",
    "tests/property/test_schedule_compile.py::test_compiled_equals_single_entry": "7.3 s",
    "tests/golden/test_duties_etr_real.py::test_html_report_real": "10 s",
    "tests/unit/test_data_hts.py::test_load_revision_includes_chapter99": "6.4 s",
    "tests/unit/test_negotiation_backtest_wave.py::test_ray_executor_gives_the_same_scores": "50 s",
    "tests/unit/test_negotiation_facts.py::test_headings_match_the_hts": "34 s",
    "tests/unit/test_schedule_cli.py::test_timeline_and_plot": "18 s",
    "tests/unit/test_duties_report.py::test_report_is_self_contained": "13.5 s",
    "tests/unit/test_duties_s301_exclusions.py::test_library_list_matches_the_hts": "10.4 s",
    # measured at a load of ~1-2 (so about an idle machine's seconds): ETR series over every row
    "tests/unit/test_cli_exports.py::test_etr_partner_equals_its_row": "4.2 s",
    "tests/unit/test_cli_exports.py::test_post_substitution_series_beside_static": "3.7 s",
    "tests/unit/test_cli_exports.py::test_by_tables_add_up": "2.0-3.5 s each",
    "tests/unit/test_cli_exports.py::test_series_csv_and_segments": "2.0 s",
    "tests/unit/test_cli_exports.py::test_etr_and_duties_say_their_assumptions": "1.9 s",
}


#: Modules whose tests share an expensive module-scoped fixture: with ``pytest -n 2 --dist
#: loadgroup`` (as the Makefile runs it) each module's tests run in one worker, so the fixture is
#: built once rather than once per worker (the web app's warm state: ~25 s of CPU).
SHARED_SETUP: dict[str, str] = {
    "tests/unit/test_web_api.py": "web-app-state",
    "tests/unit/test_import_graph.py": "import-graph",  # the graph of every module, read once
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.nodeid.startswith(prefix) for prefix in SLOW):
            item.add_marker(pytest.mark.slow)
        group = SHARED_SETUP.get(item.nodeid.split("::", 1)[0])
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


# Legal cases (src/tariffsim/jurisdictions/us/cases/*.yaml) are collected as test items by the
# schedule engine's plugin, under tests/golden/test_schedule_cases.py.
pytest_plugins = ["tariffsim.schedule.cases_plugin"]
