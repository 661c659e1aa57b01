"""Property-based tests of the API against its own OpenAPI document (Schemathesis).

Requests go in-process to Django's WSGI handler (no network). Every generated request, valid
or not, is judged by every check Schemathesis has (``schemathesis run --checks all``): no
server error; status code, content type, headers and body as the document declares; invalid
data refused and valid data accepted; the declared authentication really required where it is
required (and optional where the document says so: public reads and signing); the methods and
``Allow`` headers as declared. The default run keeps the example count modest (well under two
minutes on two cores); ``-m slow`` runs a thorough one.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks

load_all_checks()
#: ``--checks all``.
CHECKS = list(REGISTERED_CHECKS.get_all())
_BY_NAME = {check.__name__: check for check in CHECKS}

#: Checks switched off for one operation, each with the reason it cannot hold there.
EXCLUDED = {
    # What a valid signature needs depends on the petition box, which a static document cannot
    # express: the e-mail address is required unless the box has eligibility rules (then the
    # account's own address is used), and the signer must consent. A body the schema allows
    # ({"name": "x"}) is therefore rightly refused (422) by the service the web form shares.
    "POST /api/v1/petitions/{petition_id}/sign": [_BY_NAME["positive_data_acceptance"]],
}


def _checked(case) -> None:
    case.call_and_validate(checks=CHECKS, excluded_checks=EXCLUDED.get(case.operation.label, []),
                           headers={"Host": "localhost"})
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
    _checked(case)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=300, **COMMON)
def test_api_conforms_to_its_document_thoroughly(case):
    _checked(case)
