"""Background work of the federation, on the ``federation`` queue. Every task takes ids and is
idempotent: a delivery is claimed by one worker, an inbound activity is processed once."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="federation.dispatch_deliveries", queue="federation")
def dispatch_deliveries() -> int:
    """Hand every due delivery to a worker (run by beat, and after each publication)."""
    from federation.delivery import due_deliveries, release_stuck

    release_stuck()
    ids = due_deliveries()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@shared_task(name="federation.deliver", queue="federation")
def deliver(delivery_id: int) -> str:
    from federation.delivery import deliver as send

    return send(delivery_id)


@shared_task(name="federation.process_inbound", queue="federation")
def process_inbound(activity_id: int, target_id: int | None = None) -> str:
    from federation.processing import process

    return process(activity_id, target_id)
