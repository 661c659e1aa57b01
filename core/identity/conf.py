"""Identity settings: a Django setting if defined, else an environment variable, else a default.

Every variable is listed in docs/identity.md ("Pour les opérateurs").
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, int] = {
    # How long an uploaded census list is kept before the purge task deletes it.
    "PARVIS_IDENTITY_CENSUS_RETENTION_DAYS": 365,
    # How long a verification lasts, per method (0: until revoked).
    "PARVIS_IDENTITY_CENSUS_VALIDITY_DAYS": 365,
    "PARVIS_IDENTITY_IN_PERSON_VALIDITY_DAYS": 730,
    "PARVIS_IDENTITY_POSTAL_VALIDITY_DAYS": 365,
    # How long a one-time code can be used.
    "PARVIS_IDENTITY_IN_PERSON_CODE_DAYS": 7,
    "PARVIS_IDENTITY_POSTAL_CODE_DAYS": 60,
    # Failed attempts (codes and census matching) allowed per window, per account and per IP.
    "PARVIS_IDENTITY_MAX_FAILURES_PER_ACCOUNT": 5,
    "PARVIS_IDENTITY_MAX_FAILURES_PER_IP": 20,
    "PARVIS_IDENTITY_FAILURE_WINDOW_MINUTES": 60,
    # Wrong guesses on one code before it is locked.
    "PARVIS_IDENTITY_MAX_CODE_ATTEMPTS": 5,
    # Largest census file accepted (bytes) and most rows.
    "PARVIS_IDENTITY_CENSUS_MAX_BYTES": 20 * 1024 * 1024,
    "PARVIS_IDENTITY_CENSUS_MAX_ROWS": 200_000,
    # Expired or revoked verifications are deleted this many days later.
    "PARVIS_IDENTITY_EXPIRED_KEEP_DAYS": 30,
}


def get_int(name: str) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None:
        return DEFAULTS[name]
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def days(name: str) -> timedelta | None:
    """A duration in days; ``None`` when the setting is 0 (no limit)."""
    value = get_int(name)
    return timedelta(days=value) if value > 0 else None
