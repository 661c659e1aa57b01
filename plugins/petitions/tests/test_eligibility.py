"""A petition box with eligibility rules: only eligible accounts sign, through the public pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.identity.models import EligibilityRule
from core.identity.services import verify_in_person
from core.participation.models import ParticipationRecord, PendingLedgerEntry
from plugins.petitions.models import Signature
from tests.conftest import make_user

ADULT = timezone.localdate() - timedelta(days=365 * 30)


@pytest.fixture
def rule(box):
    return EligibilityRule.objects.create(component=box, label="résident de Saint-Aubin",
                                          residence_areas="Saint-Aubin-des-Prés")


@pytest.fixture
def resident(commune):
    user = make_user("resident@example.org")
    verify_in_person(None, commune, user, areas=["Saint-Aubin-des-Prés"], birth_date=ADULT)
    return user


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def sign_url(petition) -> str:
    return f"/petitions/{petition.pk}/sign/"


FORM = {"name": "Léa Martin", "email": "lea@example.org", "consent": "on"}


def test_an_anonymous_visitor_sees_the_conditions_and_a_link_to_log_in(open_petition, rule):
    client = client_for()
    html = client.get(sign_url(open_petition)).content.decode()
    assert "Cette pétition est réservée aux personnes qui remplissent ces conditions" in html
    assert "résident de Saint-Aubin" in html
    assert f'href="/accounts/login/?next=%2Fpetitions%2F{open_petition.pk}%2Fsign%2F"' in html
    assert "<form method=\"post\" novalidate>" not in html
    response = client.post(sign_url(open_petition), FORM)
    assert response.status_code == 403
    assert not Signature.objects.exists() and not mail.outbox


def test_an_ineligible_account_sees_why_and_how_to_verify_and_no_form(open_petition, rule, citizen):
    client = client_for(citizen)
    html = client.get(sign_url(open_petition)).content.decode()
    assert "Vous ne pouvez pas participer pour l&#x27;instant" in html
    assert "votre lieu de résidence n&#x27;est pas encore vérifié" in html
    assert 'href="/identity/code/"' in html  # how to get verified
    assert 'name="name"' not in html
    assert client.post(sign_url(open_petition), FORM).status_code == 403
    assert not Signature.objects.exists()


def test_an_eligible_account_signs_with_its_address_and_confirms(
        open_petition, rule, resident, django_capture_on_commit_callbacks):
    client = client_for(resident)
    html = client.get(sign_url(open_petition)).content.decode()
    assert "Vous signez avec votre compte (resident@example.org)" in html
    assert 'name="email"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(open_petition), FORM)
    assert response.status_code == 200
    signature = Signature.objects.get()
    assert signature.email == "resident@example.org"
    link = re.search(r"http://\S+/petitions/confirm/\S+/", mail.outbox[-1].body).group(0)
    link = link.replace("http://localhost:8000", "")
    # Confirming needs the account that signed: anonymous, the page asks to log in.
    assert "connectez-vous avec le compte qui a signé" in client_for().get(link).content.decode()
    assert client_for().post(link).status_code == 400
    assert not ParticipationRecord.objects.exists() and not PendingLedgerEntry.objects.exists()
    page = client.post(link).content.decode()
    assert "votre signature est confirmée" in page
    record = ParticipationRecord.objects.get()
    assert (record.channel, record.user) == ("web", resident)
    # Signing again with one's own account: told at once, on the page (it is one's own data).
    again = client.post(sign_url(open_petition), FORM)
    assert again.status_code == 400 and "Vous avez déjà signé cette pétition le" in again.content.decode()
    assert Signature.objects.count() == 1


def test_confirmation_rechecks_eligibility(open_petition, rule, resident, citizen):
    from plugins.petitions import services

    request = services.sign(open_petition, name="R", email="x@example.org", user=resident)
    rule.residence_areas = "Rennes"
    rule.save()
    page = client_for(resident).post(f"/petitions/confirm/{request.token}/")
    assert page.status_code == 400
    assert "réservée aux personnes qui résident à : Rennes" in page.content.decode()
    other = client_for(citizen).post(f"/petitions/confirm/{request.token}/")
    assert "Connectez-vous avec le compte qui a signé" in other.content.decode()
    assert not ParticipationRecord.objects.exists()


def test_without_rules_anonymous_email_signing_is_unchanged(open_petition):
    html = client_for().get(sign_url(open_petition)).content.decode()
    assert 'name="email"' in html and "Qui peut signer" not in html
    assert client_for().post(sign_url(open_petition), FORM).status_code == 200
    assert Signature.objects.get().email == "lea@example.org"
