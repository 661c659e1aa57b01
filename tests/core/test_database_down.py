"""The database unreachable: a short 503 page (JSON under /api/) with Retry-After, never a
traceback, and pages again as soon as it is back, without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db, tmp_path):
    """The default database cannot be reached: PostgreSQL at a closed port, SQLite in a
    directory that does not exist; the real one comes back afterwards."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")

    def back() -> None:
        connection.close()
        connection.settings_dict.update(saved)

    yield back
    back()


def _client(**headers) -> Client:
    return Client(raise_request_exception=False, **headers)


def test_pages_answer_503_in_french_with_retry_after(space, database_down):
    response = _client().get(space.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Service momentanément indisponible" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_page_follows_the_visitor_s_language(space, database_down):
    response = _client(HTTP_ACCEPT_LANGUAGE="en").get(space.get_absolute_url())
    assert response.status_code == 503 and "Service temporarily unavailable" in response.content.decode()


def test_the_api_answers_its_json_error_shape(space, database_down):
    response = _client().get("/api/v1/petitions/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "unavailable"
    assert response.json()["error"]["message"]


def test_pages_come_back_with_the_database_without_a_restart(space, database_down):
    client = _client()
    assert client.get(space.get_absolute_url()).status_code == 503
    database_down()
    assert client.get(space.get_absolute_url()).status_code == 200


def test_other_server_errors_under_the_api_keep_the_json_shape(db, monkeypatch):
    from plugins.petitions import api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "public_petitions", broken)
    response = _client().get("/api/v1/petitions/")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "server_error" and "a bug" not in response.content.decode()
    page = _client().get("/accounts/login/")  # the pages still answer normally
    assert page.status_code == 200


@pytest.mark.integration
def test_postgresql_unreachable_answers_503_in_a_fresh_process(tmp_path):
    port = _closed_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update({"PARVIS_MODE": "test", "PARVIS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "core.settings",
                "DATABASE_URL": f"postgres://parvis:parvis@127.0.0.1:{port}/parvis"})
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "for url in ('/', '/api/v1/petitions/'):\n"
        "    r = c.get(url); print(r.status_code, r['Retry-After'], r['Content-Type'].split(';')[0])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split("\n")[:2] == ["503 30 text/html", "503 30 application/json"], result.stderr[-2000:]
