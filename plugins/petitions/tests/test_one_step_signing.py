"""A signed-in account whose address is verified signs in one step: counted at once, a receipt
shown, no link e-mailed. Visitors and accounts whose address is not verified confirm by e-mail."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from core.api import tokens
from core.participation.identity import person_key_from_email
from core.participation.models import ParticipationRecord
from core.participation.services import participate
from plugins.petitions import services
from plugins.petitions.models import Signature
from plugins.petitions.tasks import send_confirmations, update_counts
from tests.conftest import make_user

FORM = {"name": "Vérane Vérifiée", "consent": "on"}


@pytest.fixture
def verified(db):
    user = make_user("verane@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def unverified(db):
    user = make_user("ulysse@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def sign(client, petition, email, capture):
    with capture(execute=True):
        response = client.post(f"/petitions/{petition.pk}/sign/", {**FORM, "email": email})
        send_confirmations()  # whatever waits for a link goes now
    return response


def counted(petition) -> int:
    update_counts()
    petition.refresh_from_db()
    return petition.count_web


def test_a_visitor_still_confirms_by_email(open_petition, django_capture_on_commit_callbacks):
    response = sign(client_for(), open_petition, "verane@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["verane@example.org"]] and "/confirm/" in mail.outbox[0].body
    assert not ParticipationRecord.objects.exists() and counted(open_petition) == 0


def test_an_account_whose_address_is_not_verified_confirms_by_email(
        open_petition, unverified, django_capture_on_commit_callbacks):
    response = sign(client_for(unverified), open_petition, unverified.email, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[unverified.email]] and "/confirm/" in mail.outbox[0].body
    assert not ParticipationRecord.objects.exists() and counted(open_petition) == 0


def test_a_verified_account_signs_in_one_step(open_petition, verified, django_capture_on_commit_callbacks):
    client = client_for(verified)
    form = client.get(f"/petitions/{open_petition.pk}/sign/").content.decode()
    assert 'value="verane@example.org"' in form and "vous signez en une étape" in form
    response = sign(client, open_petition, verified.email, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200 and "votre signature est confirmée" in page
    receipt = re.search(r'<code class="receipt">(\S+)</code>', page).group(1)
    assert receipt.startswith("pvr1.")
    assert mail.outbox == []  # no link to follow
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None and signature.token_nonce == ""
    record = ParticipationRecord.objects.get()
    assert (record.channel, record.person_key) == ("web", person_key_from_email(verified.email))
    assert signature.record == record and counted(open_petition) == 1
    # The receipt page's withdrawal link works.
    withdraw = re.search(r'href="(/petitions/withdraw/[^"]+/)"', page).group(1)
    assert client.post(withdraw).status_code == 302 and counted(open_petition) == 0


def test_a_verified_account_signing_twice_is_told_and_counted_once(
        open_petition, verified, django_capture_on_commit_callbacks):
    client = client_for(verified)
    sign(client, open_petition, verified.email, django_capture_on_commit_callbacks)
    again = sign(client, open_petition, verified.email, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "Vous avez déjà signé cette pétition le" in again.content.decode()
    assert "vous signez en une étape" in again.content.decode()  # the form comes back as it was
    assert Signature.objects.count() == 1 and ParticipationRecord.objects.count() == 1
    assert mail.outbox == [] and counted(open_petition) == 1


def test_a_verified_account_confirms_at_once_what_it_left_pending(
        open_petition, verified, django_capture_on_commit_callbacks):
    services.sign(open_petition, name="Vérane", email="Verane@Example.org")  # the link was never followed
    response = sign(client_for(verified), open_petition, verified.email, django_capture_on_commit_callbacks)
    assert "votre signature est confirmée" in response.content.decode()
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None and signature.name == FORM["name"]
    assert mail.outbox == [] and counted(open_petition) == 1


def test_a_verified_account_typing_another_address_gets_a_link_sent_to_it(
        open_petition, verified, django_capture_on_commit_callbacks):
    response = sign(client_for(verified), open_petition, "quelquun@example.org", django_capture_on_commit_callbacks)
    assert "Plus qu'une étape" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["quelquun@example.org"]]
    assert not ParticipationRecord.objects.exists()


def test_a_verified_account_that_signed_on_paper_is_told_so(
        open_petition, verified, agent, django_capture_on_commit_callbacks):
    participate(subject_key=open_petition.subject_key, person_key=person_key_from_email(verified.email),
                channel="paper", entered_by=agent, sheet_reference="F-002")
    response = sign(client_for(verified), open_petition, verified.email, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "(sur papier, saisi en mairie)" in response.content.decode()
    assert not Signature.objects.exists() and ParticipationRecord.objects.get().channel == "paper"
    assert mail.outbox == []


def _api_sign(client, petition, user, email):
    token = tokens.create_token(user, name="Script", scopes=["petitions:sign"]).raw
    body = {"name": "Vérane Vérifiée", "email": email, "consent": True}
    return client.post(f"/api/v1/petitions/{petition.pk}/sign", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_through_the_api_a_verified_account_signs_in_one_step_too(
        client, open_petition, verified, unverified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api_sign(client, open_petition, verified, verified.email)
        send_confirmations()
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["receipt"].startswith("pvr1.")
    assert mail.outbox == [] and counted(open_petition) == 1
    again = _api_sign(client, open_petition, verified, verified.email)
    assert again.status_code == 400 and "Vous avez déjà signé cette pétition le" in again.json()["error"]["message"]
    assert ParticipationRecord.objects.count() == 1
    # An address the account has not verified goes through the e-mailed link.
    with django_capture_on_commit_callbacks(execute=True):
        pending = _api_sign(client, open_petition, unverified, unverified.email)
        send_confirmations()
    assert pending.status_code == 202 and pending.json()["status"] == "confirmation_sent"
    assert pending.json()["receipt"] is None
    assert [m.to for m in mail.outbox] == [[unverified.email]] and counted(open_petition) == 1
