"""A person's copy of their data: requested on « Mes données », built in the background,
downloaded once through a link sent by e-mail (docs/privacy.md).

The file is a zip holding the export of :func:`core.privacy.export_user_data` as JSON and as a
readable HTML page. It is written under ``DATA_DIR/exports/``, which is never served: only the
download view sends it, to its owner, once, within 48 hours. Only the SHA-256 of the link's
token is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: How long the link of an export stays valid.
LIFETIME = timedelta(hours=48)
#: A person may ask for a new export once in this interval.
REQUEST_INTERVAL = timedelta(minutes=10)


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def path_of(export) -> Path | None:
    return exports_dir() / export.file_name if export.file_name else None


def recently_requested(user) -> bool:
    from core.models import DataExport

    since = timezone.now() - REQUEST_INTERVAL
    return DataExport.objects.filter(user=user, created_at__gt=since).exists()


def request_export(user):
    """Record the request and queue the build once committed; ``None`` if one was asked for
    less than :data:`REQUEST_INTERVAL` ago."""
    from core.models import DataExport
    from core.tasks import build_data_export

    if recently_requested(user):
        return None
    export = DataExport.objects.create(user=user, expires_at=timezone.now() + LIFETIME)
    transaction.on_commit(lambda: build_data_export.delay(export.pk))
    return export


# --- The readable rendering ------------------------------------------------------------------


def as_html(value: Any) -> SafeString:
    """``value`` (JSON-ready data) as nested HTML lists, every string escaped."""
    if isinstance(value, dict):
        if not value:
            return format_html('<p class="empty">{}</p>', _("Aucune donnée"))
        rows = "".join(
            format_html("<dt>{}</dt><dd>{}</dd>", key, as_html(item)) for key, item in value.items()
        )
        return mark_safe(f"<dl>{rows}</dl>")  # noqa: S308 - every part is escaped above
    if isinstance(value, list):
        if not value:
            return format_html('<p class="empty">{}</p>', _("Aucune donnée"))
        rows = "".join(format_html("<li>{}</li>", as_html(item)) for item in value)
        return mark_safe(f"<ol>{rows}</ol>")  # noqa: S308 - every part is escaped above
    if value is None:
        return mark_safe("—")
    if isinstance(value, bool):
        return escape(_("oui") if value else _("non"))
    return escape(str(value))


def render_document(user, data: dict, when) -> str:
    sections = [
        {"slug": slug, "key": key, "description": entry["description"], "html": as_html(entry["data"])}
        for slug, entries in data.items() for key, entry in entries.items()
    ]
    return render_to_string(
        "core/account/export_document.html",
        {"email": user.email, "when": when, "sections": sections,
         "site_name": settings.WAGTAIL_SITE_NAME},
    )


# --- Building, sending, downloading, purging ---------------------------------------------------


def build(export) -> str:
    """Write the export's file and make it downloadable; return the link's token.

    Idempotent: when another run made the export ready meanwhile, the file just written is
    removed and ``""`` is returned (no second e-mail).
    """
    from core.models import DataExport
    from core.privacy import export_user_data

    user = export.user
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        data = export_user_data(user)
        document = render_document(user, data, now)
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.zip"
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("donnees.html", document)
    token = secrets.token_urlsafe(32)
    claimed = DataExport.objects.filter(pk=export.pk, ready_at__isnull=True).update(
        token_hash=hash_token(token), file_name=name, ready_at=now, expires_at=now + LIFETIME,
    )
    if not claimed:
        path.unlink(missing_ok=True)
        return ""
    export.refresh_from_db()
    return token


def send_link(export, token: str) -> None:
    """E-mail the owner the download link (through the mail queue)."""
    from core.notifications.emails import absolute_url
    from core.tasks import send_email

    user = export.user
    if not user.email:
        return
    url = absolute_url(reverse("core:data_export", kwargs={"token": token}))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Vos données sont prêtes")
        body = render_to_string(
            "core/account/export_email.txt",
            {"url": url, "expires_at": export.expires_at, "site_name": settings.WAGTAIL_SITE_NAME},
        )
    send_email.delay(subject=subject, body=body, to=[user.email])


def delete_files(exports) -> None:
    """Remove the files of ``exports`` once the current transaction commits."""
    paths = [path for path in (path_of(e) for e in exports) if path is not None]

    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    if paths:
        transaction.on_commit(remove)


def purge_expired(now=None) -> int:
    """Delete the exports whose link expired, and their files. Returns how many."""
    from core.models import DataExport

    now = now or timezone.now()
    with transaction.atomic():
        expired = list(DataExport.objects.filter(expires_at__lte=now))
        delete_files(expired)
        DataExport.objects.filter(pk__in=[e.pk for e in expired]).delete()
    return len(expired)
