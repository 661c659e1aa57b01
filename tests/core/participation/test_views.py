"""Pages: agents' paper entry, printable form, public ledger, export, receipts and keys."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.ledger import load_export, verify_export
from core.participation.models import LedgerEntry, ParticipationRecord, PendingLedgerEntry
from core.participation.services import flush_pending, publish_head

from .helpers import sign

SHEET = {"family_name": "Lefèvre", "given_names": "Jean-Éric", "birth_date": "29/02/1980",
         "sheet_reference": "F-001", "projects": ["park", "trees"]}


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(citizen, foreign_agent, moderator, agent, commune_admin):
    return {"participant": citizen, "foreign_agent": foreign_agent, "moderator": moderator,
            "agent": agent, "admin": commune_admin}


EXPECTED = {"participant": 403, "foreign_agent": 403, "moderator": 403, "agent": 200, "admin": 200}


CSV = "family_name;given_names;birth_date;sheet_reference;projects\nLefèvre;Jean-Éric;29/02/1980;F-001;park|trees\n"


def _post_data(name):
    if name == "participation:paper_import":
        return {"file": SimpleUploadedFile("feuilles.csv", CSV.encode(), "text/csv")}
    return SHEET


@pytest.mark.parametrize("name", ["participation:paper_entry", "participation:paper_import"])
def test_agent_pages_permissions_for_every_role(vote, people, name):
    url = reverse(name, args=[vote])
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Client().post(url, _post_data(name)).status_code == 302
    for role, user in people.items():
        assert client_for(user).get(url).status_code == EXPECTED[role], role
        assert client_for(user).post(url, _post_data(name)).status_code == EXPECTED[role], role
    # Only the agent's and the admin's POSTs were accepted: one sheet, then a duplicate refused.
    record = ParticipationRecord.objects.get()
    assert (record.entered_by, record.sheet_reference) == (people["agent"], "F-001")


def test_paper_entry_is_csrf_protected(vote, agent):
    client = client_for(agent, enforce_csrf_checks=True)
    url = reverse("participation:paper_entry", args=[vote])
    assert client.post(url, SHEET).status_code == 403
    import_url = reverse("participation:paper_import", args=[vote])
    assert client.post(import_url, {}).status_code == 403
    assert not ParticipationRecord.objects.exists()
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    assert client.post(url, {**SHEET, "csrfmiddlewaretoken": token}).status_code == 200
    assert ParticipationRecord.objects.count() == 1


def test_paper_entry_records_one_sheet_and_shows_an_empty_form(vote, agent, probe):
    client = client_for(agent)
    url = reverse("participation:paper_entry", args=[vote])
    page = client.get(url).content.decode()
    assert re.search(r'<input[^>]*name="family_name"[^>]*autofocus', page)
    assert page.count("autofocus") == 1
    response = client.post(url, SHEET)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Feuille « F-001 » enregistrée." in html
    assert 'value="Lefèvre"' not in html  # the form is empty again for the next sheet
    record = ParticipationRecord.objects.get()
    assert (record.channel, record.entered_by, record.sheet_reference, record.user) == (
        "paper", agent, "F-001", None)
    assert probe.paper_entries == [(vote, record.pk, ["park", "trees"])]
    flush_pending(vote)
    assert '"choice":["park","trees"]' in LedgerEntry.objects.get().data
    assert "pvr1." not in html  # the person is not there: no receipt shown


@pytest.mark.django_db(transaction=True)  # the receipt exists once the entry is appended
def test_assisted_entry_shows_the_receipt_and_a_duplicate_saves_nothing(vote, agent):
    client = client_for(agent)
    url = reverse("participation:paper_entry", args=[vote])
    html = client.post(url, {**SHEET, "assisted": "on"}).content.decode()
    assert ParticipationRecord.objects.get().channel == "assisted"
    assert "pvr1." in html
    again = client.post(url, {**SHEET, "family_name": "LEFEVRE", "given_names": "jean eric",
                              "sheet_reference": "F-002"}).content.decode()
    assert "Cette personne a déjà participé le" in again
    assert "(en mairie, avec l&#x27;aide d&#x27;un agent)" in again
    assert ParticipationRecord.objects.count() == 1
    assert PendingLedgerEntry.objects.count() + LedgerEntry.objects.count() == 1


def test_petition_sheets_require_the_email(petition, agent):
    url = reverse("participation:paper_entry", args=[petition])
    response = client_for(agent).post(url, {"sheet_reference": "P-1", "family_name": "Durand"})
    assert response.status_code == 200 and not ParticipationRecord.objects.exists()
    assert 'id="id_email"' in response.content.decode()
    client_for(agent).post(url, {"sheet_reference": "P-1", "email": "Durand@Example.org"})
    assert ParticipationRecord.objects.get().channel == "paper"


def test_closed_subject_refuses_paper_entry(closed_petition, agent):
    url = reverse("participation:paper_entry", args=[closed_petition])
    html = client_for(agent).post(url, {"sheet_reference": "P-1", "email": "a@example.org"}).content.decode()
    assert "Cette consultation est close" in html
    assert not ParticipationRecord.objects.exists()


def test_unknown_subject_is_404(probe, agent):
    for key in ["probe:petition:999", "probe:nothing:1", "nonsense"]:
        assert client_for(agent).get(reverse("participation:paper_entry", args=[key])).status_code == 404
        assert Client().get(reverse("participation:printable", args=[key])).status_code == 404
    assert Client().get(reverse("participation:ledger", args=["probe:petition:999"])).status_code == 404
    assert Client().get(reverse("participation:export", args=["probe:petition:999"])).status_code == 404


@override_settings(WAGTAILADMIN_BASE_URL="https://mairie.example")
def test_printable_form_has_the_fields_and_a_qr_code_to_the_online_page(vote):
    html = Client().get(reverse("participation:printable", args=[vote])).content.decode()
    assert "<svg" in html and "print.css" in html
    assert f"https://mairie.example/probe/vote/{vote.rsplit(':', 1)[1]}/" in html
    for label in ["Nom de famille", "Prénoms", "Date de naissance", "Projets choisis", "Une médiathèque"]:
        assert label in html


def test_ledger_page_export_receipt_and_keys(petition):
    receipts = [r.receipt for r in sign(petition, 3)]
    publish_head(petition)
    ledger = Client().get(reverse("participation:ledger", args=[petition]))
    html = ledger.content.decode()
    assert ledger.status_code == 200 and reverse("participation:export", args=[petition]) in html
    assert "parvis verify" in html
    response = Client().get(reverse("participation:export", args=[petition]))
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert verify_export(load_export(response.content)).ok
    assert json.loads(response.content)["totals"]["by_channel"]["web"] == 3
    check = Client().get(reverse("participation:receipt"), {"receipt": receipts[1]})
    assert "est dans le registre et elle est comptée" in check.content.decode()
    bad = Client().get(reverse("participation:receipt"), {"receipt": "n'importe quoi"})
    assert "pas un reçu Parvis" in bad.content.decode()
    keys = Client().get(reverse("participation:keys")).content.decode()
    head_key = json.loads(response.content)["heads"][0]["key_id"]
    assert head_key in keys and head_key in html


def _queries(url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url, params or {}).status_code == 200
    return len(queries)


def test_ledger_page_and_receipt_check_cost_the_same_queries_at_10_and_300_entries(petition):
    first = sign(petition, 10)[0].receipt
    publish_head(petition)
    ledger_url = reverse("participation:ledger", args=[petition])
    receipt_url = reverse("participation:receipt")
    _queries(ledger_url)  # warms the per-process caches (sites, plugin settings)
    small = (_queries(ledger_url), _queries(receipt_url, {"receipt": first}))
    sign(petition, 290, start=10)
    publish_head(petition)
    assert LedgerEntry.objects.count() == 300
    assert (_queries(ledger_url), _queries(receipt_url, {"receipt": first})) == small
