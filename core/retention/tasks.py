"""The periodic retention run (registered by the core's ``periodic_tasks``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.apply_rules")
def apply_rules() -> dict[str, int]:
    """Apply every retention rule for every organisation; ``{"<org>/<rule>": count}`` of what
    changed. Idempotent: run again, it finds nothing more to purge."""
    from core.retention.rules import run

    return {f"{r.organisation}/{r.rule}": r.count for r in run() if r.count}
