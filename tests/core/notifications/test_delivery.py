"""E-mail delivery: immediate, daily digest, muted kinds and the "never" mode."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.test import override_settings

from core.notifications.models import EmailMode, Notification, NotificationPreference
from core.notifications.services import notify
from core.notifications.tasks import send_daily_digests, send_emails
from core.notifications.tokens import read_token
from tests.conftest import make_user

BASE = "https://participer.example"


def set_mode(user, mode: str, muted: list[str] | None = None) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": mode, "muted_kinds": muted or []}
    )


def token_of(url: str) -> str:
    return re.search(r"/notifications/unsubscribe/([^/]+)/", url).group(1)


@override_settings(WAGTAILADMIN_BASE_URL=BASE)
def test_immediate_email_with_absolute_link_and_one_click_unsubscribe(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([citizen], "probe.update", title="Résultats publiés",
               body="L'école aura son préau.", url="/spaces/centre-bourg/")
    [message] = mail.outbox
    assert message.subject == "Résultats publiés"
    assert message.to == [citizen.email]
    assert "L'école aura son préau." in message.body  # plain text: not HTML-escaped
    assert f"{BASE}/spaces/centre-bourg/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{BASE}/notifications/unsubscribe/") and header.endswith("/>")
    unsubscription = read_token(token_of(header))
    assert (unsubscription.user_id, unsubscription.kind) == (citizen.pk, "probe.update")
    # The footer offers the same link, one for every e-mail, and the preferences page.
    assert header[1:-1] in message.body
    all_links = [token_of(u) for u in re.findall(rf"{BASE}/notifications/unsubscribe/\S+", message.body)]
    assert [read_token(t).kind for t in all_links] == ["probe.update", "*"]
    assert f"{BASE}/notifications/preferences/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_the_send_task_never_mails_twice(citizen, commune_admin):
    notify([citizen, commune_admin], "probe.update", title="Une fois")  # not committed: no mail
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert mail.outbox == []
    assert send_emails.delay(ids).get() == 2
    assert send_emails.delay(ids).get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, commune_admin.email])


def test_daily_and_never_modes_and_muted_kinds_get_no_immediate_email(
    citizen, commune_admin, superuser, django_capture_on_commit_callbacks
):
    set_mode(citizen, EmailMode.DAILY)
    set_mode(commune_admin, EmailMode.NEVER)
    set_mode(superuser, EmailMode.IMMEDIATE, muted=["probe.update"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([citizen, commune_admin, superuser], "probe.update", title="Calme") == 3
        notify([superuser], "probe.reminder", title="Rappel")
    assert [(m.to[0], m.subject) for m in mail.outbox] == [(superuser.email, "Rappel")]
    # Everybody still sees them in the app.
    assert Notification.objects.filter(kind="probe.update").count() == 3
    assert not Notification.objects.filter(kind="probe.update", emailed_at__isnull=False).exists()


@override_settings(WAGTAILADMIN_BASE_URL=BASE)
def test_daily_digest_groups_by_kind_and_is_sent_once(citizen, commune_admin):
    set_mode(citizen, EmailMode.DAILY)
    notify([citizen], "probe.update", title="Budget voté", url="/spaces/a/")
    notify([citizen, commune_admin], "probe.reminder", title="Atelier jeudi")
    notify([citizen], "probe.update", title="Travaux lancés")
    # commune_admin is in immediate mode: the digest leaves their row alone.
    assert send_daily_digests.delay().get() == 1
    [digest] = mail.outbox
    assert digest.to == [citizen.email]
    assert digest.subject == "Votre résumé : 3 nouvelles notifications"
    body = digest.body
    assert body.index("== Nouvelles du projet ==") < body.index("- Budget voté") < body.index(
        "- Travaux lancés") < body.index("== Rappel ==") < body.index("- Atelier jeudi")
    assert f"{BASE}/spaces/a/" in body and f"{BASE}/notifications/" in body
    assert read_token(token_of(digest.extra_headers["List-Unsubscribe"])).kind == "*"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(recipient=citizen, emailed_at__isnull=True).exists()
    assert Notification.objects.get(recipient=commune_admin).emailed_at is None
    assert send_daily_digests.delay().get() == 0
    assert len(mail.outbox) == 1


def test_digest_skips_muted_kinds_and_never_mode(citizen, commune_admin):
    set_mode(citizen, EmailMode.DAILY, muted=["probe.reminder"])
    set_mode(commune_admin, EmailMode.NEVER)
    notify([citizen, commune_admin], "probe.reminder", title="Muet")
    assert send_daily_digests.delay().get() == 0
    notify([citizen, commune_admin], "probe.update", title="Parlant")
    assert send_daily_digests.delay().get() == 1
    [digest] = mail.outbox
    assert "Parlant" in digest.body and "Muet" not in digest.body
    assert digest.subject == "Votre résumé : 1 nouvelle notification"


def test_long_digests_point_to_the_inbox(citizen):
    set_mode(citizen, EmailMode.DAILY)
    for index in range(103):
        notify([citizen], "probe.update", title=f"Nouvelle {index}")
    send_daily_digests.delay().get()
    [digest] = mail.outbox
    assert digest.body.count("\n- Nouvelle") == 100
    assert "Et 3 autres notifications." in digest.body


def test_an_unreachable_mail_server_releases_the_claim(citizen):
    notify([citizen], "probe.update", title="Serveur en panne")
    ids = list(Notification.objects.values_list("pk", flat=True))
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=ConnectionRefusedError), pytest.raises(Retry):
        send_emails.apply(args=[ids], throw=True)
    assert Notification.objects.get().emailed_at is None
    assert send_emails.delay(ids).get() == 1
    assert len(mail.outbox) == 1


def test_inactive_recipients_get_no_email(db):
    user = make_user("leaving@example.org")
    notify([user], "probe.update", title="Au revoir")
    user.is_active = False
    user.save()
    assert send_emails.delay(list(Notification.objects.values_list("pk", flat=True))).get() == 0
    assert mail.outbox == []


def test_tasks_are_registered_on_the_mail_queue():
    from core.celery import app

    app.loader.import_default_modules()
    for name in ("notifications.send_emails", "notifications.send_daily_digests"):
        assert app.tasks[name].queue == "mail"
