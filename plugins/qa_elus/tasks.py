"""Scheduled work of the questions plugin (see ``hooks.periodic_tasks``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="qa_elus.mark_overdue")
def mark_overdue() -> int:
    """Count in the statistics the questions whose due date passed without an answer."""
    from plugins.qa_elus.services import mark_overdue as run

    return run()


@shared_task(name="qa_elus.sync_moderation")
def sync_moderation() -> int:
    """Apply to questions the decisions taken in the shared moderation queue."""
    from plugins.qa_elus.services import sync_moderation as run

    return run()


@shared_task(name="qa_elus.recount_supports")
def recount_supports() -> int:
    """Store on the questions their supports per channel, recounted from the participation
    register."""
    from plugins.qa_elus.services import recount_supports as run

    return run()
