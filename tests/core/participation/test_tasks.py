"""The periodic tasks: append the outbox, then publish heads of the logs that grew."""

from __future__ import annotations

from core.celery import app
from core.participation import tasks
from core.participation.models import LedgerEntry, PendingLedgerEntry, SignedHead
from core.participation.services import participate

from .helpers import person


def test_tasks_are_registered_under_their_names():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovers tasks.py
    assert {"participation.flush_pending", "participation.publish_heads"} <= set(app.tasks)
    assert tasks.flush_pending_task.name == "participation.flush_pending"
    assert tasks.publish_heads_task.name == "participation.publish_heads"
    assert tasks.flush_pending_task.queue == "default"


def test_flush_task_then_heads_task(petition, probe):
    for i in range(3):
        participate(subject_key=petition, person_key=person(i), channel="web", append=False)
    assert tasks.flush_pending_task.delay().get() == 3
    assert LedgerEntry.objects.count() == 3 and not PendingLedgerEntry.objects.exists()
    assert tasks.publish_heads_task.delay().get() == 1
    assert tasks.publish_heads_task.delay().get() == 0  # nothing grew
    participate(subject_key=petition, person_key=person(9), channel="paper", append=False)
    assert tasks.publish_heads_task.delay().get() == 1  # appends, then signs
    assert list(SignedHead.objects.order_by("size").values_list("size", flat=True)) == [3, 4]
    assert [head["size"] for _key, head in probe.heads] == [3, 4]
