"""Personal data of notifications: what a person follows, receives and prefers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.notifications.models import Follow, Notification, NotificationPreference
from core.plugins import PersonalData


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "follows": [
            {"space": f.space.title if f.space_id else None,
             "contribution": f.contribution.title if f.contribution_id else None,
             "created_at": _iso(f.created_at)}
            for f in Follow.objects.filter(user=user).select_related("space", "contribution").order_by("created_at")
        ],
        "notifications": [
            {"kind": n.kind, "title": n.title, "body": n.body, "address": n.url, "created_at": _iso(n.created_at),
             "read_at": _iso(n.read_at), "emailed_at": _iso(n.emailed_at)}
            for n in Notification.objects.filter(recipient=user).order_by("created_at")
        ],
        "preferences": (
            {"email_mode": preference.email_mode, "muted_kinds": list(preference.muted_kinds)} if preference else None
        ),
    }


def erase(user) -> None:
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()


def personal_data() -> PersonalData:
    return PersonalData(
        key="notifications",
        models=("notifications.Follow", "notifications.Notification", "notifications.NotificationPreference"),
        export=export, erase=erase,
        description=_("Vos abonnements, vos notifications et vos préférences d'envoi sont supprimés."),
    )
