"""« Mes données » and account deletion, declared for the every-page gates (docs/gates.md).

The core's ``sample_pages`` hook includes :func:`account_data_pages` (core/sample_pages.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.plugins import PARTICIPANT, SIGNED_IN, FormSample, SamplePage, statuses

#: An export link: its owner (the participant) only; anyone else signed in gets a 404.
OWNER_ONLY = statuses(404, anonymous=302, participant=200)


def _rows(fx, n: int) -> None:
    """``n`` more notifications and past exports of the participant (the audited role): the
    page must not grow with what the person has."""
    from core.models import DataExport
    from core.notifications.models import Notification

    user = fx.users[PARTICIPANT]
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="core.space_message", title=f"Nouvelles n° {i}", body="", url="/")
        for i in range(n)
    )
    past = timezone.now() - timedelta(days=3)
    DataExport.objects.bulk_create(
        DataExport(user=user, ready_at=past, expires_at=past + timedelta(hours=48)) for _ in range(n)
    )


def _ready_export(fx) -> None:
    """A built export of the participant, its token kept for the URL."""
    from core import data_exports
    from core.models import DataExport

    if "core_data_export" not in fx.objects:
        export = DataExport.objects.create(user=fx.users[PARTICIPANT])
        fx.objects["core_data_export"] = data_exports.build(export)


def _spent_export(fx) -> None:
    """An export of the participant that was already downloaded."""
    from core import data_exports
    from core.models import DataExport

    if "core_spent_export" not in fx.objects:
        token = "deja-telecharge-" + "x" * 30
        now = timezone.now()
        DataExport.objects.create(user=fx.users[PARTICIPANT], token_hash=data_exports.hash_token(token),
                                  file_name="", ready_at=now, downloaded_at=now)
        fx.objects["core_spent_export"] = token


def _exported(fx, html: str) -> bool:
    from core.models import DataExport

    return DataExport.objects.filter(user=fx.users[PARTICIPANT]).exists()


def _account_gone(fx, html: str) -> bool:
    return not type(fx.users[PARTICIPANT]).objects.filter(pk=fx.users[PARTICIPANT].pk).exists()


def _export_url(key: str):
    return lambda fx: reverse("core:data_export", kwargs={"token": fx.objects[key]})


def account_data_pages() -> list[SamplePage]:
    return [
        SamplePage(
            name="core:my_data", url=lambda fx: reverse("core:my_data"), label="Mes données",
            get=SIGNED_IN, post=statuses(302), list_of=_rows,
            form=FormSample(data=lambda fx: {}, submit="Préparer mon export", done=_exported),
        ),
        # A zip file, not a page: the browser gate does not audit it.
        SamplePage(
            name="core:data_export", setup=_ready_export, url=_export_url("core_data_export"),
            label="Téléchargement de mes données", get=OWNER_ONLY, audit=False,
        ),
        # The link used a second time: « already used » (410) for its owner.
        SamplePage(
            name="core:data_export", variant="utilise", setup=_spent_export,
            url=_export_url("core_spent_export"), label="Lien de téléchargement déjà utilisé",
            get=statuses(404, anonymous=302, participant=410), audit=False,
        ),
        # Deleting the participant's account is safe here: every gate builds fresh fixtures for
        # each test (harness.Fixtures()), the matrix and hostile-input cells are rolled back, and
        # this form is a journey of its own, so no later page of the same fixtures needs them.
        SamplePage(
            name="core:delete_account", url=lambda fx: reverse("core:delete_account"),
            label="Supprimer mon compte", get=SIGNED_IN, post=statuses(302),
            form=FormSample(
                data=lambda fx: {"password": fx.password, "confirm": "on"}, fields=("password",),
                submit="Supprimer définitivement mon compte", done=_account_gone,
            ),
        ),
    ]
