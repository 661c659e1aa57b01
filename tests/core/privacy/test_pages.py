"""« Mes données » (export by e-mailed single-use link) and « Supprimer mon compte »."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import data_exports
from core.models import DataExport, ErasureRecord, User
from core.notifications.models import Notification
from core.tasks import purge_data_exports

MY_DATA = reverse("core:my_data")
DELETE = reverse("core:delete_account")
PASSWORD = "correct horse battery"  # core.testing.make_user


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request_export(client, capture) -> str:
    """POST « Préparer mon export », run the task, return the path of the e-mailed link."""
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(MY_DATA)
    assert response.status_code == 302 and response["Location"] == MY_DATA
    [message] = mail.outbox
    url = re.search(r"https?://\S+/compte/donnees/\S+/", message.body).group(0)
    return urlsplit(url).path


def test_export_is_mailed_and_downloads_once(citizen, data_dir, django_capture_on_commit_callbacks):
    client = _signed_in(citizen)
    link = _request_export(client, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [citizen.email]
    export = DataExport.objects.get(user=citizen)
    assert export.ready_at and export.downloaded_at is None
    assert export.expires_at - export.ready_at == timedelta(hours=48)
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the token's hash is stored; the file is outside the public media.
    assert token not in export.token_hash and export.token_hash == data_exports.hash_token(token)
    path = data_exports.path_of(export)
    assert path.parent == data_dir / "exports" and path.exists()

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["donnees.html", "donnees.json"]
    data = json.loads(archive.read("donnees.json"))
    assert data["core"]["account"]["data"]["account"]["email"] == citizen.email
    html = archive.read("donnees.html").decode()
    assert '<html lang="fr">' in html and citizen.email in html and "<dl>" in html
    assert not path.exists()  # the file goes with its single download

    again = client.get(link)
    assert again.status_code == 410
    assert "déjà servi" in again.content.decode() and reverse("core:my_data") in again.content.decode()


def test_an_expired_link_answers_410(citizen, django_capture_on_commit_callbacks):
    client = _signed_in(citizen)
    link = _request_export(client, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    assert DataExport.objects.get().downloaded_at is None


def test_only_the_owner_may_download(citizen, commune_admin, django_capture_on_commit_callbacks):
    link = _request_export(_signed_in(citizen), django_capture_on_commit_callbacks)
    assert _signed_in(commune_admin).get(link).status_code == 404
    assert _signed_in(citizen).get(link).status_code == 200  # not spent by the other account
    assert _signed_in(citizen).get("/compte/donnees/pas-un-jeton/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, citizen, django_capture_on_commit_callbacks):
    link = _request_export(_signed_in(citizen), django_capture_on_commit_callbacks)
    for url in (MY_DATA, DELETE, link):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.post(DELETE, {"password": PASSWORD, "confirm": "on"}).status_code == 302
    assert User.objects.filter(pk=citizen.pk).exists()
    assert DataExport.objects.get().downloaded_at is None


def test_a_second_request_within_minutes_builds_nothing_more(citizen, django_capture_on_commit_callbacks):
    client = _signed_in(citizen)
    _request_export(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MY_DATA, follow=True)
    assert "déjà demandé un export" in response.content.decode()
    assert DataExport.objects.count() == 1 and len(mail.outbox) == 1


def test_both_forms_need_the_csrf_token(citizen, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(MY_DATA).status_code == 403
    assert client.post(DELETE, {"password": PASSWORD, "confirm": "on"}).status_code == 403
    assert not DataExport.objects.exists() and mail.outbox == []
    assert User.objects.filter(pk=citizen.pk).exists() and not ErasureRecord.objects.exists()


def test_my_data_lists_what_is_kept_and_links_to_deletion(citizen):
    from core.privacy import sections

    html = _signed_in(citizen).get(MY_DATA).content.decode()
    for _slug, section in sections():
        assert str(section.description).replace("'", "&#x27;") in html
    assert DELETE in html and "Préparer mon export" in html
    # The navigation leads there.
    home = _signed_in(citizen).get(reverse("core:home")).content.decode()
    assert f'href="{MY_DATA}"' in home and "Mes données" in home


def test_deletion_with_a_wrong_password_keeps_everything(citizen):
    client = _signed_in(citizen)
    Notification.objects.create(recipient=citizen, kind="core.space_message", title="Bonjour")
    response = client.post(DELETE, {"password": "pas le bon", "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="pas le bon"' not in html  # the password is never sent back
    assert "Ce mot de passe n&#x27;est pas le bon." in html and 'aria-invalid="true"' in html
    assert User.objects.filter(pk=citizen.pk).exists() and Notification.objects.filter(recipient=citizen).exists()
    assert not ErasureRecord.objects.exists()
    assert client.get(MY_DATA).status_code == 200  # still signed in
    # Without the confirmation box, nothing either.
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 200 and User.objects.filter(pk=citizen.pk).exists()


@pytest.mark.parametrize("who", ["citizen", "commune_admin"])
def test_deletion_erases_the_account_and_signs_out(who, request, django_capture_on_commit_callbacks):
    user = request.getfixturevalue(who)
    client = _signed_in(user)
    link = _request_export(client, django_capture_on_commit_callbacks)
    path = data_exports.path_of(DataExport.objects.get(user=user))
    Notification.objects.create(recipient=user, kind="core.space_message", title="Bonjour")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert not User.objects.filter(pk=user.pk).exists()
    assert ErasureRecord.objects.count() == 1
    assert not DataExport.objects.exists() and not path.exists()
    assert not Notification.objects.exists()
    home = client.get(response["Location"])
    assert "Votre compte a été supprimé." in home.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(MY_DATA).status_code == 302
    assert client.get(link).status_code == 302


def _signed_in_with_the_form(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and client.get(MY_DATA).status_code == 200
    return client


def _sessions_naming(user) -> list[dict]:
    from django.contrib.sessions.models import Session

    address = re.compile(rf"(?<![\w.+-]){re.escape(user.email.lower())}(?![\w.-])")
    return [data for data in (s.get_decoded() for s in Session.objects.all())
            if data.get("_auth_user_id") == str(user.pk) or address.search(repr(data).lower())]


def test_deletion_ends_the_account_s_other_sessions(citizen, commune_admin):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=citizen, email=citizen.email,
                                          defaults={"verified": True, "primary": True})
    laptop, phone = _signed_in_with_the_form(citizen), _signed_in_with_the_form(citizen)
    session = phone.session  # and something naming the person, as a form draft would
    session["a_form_draft"] = {"email": citizen.email}
    session.save()
    assert len(_sessions_naming(citizen)) == 2
    # Someone else, whose session holds an address that merely ends like the person's, stays.
    neighbour = _signed_in(commune_admin)
    other = neighbour.session
    other["a_form_draft"] = {"email": "x" + citizen.email}
    other.save()
    response = laptop.post(DELETE, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and not User.objects.filter(pk=citizen.pk).exists()
    assert _sessions_naming(citizen) == []
    assert phone.get(MY_DATA).status_code == 302  # sent to the login page
    assert "_auth_user_id" not in phone.session
    assert neighbour.get(MY_DATA).status_code == 200


def test_purge_deletes_expired_exports_and_their_files(citizen, commune_admin, django_capture_on_commit_callbacks):
    _request_export(_signed_in(citizen), django_capture_on_commit_callbacks)
    old = DataExport.objects.get(user=citizen)
    with time_machine.travel(timezone.now() + timedelta(hours=47), tick=False):
        _request_export(_signed_in(commune_admin), django_capture_on_commit_callbacks)
    fresh = DataExport.objects.get(user=commune_admin)
    with time_machine.travel(timezone.now() + timedelta(hours=49), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert purge_data_exports.delay().get() == 1
    assert list(DataExport.objects.all()) == [fresh]
    assert not data_exports.path_of(old).exists() and data_exports.path_of(fresh).exists()


def test_the_page_costs_the_same_queries_with_1_or_20_rows(citizen, django_assert_num_queries):
    from core.models import Organisation
    from core.notifications.models import Follow
    from tests.conftest import make_space

    client = _signed_in(citizen)
    organisation = Organisation.objects.create(name="Ville", slug="ville")

    def add(n: int, start: int) -> None:
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(recipient=citizen, kind="core.space_message", title=f"N° {i}") for i in range(n))
        DataExport.objects.bulk_create(
            DataExport(user=citizen, ready_at=now, expires_at=now + timedelta(hours=1)) for _ in range(n))
        for i in range(start, start + n):
            Follow.objects.create(user=citizen, space=make_space(organisation, f"espace-{i}"))

    add(1, 0)
    client.get(MY_DATA)  # warm caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(MY_DATA).status_code == 200
    add(19, 1)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(MY_DATA).status_code == 200
