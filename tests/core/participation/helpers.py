"""Helpers shared by the participation tests."""

from __future__ import annotations

from core.participation.identity import person_key_from_email
from core.participation.services import flush_pending, participate
from core.testing import ledger_triggers_disabled  # noqa: F401 (imported by the tests)


def person(index: int) -> str:
    return person_key_from_email(f"habitant{index}@example.org")


def sign(subject_key: str, count: int, *, start: int = 0, channel: str = "web") -> list:
    """``count`` people sign the petition; the outbox is appended."""
    results = [participate(subject_key=subject_key, person_key=person(start + i), channel=channel)
               for i in range(count)]
    flush_pending(subject_key)
    return results
