"""E-mail delivery of notifications, on the ``mail`` queue.

Both tasks are idempotent: a notification is *claimed* with a conditional UPDATE
(``emailed_at`` from NULL to now) before its e-mail is sent, so a task that runs twice, or two
workers running it at once, never mail a notification twice. A claim is released when the mail
server refuses the message, and the task is retried later.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation

from core.notifications.emails import digest_email, notification_email
from core.notifications.models import EmailMode, Notification, NotificationPreference
from core.notifications.services import notification_kinds


def _claim(ids: list[int], stamp: datetime) -> int:
    return Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)


def _release(ids: list[int], stamp: datetime) -> None:
    Notification.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)


def _send(message: EmailMessage, connection) -> None:
    # One connection for the whole run, opened only when there is something to send.
    connection.open()
    message.connection = connection
    message.send()


@shared_task(name="notifications.send_emails", queue="mail", bind=True, max_retries=5,
             default_retry_delay=120)
def send_emails(self, notification_ids: list[int]) -> int:
    """E-mail each of these notifications whose recipient chose immediate e-mails.

    Notifications of recipients in daily mode are left for the digest; muted kinds and the
    "never" mode are not e-mailed. Returns the number of e-mails sent.
    """
    rows = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("pk")
    )
    kinds = notification_kinds()
    sent, failed, error = 0, [], None
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for row in rows:
                recipient = row.recipient
                preference = NotificationPreference.for_user(recipient)
                if not (recipient.is_active and recipient.email):
                    continue
                if preference.email_mode != EmailMode.IMMEDIATE or not preference.emails(row.kind):
                    continue
                stamp = timezone.now()
                if not _claim([row.pk], stamp):
                    continue  # another run sent it meanwhile
                try:
                    _send(notification_email(row, kinds), connection)
                except OSError as exc:
                    error = exc
                    _release([row.pk], stamp)
                    failed.append(row.pk)
                    continue
                sent += 1
    finally:
        connection.close()
    if failed:
        raise self.retry(args=[failed], kwargs={}, exc=error)
    return sent


@shared_task(name="notifications.send_daily_digests", queue="mail", bind=True, max_retries=3,
             default_retry_delay=600)
def send_daily_digests(self) -> int:
    """Send each person in daily mode one e-mail listing their notifications not yet e-mailed.

    Scheduled every 24 hours (``notifications.daily-digest``). Returns the number of digests.
    """
    users = (
        get_user_model().objects.filter(
            is_active=True,
            notification_preference__email_mode=EmailMode.DAILY,
            notifications__emailed_at__isnull=True,
        )
        .distinct()
        .select_related("notification_preference")
        .order_by("pk")
    )
    kinds = notification_kinds()
    sent, error = 0, None
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for user in users:
                if not user.email:
                    continue
                muted = user.notification_preference.muted_kinds or []
                ids = list(
                    Notification.objects.filter(recipient=user, emailed_at__isnull=True)
                    .exclude(kind__in=muted)
                    .values_list("pk", flat=True)
                )
                stamp = timezone.now()
                if not ids or not _claim(ids, stamp):
                    continue
                # Only what this run claimed: a concurrent run may have taken some rows.
                claimed = list(
                    Notification.objects.filter(pk__in=ids, emailed_at=stamp).order_by(
                        "created_at", "pk"
                    )
                )
                try:
                    _send(digest_email(user, claimed, kinds), connection)
                except OSError as exc:
                    _release(ids, stamp)
                    error = exc
                    continue
                sent += 1
    finally:
        connection.close()
    if error is not None:
        raise self.retry(exc=error)
    return sent
