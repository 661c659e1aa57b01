"""The accessibility statement of each organisation, from the browser gate's last audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from core import accessibility
from tests.gates.browser import build_summary


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _record(ident, url, **counts):
    return {"id": ident, "label": f"Page {ident}", "url": url, "axe_version": "4.14.1",
            "counts": {impact: counts.get(impact, 0) for impact in accessibility.IMPACTS},
            "violations": [{"id": rule} for rule in counts.get("rules", [])]}


def _summary(*records, unenforced=()):
    return build_summary(list(records), list(unenforced), browser="Chromium 156",
                         when=datetime(2025, 3, 14, 10, 30, tzinfo=UTC))


def _write(tmp_path, summary) -> str:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary))
    return str(path)


def test_without_an_audit_the_statement_says_non_conforme(client, commune):
    html = client.get("/o/saint-aubin/accessibilite/").content.decode()
    assert "<h1>Déclaration d'accessibilité</h1>" in html
    assert "<strong>non conforme</strong>" in html
    assert "Aucun audit n'a encore été enregistré" in html
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html


def test_the_recorded_audit_decides_the_status_and_lists_the_pages(client, commune, tmp_path):
    summary = _summary(
        _record("core:home", "/", minor=2, rules=["region"]),
        _record("account_login", "/accounts/login/"),
        unenforced=[_record("wagtail-admin-login", "/admin/login/", serious=3)],
    )
    out = call_command_output("a11y_record", _write(tmp_path, summary))
    assert "partiellement conforme" in out and "2 pages" in out
    assert json.loads(accessibility.audit_path().read_text())["pages"][0]["rules"] == ["region"]

    html = client.get("/o/saint-aubin/accessibilite/").content.decode()
    assert "<strong>partiellement conforme</strong>" in html
    assert "réalisé le 14 mars 2025" in html
    assert "<code>/accounts/login/</code>" in html and "Page core:home" in html
    assert "/admin/login/" not in html  # Wagtail's admin is recorded, not part of the statement
    assert "axe-core 4.14.1" in html
    home = client.get(commune.get_absolute_url()).content.decode()
    assert 'href="/o/saint-aubin/accessibilite/">Accessibilité : partiellement conforme</a>' in home


@pytest.mark.parametrize("counts, status", [
    ({}, "totalement conforme"),
    ({"moderate": 1}, "partiellement conforme"),
    ({"serious": 1}, "non conforme"),
    ({"critical": 1, "minor": 4}, "non conforme"),
])
def test_conformity_follows_the_worst_violation(client, commune, tmp_path, counts, status):
    summary = _summary(_record("core:home", "/"), _record("core:space", "/spaces/x/", **counts))
    call_command_output("a11y_record", _write(tmp_path, summary))
    html = client.get("/o/saint-aubin/accessibilite/").content.decode()
    assert f"<strong>{status}</strong>" in html


def test_the_statement_is_translated(client, commune, tmp_path):
    call_command_output("a11y_record", _write(tmp_path, _summary(_record("core:home", "/"))))
    html = client.get("/o/saint-aubin/accessibilite/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Accessibility statement</h1>" in html
    assert "<strong>fully compliant</strong>" in html
    assert "Defender of Rights" in html


def test_an_unknown_organisation_has_no_statement(client, db):
    assert client.get("/o/inconnue/accessibilite/").status_code == 404


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "not readable JSON"),
    (json.dumps({"format": "autre"}), "not a summary of the browser gate"),
    (json.dumps({"format": "parvis-axe-summary/1", "generated_at": "hier", "pages": []}),
     "ISO 8601"),
    (json.dumps({"format": "parvis-axe-summary/1", "generated_at": "2025-01-01T00:00:00+00:00",
                 "pages": [{"url": "/", "violations": {"critical": -1}}]}), "must count"),
])
def test_a_bad_report_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("a11y_record", str(path))
    assert not accessibility.audit_path().exists()


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
