"""schemathesis against the API's own OpenAPI schema: generated requests (valid and not) for
every operation, in-process through the WSGI application, authenticated with a bearer token
of a commune officer, must never get a server error. Bounded: a few dozen examples each."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from chiso.config.wsgi import application

MAX_EXAMPLES = 30


# Loaded when the module is collected: the schema endpoint is public and reads no database.
# (schemathesis.pytest.from_fixture does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection across the in-process requests, as Django's test
    client does (a request would otherwise close it, and the test's transaction with it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# XLSX bodies are not generated here: test_malformed_files.py generates those.
@pytest.mark.filterwarnings("ignore:Skipped test cases with unsupported payload media types")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(case, world, in_test_transaction):
    token = world.tokens["commune_a"]
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:500]}"
    )
    case.validate_response(response, checks=[not_a_server_error])
