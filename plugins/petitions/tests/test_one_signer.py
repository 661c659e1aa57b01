"""One signature per person: an address typed in another Unicode form is the same address, and
a person who already took part (online or on paper) is told so when confirming, never a 500."""

from __future__ import annotations

import json

from django.core import mail
from django.utils import timezone

from core.participation.identity import normalise_email, person_key_from_email
from core.participation.models import ParticipationRecord
from core.participation.services import participate
from plugins.petitions import services
from plugins.petitions.models import Signature

PLAIN = "dup1@example.org"
FULLWIDTH = "dup1@ｅｘａｍｐｌｅ.org"  # the domain in fullwidth letters: the same mailbox


def sign_through_the_form(client, petition, email):
    return client.post(f"/petitions/{petition.pk}/sign/", {"name": "Dominique", "email": email, "consent": "on"})


def confirm_through_the_api(client, token):
    return client.post("/api/v1/petitions/confirm", json.dumps({"token": token}), content_type="application/json")


def test_there_is_one_normalisation_of_addresses():
    # The petitions keep no copy of their own: what the signature stores is what the person key hashes.
    assert services.normalise_email is normalise_email
    assert normalise_email(f" {FULLWIDTH.upper()} ") == PLAIN
    assert person_key_from_email(FULLWIDTH) == person_key_from_email(PLAIN)


def test_a_fullwidth_address_that_signed_gets_the_same_private_answer(
        client, open_petition, django_capture_on_commit_callbacks):
    services.confirm_signature(services.sign(open_petition, name="Dominique", email=PLAIN).token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = sign_through_the_form(client, open_petition, FULLWIDTH)
        new = sign_through_the_form(client, open_petition, "noe@example.org")
    # The page is the one a new signer sees; the address is told by e-mail, once, and no link is sent.
    assert again.status_code == new.status_code == 200
    assert again.content.decode().replace(FULLWIDTH, "noe@example.org") == new.content.decode()
    assert Signature.objects.filter(petition=open_petition).count() == 2
    assert Signature.objects.filter(email=PLAIN).count() == 1
    notice, link = mail.outbox
    assert notice.to == [PLAIN] and "déjà signée" in notice.body and "/confirm/" not in notice.body
    assert link.to == ["noe@example.org"]


def test_a_fullwidth_address_with_a_pending_signature_gets_a_fresh_link_not_a_second_row(open_petition):
    first = services.sign(open_petition, name="Dominique", email=PLAIN)
    second = services.sign(open_petition, name="Dominique", email=FULLWIDTH)
    assert Signature.objects.count() == 1 and Signature.objects.get().email == PLAIN
    assert services.signature_for_token(first.token) is None
    assert services.signature_for_token(second.token) is not None


def _conflicting_pending_signature(petition) -> str:
    """A pending signature whose person already took part: a row stored in another form of
    the same address before addresses were normalised in one way (its link still works)."""
    services.confirm_signature(services.sign(petition, name="Dominique", email=PLAIN).token)
    token = "ancien-lien-en-attente"
    Signature.objects.create(petition=petition, email=FULLWIDTH, email_domain="ｅｘａｍｐｌｅ.org", name="Dominique",
                             token_hash=services._hash_token(token))
    return token


def test_confirming_a_conflicting_signature_on_the_web_says_the_person_already_signed(client, open_petition):
    token = _conflicting_pending_signature(open_petition)
    response = client.post(f"/petitions/confirm/{token}/")
    assert response.status_code == 400
    day = timezone.localtime(ParticipationRecord.objects.get().created_at)
    assert f"Vous avez déjà participé le {day.day} " in response.content.decode()
    assert "(en ligne)" in response.content.decode()
    assert ParticipationRecord.objects.count() == 1
    assert Signature.objects.get(email=FULLWIDTH).confirmed_at is None


def test_confirming_a_conflicting_signature_through_the_api_says_so_in_the_api_s_error_shape(client, open_petition):
    token = _conflicting_pending_signature(open_petition)
    response = confirm_through_the_api(client, token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_participated"
    assert error["message"].startswith("Vous avez déjà participé le ") and "(en ligne)" in error["message"]
    assert ParticipationRecord.objects.count() == 1


def _on_paper(petition, agent, email):
    participate(subject_key=petition.subject_key, person_key=person_key_from_email(email), channel="paper",
                entered_by=agent, sheet_reference="F-001")


def test_signing_online_after_a_paper_signature_is_told_at_confirmation_on_the_web(
        client, open_petition, agent, django_capture_on_commit_callbacks):
    _on_paper(open_petition, agent, "lea@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_through_the_form(client, open_petition, "Lea@Example.org").status_code == 200
    # The link goes to the address: only its owner learns, by confirming, that it signed on paper.
    link = mail.outbox[-1].body.split("http://localhost:8000", 1)[1].split()[0]
    response = client.post(link)
    assert response.status_code == 400
    assert "Vous avez déjà participé le" in response.content.decode()
    assert "(sur papier, saisi en mairie)" in response.content.decode()
    record = ParticipationRecord.objects.get()
    assert record.channel == "paper"
    assert Signature.objects.get().confirmed_at is None


def test_signing_online_after_a_paper_signature_is_told_at_confirmation_through_the_api(
        client, open_petition, agent):
    _on_paper(open_petition, agent, FULLWIDTH)
    request = services.sign(open_petition, name="Dominique", email=PLAIN)
    response = confirm_through_the_api(client, request.token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_participated" and "(sur papier, saisi en mairie)" in error["message"]
    assert ParticipationRecord.objects.get().channel == "paper"


def test_addresses_stored_in_another_form_are_normalised_unless_that_would_make_a_duplicate(open_petition):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("plugins.petitions.migrations.0005_signature_email_normalised")
    kept = Signature.objects.create(petition=open_petition, email=PLAIN, email_domain="example.org", name="A",
                                    token_hash="1")
    duplicate = Signature.objects.create(petition=open_petition, email=FULLWIDTH, email_domain="ｅｘａｍｐｌｅ.org",
                                         name="A", token_hash="2")
    lone = Signature.objects.create(petition=open_petition, email="ｌéa@ｅｘａｍｐｌｅ.org", email_domain="ｅｘａｍｐｌｅ.org",
                                    name="B", token_hash="3")
    accented = Signature.objects.create(petition=open_petition, email="zoé@example.org", email_domain="example.org",
                                        name="C", token_hash="4")
    migration.normalise_addresses(apps, None)
    rows = {s.pk: (s.email, s.email_domain) for s in Signature.objects.all()}
    assert rows[kept.pk] == (PLAIN, "example.org")
    assert rows[duplicate.pk] == (FULLWIDTH, "ｅｘａｍｐｌｅ.org")
    assert rows[lone.pk] == ("léa@example.org", "example.org")
    assert rows[accented.pk] == ("zoé@example.org", "example.org")
