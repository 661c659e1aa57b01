"""Helpers shared by the participation tests."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from core.participation.identity import person_key_from_email
from core.participation.services import flush_pending, participate


def person(index: int) -> str:
    return person_key_from_email(f"habitant{index}@example.org")


def sign(subject_key: str, count: int, *, start: int = 0, channel: str = "web") -> list:
    """``count`` people sign the petition; the outbox is appended."""
    results = [participate(subject_key=subject_key, person_key=person(start + i), channel=channel)
               for i in range(count)]
    flush_pending(subject_key)
    return results


@contextmanager
def ledger_triggers_disabled():
    """Let a test play the attacker with direct SQL (PostgreSQL's append-only trigger off)."""
    tables = ("participation_ledgerentry", "participation_signedhead")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: check them now, ALTER TABLE needs no pending event.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
