"""The notification pages, declared for the every-page gates (``core.plugins.SamplePage``).

The core's ``sample_pages`` hook includes :func:`notification_pages` (see core/sample_pages.py).
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import (
    AGENTS,
    ANONYMOUS,
    PARTICIPANT,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)


def _notifications(fx, n: int) -> None:
    """``n`` more notifications of the participant (the role the inbox is audited as)."""
    from core.notifications.models import Notification

    Notification.objects.bulk_create(
        Notification(recipient=fx.users[PARTICIPANT], kind="core.space_message",
                     title=f"Nouvelles n° {i}", body="Le projet avance.", url="/")
        for i in range(n)
    )


def _follows(fx, n: int) -> None:
    """``n`` more spaces followed by the participant (listed on the preferences page)."""
    from core.models import Space
    from core.notifications.models import Follow

    start = Space.objects.count()
    spaces = Space.objects.bulk_create(
        Space(slug=f"suivi-{start + i}", title=f"Espace suivi {start + i}", is_published=True)
        for i in range(n)
    )
    Follow.objects.bulk_create(Follow(user=fx.users[PARTICIPANT], space=s) for s in spaces)


def _unsubscribe_token(fx) -> None:
    from core.notifications.tokens import make_token

    fx.objects["unsubscribe_token"] = make_token(fx.users[PARTICIPANT].pk, "core.space_message")


def _follow_url(fx) -> str:
    return reverse("notifications:follow", kwargs={"target_type": "space", "pk": fx.space.pk})


def _message_url(fx) -> str:
    return reverse("notifications:space_message", kwargs={"slug": fx.space.slug})


def _daily_chosen(fx, html: str) -> bool:
    from core.notifications.models import NotificationPreference

    return NotificationPreference.objects.filter(
        user=fx.users[PARTICIPANT], email_mode="daily").exists()


def notification_pages() -> list[SamplePage]:
    """Every named URL of ``core.notifications``."""
    return [
        SamplePage(
            name="notifications:inbox", url=lambda fx: reverse("notifications:inbox"),
            label="Notifications", get=SIGNED_IN, list_of=_notifications,
        ),
        SamplePage(
            name="notifications:mark_read", url=lambda fx: reverse("notifications:mark_read"),
            label="Tout marquer comme lu", audit=False,
            get=statuses(405, anonymous=302), post=statuses(302),
            form=FormSample(
                data=lambda fx: {}, submit="Tout marquer comme lu",
                shown_on=lambda fx: reverse("notifications:inbox"),
            ),
        ),
        SamplePage(
            name="notifications:preferences", url=lambda fx: reverse("notifications:preferences"),
            label="Préférences de notification", get=SIGNED_IN, post=statuses(302),
            list_of=_follows,
            form=FormSample(
                data=lambda fx: {"email_mode": "daily"}, submit="Enregistrer", done=_daily_chosen,
            ),
        ),
        SamplePage(
            name="notifications:unsubscribe", setup=_unsubscribe_token,
            url=lambda fx: reverse("notifications:unsubscribe",
                                   kwargs={"token": fx.objects["unsubscribe_token"]}),
            label="Désinscription", post=statuses(200),
            form=FormSample(
                data=lambda fx: {}, role=ANONYMOUS, submit="Confirmer la désinscription",
                success_status=200, done=lambda fx, html: "C'est fait" in html,
            ),
        ),
        SamplePage(
            name="notifications:unsubscribe", variant="invalid", audit=False,
            url=lambda fx: reverse("notifications:unsubscribe", kwargs={"token": "pas-un-jeton"}),
            label="Lien de désinscription invalide", get=statuses(400), post=statuses(400),
        ),
        SamplePage(
            name="notifications:follow", url=_follow_url, label="Suivre un espace", audit=False,
            get=statuses(405, anonymous=302), post=statuses(302), redirect_params=("next",),
            form=FormSample(
                data=lambda fx: {"action": "follow", "next": fx.space.get_absolute_url()},
                fields=("action",), submit="Suivre",
            ),
        ),
        SamplePage(
            name="notifications:space_message", url=_message_url,
            label="Écrire aux abonnés d'un espace", get=AGENTS,
            post=statuses(403, anonymous=302, agent=302, admin=302),
            form=FormSample(
                data=lambda fx: {"title": "Résultats publiés",
                                 "message": "Les projets retenus sont en ligne."},
                role="agent", submit="Envoyer aux abonnés",
                done=lambda fx, html: "Message envoyé" in html,
            ),
        ),
    ]
