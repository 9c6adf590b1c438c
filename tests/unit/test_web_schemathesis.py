"""Property-based run of schemathesis over the app's OpenAPI spec (in process, ASGI): no request
the spec allows may produce a server error (5xx). Bad input must be a 4xx with a message.

Bounded: a few examples per operation so the whole run stays well under a minute. Routes that run
models (scenario, negotiation, country models, jobs) get explicit tests in test_web_api.py instead —
a random valid request to them takes seconds.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tariffsim.web.app import create_app

APP = create_app()
HEAVY = r"^/api/(scenario|negotiation/\{case\}$|jobs/|country/\{iso3\}/models)"
# the wave forecasts every open partner (minutes on a cold cache): tested in test_web_api.py
WAVE = r"^/api/(jobs/)?wave"
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    .exclude(path_regex=HEAVY)
    .exclude(path_regex=WAVE)
)


@pytest.fixture(scope="module", autouse=True)
def warm():
    APP.state.tariffsim.warm_up()


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case):
    response = case.call(timeout=120)
    # a server error is the only failure; 4xx for bad input is the contract (422 with detail)
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        case.query,
        response.text[:300],
    )
    if response.status_code == 422:
        assert "detail" in response.json()


heavy = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    .include(path_regex=HEAVY)
    .exclude(path_regex=WAVE)
)


@heavy.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors_heavy_routes(case):
    # a scenario compiles the law twice over 335k rows: seconds, more on a shared machine
    response = case.call(timeout=300)
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        case.body,
        response.text[:300],
    )
