"""The confirmation e-mails: the signature row is their queue, one sender run sends a batch,
signing wakes the sender at most once per batching interval, nothing is sent twice or lost."""

from __future__ import annotations

import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from plugins.petitions import services, tasks
from plugins.petitions.models import Signature


@pytest.fixture(autouse=True)
def _sender_not_woken_yet(monkeypatch):
    monkeypatch.setattr(tasks, "_woken_at", float("-inf"))


def _token(message) -> str:
    return re.search(r"/petitions/confirm/(\S+)/", message.body).group(1)


def test_signing_leaves_the_link_to_send_on_the_row_and_the_sender_empties_it(open_petition, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.PETITIONS_CONFIRMATION_BATCH_SECONDS = 1
    with mock.patch.object(tasks.send_confirmations, "delay") as wake, django_capture_on_commit_callbacks(execute=True):
        request = services.sign(open_petition, name="Léa", email="lea@example.org")
    wake.assert_called_once_with()
    signature = Signature.objects.get()
    assert signature.token_nonce and services.link_token(signature.token_nonce) == request.token
    assert request.token not in signature.token_hash  # only its hash is stored
    assert mail.outbox == []
    assert tasks.send_confirmations() == 1
    assert mail.outbox[0].to == ["lea@example.org"] and _token(mail.outbox[0]) == request.token
    signature.refresh_from_db()
    assert signature.token_nonce == ""  # sent: nothing left on the row to rebuild the link
    assert tasks.send_confirmations() == 0 and len(mail.outbox) == 1
    assert services.confirm_signature(request.token).receipt


def test_a_rush_wakes_the_sender_once_per_interval_and_it_sends_every_mail(open_petition, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.PETITIONS_CONFIRMATION_BATCH_SECONDS = 1
    with mock.patch.object(tasks.send_confirmations, "delay") as wake, django_capture_on_commit_callbacks(execute=True):
        for i in range(30):
            services.sign(open_petition, name="S", email=f"s{i}@example.org")
    assert wake.call_count == 1
    with mock.patch.object(tasks.send_confirmations, "apply_async") as follow_up:
        assert tasks.send_confirmations(batch=7) == 30  # several batches in one run
    follow_up.assert_called_once_with(countdown=1.0)  # for what arrives while it works
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"s{i}@example.org" for i in range(30))
    assert not Signature.objects.exclude(token_nonce="").exists()


def test_two_senders_at_once_send_each_link_once(open_petition):
    for i in range(3):
        Signature.objects.create(petition=open_petition, email=f"p{i}@example.org", email_domain="example.org",
                                 name="P", token_hash=f"{i:064x}", token_nonce=f"nonce{i}")
    real_claim = Signature.objects.filter
    raced, second_run = [], []

    def claim_then_race(*args, **kwargs):
        # The other sender runs between this one's read and its claim of the first row.
        if kwargs.get("token_nonce") == "nonce0" and not raced:
            raced.append(True)
            second_run.append(tasks.send_confirmations())
        return real_claim(*args, **kwargs)

    with mock.patch.object(Signature.objects, "filter", side_effect=claim_then_race):
        first_run = tasks.send_confirmations()
    assert second_run == [3] and first_run == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]


def test_a_mail_that_fails_is_sent_by_a_later_run(open_petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.sign(open_petition, name="Léa", email="lea@example.org")  # sent at once (tests)
    assert len(mail.outbox) == 1
    again = services.sign(open_petition, name="Léa", email="lea@example.org")  # lost it: a new link
    mail.outbox.clear()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            tasks.send_confirmations()
    assert Signature.objects.get().token_nonce  # given back
    assert tasks.send_confirmations() == 1 and _token(mail.outbox[0]) == again.token
    assert services.signature_for_token(request.token) is None  # the old link no longer works


def test_an_unreachable_queue_loses_no_signature(client, open_petition):
    from kombu.exceptions import OperationalError

    # What Celery raises when it cannot publish to the broker.
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(tasks.send_confirmations, "delay", side_effect=broker_down):
        response = client.post(f"/petitions/{open_petition.pk}/sign/",
                               {"name": "Léa", "email": "lea@example.org", "consent": "on"})
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert mail.outbox == []
    assert tasks.send_confirmations() == 1  # the periodic run
    assert mail.outbox[0].to == ["lea@example.org"]


def test_an_unreachable_queue_loses_only_the_notice_to_an_address_that_already_signed(
        client, open_petition, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from core import tasks as core_tasks

    services.confirm_signature(services.sign(open_petition, name="Léa", email="lea@example.org").token)
    mail.outbox.clear()
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(core_tasks.send_email, "delay", side_effect=broker_down) as delay, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/petitions/{open_petition.pk}/sign/",
                               {"name": "Léa", "email": "lea@example.org", "consent": "on"})
    assert delay.call_count == 1 and delay.call_args.kwargs["to"] == ["lea@example.org"]
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert Signature.objects.get().confirmed_at is not None and mail.outbox == []


def test_the_periodic_run_is_declared(settings):
    from plugins.petitions.hooks import periodic_tasks

    assert "petitions.send_confirmations" in {task.task for task in periodic_tasks()}


def test_the_confirmation_page_is_the_same_from_a_kept_shell_and_escapes_the_address(open_petition, settings):
    """Signers without a session get the page from a shell rendered once: the same bytes as a
    page rendered for them, with their own address, escaped."""
    url = f"/petitions/{open_petition.pk}/sign/"
    data = {"name": "Léa", "consent": "on"}
    pages = {}
    for seconds in (0, 60):  # rendered each time, then filled into a kept shell
        settings.PARVIS_SHELL_SECONDS = seconds
        for email in ("o'brien@example.org", "lea&co@example.org"):
            pages[seconds, email] = Client().post(url, {**data, "email": email}).content.decode()
            Signature.objects.all().delete()
    for email, escaped in (("o'brien@example.org", "o&#x27;brien@example.org"), ("lea&co@example.org", "lea&amp;co@example.org")):
        assert pages[60, email] == pages[0, email]
        assert escaped in pages[60, email] and email not in pages[60, email]
    assert "o&#x27;brien" not in pages[60, "lea&co@example.org"]


def test_a_signed_in_signer_gets_the_page_rendered_for_them(client, open_petition, settings):
    from tests.conftest import make_user

    settings.PARVIS_SHELL_SECONDS = 60
    url = f"/petitions/{open_petition.pk}/sign/"
    assert "Se déconnecter" not in Client().post(url, {"name": "A", "email": "a@example.org", "consent": "on"}).content.decode()
    client.force_login(make_user("membre@example.org"))
    page = client.post(url, {"name": "B", "email": "b@example.org", "consent": "on"}).content.decode()
    assert "Se déconnecter" in page and "b@example.org" in page


def test_closing_a_petition_reaches_the_signing_form_at_once(client, open_petition, agent):
    url = f"/petitions/{open_petition.pk}/sign/"
    assert client.post(url, {"name": "A", "email": "a@example.org", "consent": "on"}).status_code == 200
    from core.contributions.services import change_status
    from plugins.petitions import workflow as states

    change_status(open_petition.contribution, states.CLOSED, by=agent)
    response = client.post(url, {"name": "B", "email": "b@example.org", "consent": "on"})
    assert response.status_code == 400 and "pas ouverte" in response.content.decode()
    assert not Signature.objects.filter(email="b@example.org").exists()
