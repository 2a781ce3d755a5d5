"""Property-based checks of the JSON API against its own OpenAPI description (schemathesis):
for generated requests – valid and invalid parameters, with a token of institute staff – the API
never answers with a server error, only with documented status codes, and its answers (refusals
included, which say why) match the description."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from qdialog.api.models import ApiToken
from qdialog.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the WSGI application itself, not Django's test client: like the
    client, keep Django from closing the test's database connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_description(case, world, keep_test_connection):
    _record, token = ApiToken.issue(user=world.people["alice"], name="fuzz")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
