"""One-click unsubscribe links: signed, single purpose, expiring, no change on GET."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.notifications.models import EmailMode, NotificationPreference
from core.notifications.services import notify
from core.notifications.tokens import SALT, make_token


def url_for(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def other_users_payload(token: str, other: str) -> str:
    """``token`` with its payload replaced by the one of ``other`` (signed for someone else)."""
    return ":".join([other.split(":")[0], *token.split(":")[1:]])


@pytest.fixture
def one_click():
    """A client like a mail provider's: no session, no cookie, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def test_get_only_asks_for_confirmation(one_click, citizen):
    response = one_click.get(url_for(make_token(citizen.pk, "probe.update")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nouvelles du projet" in html and "Confirmer la désinscription" in html
    assert '<form method="post">' in html
    assert not NotificationPreference.objects.exists()


def test_post_mutes_one_kind_without_login_or_csrf_token(one_click, citizen):
    url = url_for(make_token(citizen.pk, "probe.update"))
    for _attempt in range(2):
        response = one_click.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "vous ne recevrez plus de courriel" in response.content.decode()
    preference = NotificationPreference.objects.get(user=citizen)
    assert preference.muted_kinds == ["probe.update"]
    assert preference.email_mode == EmailMode.IMMEDIATE


def test_post_with_the_all_token_stops_every_email(one_click, citizen):
    assert one_click.post(url_for(make_token(citizen.pk))).status_code == 200
    assert NotificationPreference.objects.get(user=citizen).email_mode == EmailMode.NEVER


def test_the_link_of_a_real_email_works(one_click, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([citizen], "probe.update", title="Premier")
    link = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    path = re.sub(r"^https?://[^/]+", "", link)
    assert one_click.post(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        notify([citizen], "probe.update", title="Deuxième")
        notify([citizen], "probe.reminder", title="Autre sujet")
    assert [m.subject for m in mail.outbox] == ["Premier", "Autre sujet"]


@pytest.mark.parametrize(
    "make_bad_token",
    [
        lambda pk: make_token(pk, "*")[:-3] + "abc",  # tampered signature
        lambda pk: other_users_payload(make_token(pk, "*"), make_token(pk + 1, "*")),
        lambda pk: signing.dumps({"u": pk, "k": "*"}, salt="parvis.accounts.password-reset"),
        lambda pk: signing.dumps({"u": pk, "k": "*"}),  # no salt
        lambda pk: signing.dumps(["not", "a", "dict"], salt=SALT),
        lambda pk: "garbage",
    ],
    ids=["tampered", "other-payload", "other-salt", "no-salt", "bad-payload", "garbage"],
)
def test_invalid_tokens_are_refused_cleanly(one_click, citizen, make_bad_token):
    url = url_for(make_bad_token(citizen.pk))
    for response in (one_click.get(url), one_click.post(url)):
        assert response.status_code == 400
        assert "n'est pas valide" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_for_a_deleted_account_is_refused(one_click, citizen):
    # Signed by us for an account that no longer exists.
    response = one_click.post(url_for(make_token(citizen.pk + 1000)))
    assert response.status_code == 400
    assert "n'est pas valide" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_tokens_expire_after_a_year(one_click, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = make_token(citizen.pk)
    with time_machine.travel(start + timedelta(days=364), tick=False):
        assert one_click.get(url_for(token)).status_code == 200
    with time_machine.travel(start + timedelta(days=366), tick=False):
        response = one_click.post(url_for(token))
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_other_methods_are_not_allowed(one_click, citizen):
    assert one_click.put(url_for(make_token(citizen.pk))).status_code == 405
