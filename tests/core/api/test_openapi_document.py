"""The OpenAPI document declares the security each operation really has, and the lists' page
range: what Schemathesis' authentication and data checks hold the API to."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_public_reads_and_signing_declare_authentication_optional(document):
    open_to_anyone = {name: op["security"] for name, op in operations(document) if name != "GET /api/v1/me"}
    assert "GET /api/v1/petitions/" in open_to_anyone and "POST /api/v1/petitions/confirm" in open_to_anyone
    for name, security in open_to_anyone.items():
        assert {} in security, f"{name}: authentication declared as required"
        assert {"BearerToken": []} in security and {"SessionCookie": []} in security, name
    for name, operation in operations(document):
        assert not any(p["in"] == "header" and p["name"].lower() == "authorization"
                       for p in operation.get("parameters", [])), name


def test_the_token_owner_endpoint_requires_a_token_and_the_api_does_require_it(document):
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"BearerToken": []}]
    assert Client().get("/api/v1/me").status_code == 401


def test_the_security_schemes_are_those_the_api_reads(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionCookie"]["in"] == "cookie" and schemes["SessionCookie"]["name"] == "sessionid"


def test_public_reads_answer_without_credentials_as_declared(document, open_petition):
    for path in ("/api/v1/organisations", "/api/v1/spaces", "/api/v1/petitions/",
                 f"/api/v1/petitions/{open_petition.pk}"):
        assert Client().get(path).status_code == 200, path


def test_list_pages_are_declared_from_1_as_paginate_enforces(document):
    lists = [op for name, op in operations(document) if name.startswith("GET") and any(
        p["name"] == "page" for p in op.get("parameters", []))]
    assert len(lists) >= 4
    for operation in lists:
        page = next(p for p in operation["parameters"] if p["name"] == "page")
        assert page["schema"]["minimum"] == 1
    assert Client().get("/api/v1/organisations", {"page": 0}).status_code == 422
