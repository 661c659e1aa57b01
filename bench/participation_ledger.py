"""The ledger stored in the database: 100,000 participations through the real services.

Run: ``python bench/participation_ledger.py [--entries 100000] [--batch 1000]`` (SQLite), or with
``DATABASE_URL=postgres://...`` (a throw-away database is created beside the given one and
dropped at the end).

Timed in the same run:

* services: ``participate`` for every person (1,000 per transaction, entries left in the
  outbox), ``flush_pending`` after each batch (the only ledger writer: LogState, Merkle
  frontier, running hash, row lock), then ``publish_head`` (root + Ed25519 signature);
* baseline: plain batched INSERTs of the same rows (the participation records and the ledger
  entries as stored) into two bare tables, 1,000 rows per transaction;
* the public export of the log, then its verification with :mod:`core.ledger`.

Person keys are computed before the timer (identity hashing is not ledger work).
"""

from __future__ import annotations

import argparse
import os
import time
import types
import uuid
from urllib.parse import urlsplit, urlunsplit

from _setup import django_instance, report


def _throwaway_postgres() -> str | None:
    """Point DATABASE_URL at a new, empty database on the same server; return its name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    name = f"parvis_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["PARVIS_BENCH_ADMIN_URL"] = url
    return name


def _drop(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(os.environ["PARVIS_BENCH_ADMIN_URL"], autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _register_bench_subject() -> None:
    from core.plugin_host import get_manager
    from core.plugins import ParticipationSubjectType, SubjectInfo, hookimpl

    module = types.ModuleType("bench_subjects")

    @hookimpl
    def participation_subject_types():
        return [ParticipationSubjectType(
            key="petition", label="Bench", log_type="petition",
            resolve=lambda object_id: SubjectInfo(f"bench:petition:{object_id}", "Bench", None,
                                                  "/", True),
        )]

    module.participation_subject_types = participation_subject_types
    get_manager().register(module, name="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    database = _throwaway_postgres()
    django_instance()
    try:
        run(args.entries, args.batch)
    finally:
        if database:
            _drop(database)


def run(count: int, batch: int) -> None:
    from django.db import connection, transaction

    from core.ledger import load_export, verify_export
    from core.participation.identity import person_key_from_email
    from core.participation.models import LedgerEntry, ParticipationRecord
    from core.participation.registry import get_subject
    from core.participation.services import export, flush_pending, participate, publish_head

    _register_bench_subject()
    subject = get_subject("bench:petition:1")
    keys = [person_key_from_email(f"habitant{i}@bench.example") for i in range(count)]
    print(f"{connection.vendor}: {count} participations, {batch} per transaction")

    started = time.perf_counter()
    for start in range(0, count, batch):
        with transaction.atomic():
            for key in keys[start:start + batch]:
                participate(subject_key=subject.key, person_key=key, channel="web",
                            subject=subject, append=False)
        flush_pending(subject.key, batch_size=batch)
    head = publish_head(subject.key)
    services = time.perf_counter() - started
    assert head.size == count, head.size

    records = list(ParticipationRecord.objects.values_list(
        "subject_key", "person_key", "channel", "sheet_reference", "created_at"))
    entries = list(LedgerEntry.objects.values_list(
        "seq", "data", "leaf_hash", "chain_hash", "kind", "participant", "receipt", "created_at"))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_record (id integer PRIMARY KEY, subject_key varchar(200), "
                       "person_key varchar(64), channel varchar(10), sheet_reference varchar(100), "
                       "created_at timestamp)")
        cursor.execute("CREATE TABLE bench_entry (id integer PRIMARY KEY, seq bigint, data text, "
                       "leaf_hash varchar(64), chain_hash varchar(64), kind varchar(12), "
                       "participant varchar(64), receipt varchar(64), created_at timestamp)")
    started = time.perf_counter()
    for start in range(0, count, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_record VALUES (%s, %s, %s, %s, %s, %s)",
                [(start + i, *row) for i, row in enumerate(records[start:start + batch])])
            cursor.executemany(
                "INSERT INTO bench_entry VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(start + i, *row) for i, row in enumerate(entries[start:start + batch])])
    baseline = time.perf_counter() - started
    report(f"participate + flush_pending + head ({count:,} entries)", services, baseline,
           "plain INSERT of the same record and entry rows")

    started = time.perf_counter()
    document = export(subject.key)
    exported = time.perf_counter() - started
    started = time.perf_counter()
    verification = verify_export(load_export(document))
    verified = time.perf_counter() - started
    print(f"export built in {exported:.2f} s ({len(document) / 1e6:.1f} MB); verified with "
          f"core.ledger in {verified:.2f} s: {'OK' if verification.ok else 'FAILED'}")
    if not verification.ok:
        print(verification.summary())
        raise SystemExit(1)


if __name__ == "__main__":
    main()
