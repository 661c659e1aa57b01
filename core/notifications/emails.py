"""The e-mails of notifications: one per notification, or a daily digest."""

from __future__ import annotations

from collections import defaultdict

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from core.hosts import absolute_url
from core.notifications.models import Notification
from core.notifications.tokens import ALL_KINDS, make_token

#: A digest lists at most this many notifications; the rest are in the inbox.
DIGEST_LIMIT = 100


def unsubscribe_url(user_id: int, kind: str = ALL_KINDS) -> str:
    """The absolute one-click unsubscribe address for ``user_id`` and ``kind`` (or all)."""
    token = make_token(user_id, kind)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _headers(unsubscribe: str) -> dict[str, str]:
    # RFC 8058: mail clients show an "unsubscribe" button that POSTs to this address.
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _subject(text: str) -> str:
    # Header values must not contain line breaks.
    return " ".join(text.split())


def kind_label(kind: str, kinds: dict) -> str:
    declared = kinds.get(kind)
    return str(declared.label) if declared else kind


def notification_email(notification: Notification, kinds: dict) -> EmailMessage:
    """The e-mail telling ``notification.recipient`` about one notification."""
    recipient = notification.recipient
    unsubscribe_kind = unsubscribe_url(recipient.pk, notification.kind)
    body = render_to_string(
        "notifications/email/notification.txt",
        {
            "notification": notification,
            "url": absolute_url(notification.url),
            "kind_label": kind_label(notification.kind, kinds),
            "unsubscribe_kind_url": unsubscribe_kind,
            "unsubscribe_all_url": unsubscribe_url(recipient.pk),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        },
    )
    return EmailMessage(
        subject=_subject(notification.title),
        body=body,
        to=[recipient.email],
        headers=_headers(unsubscribe_kind),
    )


def digest_email(user, notifications: list[Notification], kinds: dict) -> EmailMessage:
    """The daily e-mail listing ``notifications`` grouped by kind."""
    shown = notifications[:DIGEST_LIMIT]
    groups: dict[str, list[dict]] = defaultdict(list)
    for notification in shown:
        groups[kind_label(notification.kind, kinds)].append(
            {"title": notification.title, "url": absolute_url(notification.url)}
        )
    unsubscribe_all = unsubscribe_url(user.pk)
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "groups": sorted(groups.items()),
            "more": len(notifications) - len(shown),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "unsubscribe_all_url": unsubscribe_all,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        },
    )
    count = len(notifications)
    subject = ngettext(
        "Votre résumé : %(count)d nouvelle notification",
        "Votre résumé : %(count)d nouvelles notifications",
        count,
    ) % {"count": count}
    return EmailMessage(
        subject=_subject(subject), body=body, to=[user.email], headers=_headers(unsubscribe_all)
    )

