"""Core background tasks. Each is idempotent: it may run twice without a double effect."""

from __future__ import annotations

import os

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(name="core.send_email", queue="mail", bind=True, max_retries=5, default_retry_delay=60)
def send_email(self, *, subject: str, body: str, to: list[str], from_email: str | None = None,
               alternatives: list | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    for content, mimetype in alternatives or []:
        message.attach_alternative(content, mimetype)
    try:
        message.send()
    except OSError as exc:  # SMTP down: try again later rather than lose the mail
        raise self.retry(exc=exc) from exc


@shared_task(name="core.ping", bind=True)
def ping(self, token: str | None = None) -> int:
    """Record which worker process ran this task (operators' and tests' proof of life)."""
    import secrets

    from core.models import WorkerHeartbeat

    queue = (self.request.delivery_info or {}).get("routing_key") or "eager"
    WorkerHeartbeat.objects.get_or_create(
        token=token or secrets.token_hex(16),
        defaults={"worker_pid": os.getpid(), "queue": queue},
    )
    return os.getpid()


@shared_task(name="core.build_data_export", queue="default", bind=True, max_retries=3, default_retry_delay=60)
def build_data_export(self, export_id: int) -> bool:
    """Build a requested export of a person's data and e-mail them the link.

    Idempotent: an export already built (or deleted meanwhile) is left alone.
    """
    from core import data_exports
    from core.models import DataExport

    export = DataExport.objects.filter(pk=export_id, ready_at__isnull=True).select_related("user").first()
    if export is None:
        return False
    token = data_exports.build(export)
    if not token:
        return False
    data_exports.send_link(export, token)
    return True


@shared_task(name="core.purge_data_exports")
def purge_data_exports() -> int:
    """Delete expired data exports and their files."""
    from core import data_exports

    return data_exports.purge_expired()
