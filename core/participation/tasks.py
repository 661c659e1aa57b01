"""Background work of the ledger: append the outbox, publish signed heads (both idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="participation.flush_pending", queue="default")
def flush_pending_task(subject_key: str | None = None) -> int:
    """Append pending ledger entries (normally appended right after each participation)."""
    from core.participation.ledger_store import flush_pending

    return flush_pending(subject_key)


@shared_task(name="participation.publish_heads", queue="default")
def publish_heads_task() -> int:
    """Append what is pending, then sign a head for every log that grew since its last head."""
    from core.participation.ledger_store import flush_pending, publish_heads

    flush_pending()
    return len(publish_heads())
