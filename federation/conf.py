"""Federation settings (environment variables are read in ``core/settings.py``).

``PARVIS_FEDERATION_BASE_URL`` is the public origin of the instance (``https://parvis.example``);
actor and activity ids are built from it, so it must not change once the instance federates.
It defaults to ``PARVIS_BASE_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings


def base_url() -> str:
    url = getattr(settings, "PARVIS_FEDERATION_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return url.rstrip("/")


def domain() -> str:
    """The host of the instance (``host[:port]``), the part after ``@`` in handles."""
    return urlsplit(base_url()).netloc.lower()


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


def allow_loopback() -> bool:
    """Test-only: let the fetcher and deliveries reach 127.0.0.0/8 and ::1 (never other
    private ranges). Off in production; see docs/FEDERATION.md."""
    return bool(getattr(settings, "PARVIS_FEDERATION_ALLOW_LOOPBACK", False))


#: Largest inbound activity accepted (bytes); larger bodies answer 413 before any parsing.
MAX_INBOX_BYTES = 256 * 1024
#: Largest remote document fetched (an actor, a key).
MAX_FETCH_BYTES = 512 * 1024
#: How far a signed ``Date`` may be from our clock.
DATE_WINDOW = timedelta(minutes=5)
#: Network timeout of one fetch or one delivery (connect, read), in seconds.
TIMEOUT = (5, 10)
#: A retired key stays published and accepted this long after a rotation.
RETIRED_KEY_GRACE = timedelta(days=7)
#: A cached remote actor is fetched again after this long.
ACTOR_CACHE = timedelta(days=1)
#: Delays between delivery attempts (Mastodon-like growth, about four days in all); after the
#: last one the delivery is given up.
RETRY_SCHEDULE = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=6), timedelta(hours=12), timedelta(hours=24), timedelta(hours=48),
)
#: Consecutive failures of a host before its circuit opens, and how long it stays open
#: (doubling with every further failure, up to the maximum).
CIRCUIT_THRESHOLD = 5
CIRCUIT_OPEN = timedelta(minutes=10)
CIRCUIT_MAX = timedelta(hours=12)
#: Longest Retry-After honoured.
MAX_RETRY_AFTER = timedelta(hours=24)
#: Deliveries handed to workers per dispatcher run.
DISPATCH_BATCH = 200
