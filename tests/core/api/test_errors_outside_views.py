"""Every answer with an error status under /api/ is in the API's error format, including those
made outside the API's views: a body too large, a server error, an unknown path outside
/api/v1/, a method refused, a host name refused."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from core.api import endpoints

pytestmark = pytest.mark.django_db


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_too_large_is_a_json_413():
    body = '{"token": "' + "a" * 2000 + '"}'
    response = Client().post("/api/v1/petitions/confirm", body, content_type="application/json")
    error = error_of(response, 413, "too_large")
    assert error["details"] == {"max_bytes": 1000}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_too_large_for_an_endpoint_that_reads_no_body_is_refused_the_same_way():
    response = Client().post("/api/v1/petitions/confirm", "a" * 2000, content_type="text/plain")
    error_of(response, 413, "too_large")


def test_an_unhandled_exception_is_a_json_500(monkeypatch):
    def broken(request):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(endpoints, "_organisations", broken)
    response = Client(raise_request_exception=False).get("/api/v1/organisations")
    error = error_of(response, 500, "server_error")
    assert "database" not in error["message"]  # nothing of the server's internals
    english = Client(raise_request_exception=False).get("/api/v1/organisations", HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(english, 500, "server_error")["message"] == "Server error: it has been logged. Try again later."


@pytest.mark.parametrize("path", ["/api/", "/api/v2/organisations/", "/api/v1/nulle-part", "/api/v1/organisations/x/y"])
def test_unknown_api_paths_are_a_json_404(path):
    error_of(Client().get(path), 404, "not_found")


@pytest.mark.parametrize("method, path", [
    ("put", "/api/v1/organisations"), ("delete", "/api/v1/petitions/confirm"), ("post", "/api/v1/"),
    ("get", "/api/v1/petitions/confirm"),
])
def test_refused_methods_are_a_json_405_with_allow(method, path):
    response = getattr(Client(), method)(path)
    error_of(response, 405, "method_not_allowed")
    assert response["Allow"]


def test_a_refused_host_name_is_a_json_400():
    response = Client(HTTP_HOST="bad host!").get("/api/v1/organisations")
    error_of(response, 400, "bad_request")


def test_pages_outside_the_api_keep_their_html_errors():
    response = Client().get("/nulle-part-ailleurs/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
