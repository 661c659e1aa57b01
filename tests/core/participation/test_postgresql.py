"""On a real PostgreSQL: append-only trigger, and races between channels and between flushes.

Run with ``DATABASE_URL=postgres://... REDIS_URL=... pytest -m integration``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, close_old_connections, connection, connections, transaction

from core.ledger import load_export, verify_export
from core.participation.models import (
    LedgerEntry,
    LedgerLog,
    ParticipationRecord,
    PendingLedgerEntry,
)
from core.participation.services import (
    AlreadyParticipated,
    export,
    flush_pending,
    participate,
    publish_head,
)

from .helpers import ledger_triggers_disabled, person, sign

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def postgresql_only():
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL=postgres://..."


def test_ledger_rows_cannot_be_updated_or_deleted(petition):
    sign(petition, 2)
    publish_head(petition)
    statements = [
        "UPDATE participation_ledgerentry SET data = 'x' WHERE seq = 0",
        "DELETE FROM participation_ledgerentry WHERE seq = 1",
        "UPDATE participation_signedhead SET root = 'x'",
        "DELETE FROM participation_signedhead",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError, match="the ledger is append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(seq=0).delete()
    assert LedgerEntry.objects.count() == 2
    assert verify_export(load_export(export(petition))).ok


@pytest.mark.parametrize("table", ["participation_ledgerentry", "participation_signedhead"])
def test_a_ledger_table_holding_rows_cannot_be_truncated(petition, table):
    sign(petition, 2)
    publish_head(petition)
    with pytest.raises(DatabaseError, match=f"the ledger is append-only: TRUNCATE on {table}"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE needs no pending FK check
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert LedgerEntry.objects.count() == 2
    assert verify_export(load_export(export(petition))).ok


def test_a_superuser_who_disables_the_trigger_is_still_caught_by_the_verifier(petition):
    sign(petition, 6)
    publish_head(petition)
    with ledger_triggers_disabled() as cursor:
        cursor.execute("UPDATE participation_ledgerentry SET data = REPLACE(data, '\"web\"', "
                       "'\"paper\"') WHERE seq = 4")
    report = verify_export(load_export(export(petition)))
    assert report.problems[0].message.startswith("entry 4: content does not match its running hash")


def _run_in_threads(count: int, work) -> list:
    barrier, results = threading.Barrier(count), [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and checked by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_person_on_every_channel_at_once_gets_exactly_one_record(petition):
    channels = ["web", "paper", "assisted", "partner"]

    def attempt(index: int):
        return participate(subject_key=petition, person_key=person(1),
                           channel=channels[index % len(channels)])

    results = _run_in_threads(20, attempt)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, AlreadyParticipated)]
    assert len(winners) == 1 and len(losers) == 19, results
    record = ParticipationRecord.objects.get()
    assert record.channel == winners[0].record.channel
    assert {loser.channel for loser in losers} == {record.channel}
    flush_pending(petition)
    assert LedgerEntry.objects.count() == 1 and not PendingLedgerEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_leave_no_gap_and_no_duplicate(petition):
    for start in range(0, 200, 50):
        with transaction.atomic():
            for i in range(start, start + 50):
                participate(subject_key=petition, person_key=person(i), channel="web", append=False)
    results = _run_in_threads(2, lambda index: flush_pending(petition, batch_size=7))
    assert all(isinstance(r, int) for r in results) and sum(results) == 200, results
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(200))
    assert LedgerLog.objects.get().size == 200
    publish_head(petition)
    assert verify_export(load_export(export(petition))).ok


@pytest.mark.django_db(transaction=True)
def test_participations_and_flushes_racing_together(petition):
    def work(index: int) -> int:
        participate(subject_key=petition, person_key=person(index), channel="web")
        return flush_pending(petition)

    results = _run_in_threads(20, work)
    assert all(isinstance(r, int) for r in results), results
    assert list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(20))
    publish_head(petition)
    assert verify_export(load_export(export(petition))).ok
