from __future__ import annotations

from celery import shared_task


@shared_task(name="identity.purge_expired")
def purge_expired() -> dict[str, int]:
    """Retention: census lists past their date, expired codes, old verifications."""
    from core.identity.privacy import purge_expired as purge

    return purge()
