"""Property-based tests of the API against its own OpenAPI document (Schemathesis).

Requests go in-process to Django's WSGI handler (no network). Every generated request, valid
or not, must get an answer that is not a server error and that conforms to the document:
declared status code, content type and body schema. The default run keeps the example count
modest; ``-m slow`` runs a thorough one.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COMMON = {"deadline": None, "derandomize": True, "phases": [Phase.explicit, Phase.generate],
          "suppress_health_check": list(HealthCheck)}


@pytest.fixture
def in_process():
    """Keep the test's database connection across requests, as Django's test client does (the
    WSGI handler closes it at the end of each request otherwise)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, in_process, open_petition):
    """The live document, loaded from the app (with a petition to read and sign)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), headers={"Host": "localhost"})


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, **COMMON)
def test_api_conforms_to_its_document(case):
    case.call_and_validate(checks=CHECKS, headers={"Host": "localhost"})


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=300, **COMMON)
def test_api_conforms_to_its_document_thoroughly(case):
    case.call_and_validate(checks=CHECKS, headers={"Host": "localhost"})
