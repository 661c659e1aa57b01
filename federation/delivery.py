"""Sending one Delivery: a signed POST, then the retry schedule and the host's circuit breaker.

States: ``pending`` → ``sending`` (claimed by one worker) → ``delivered`` | ``pending`` again
with ``next_attempt_at`` (retry) | ``gave_up`` (schedule exhausted, or a permanent refusal).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from federation import conf, keys
from federation.fetch import FetchError, ForbiddenAddress, check_url, session
from federation.models import Delivery, HostHealth
from federation.signing import CONTENT_TYPE, signed_post_headers

logger = logging.getLogger(__name__)

#: Answers that will not change by trying again (the activity itself is refused).
PERMANENT = {400, 401, 403, 404, 405, 410, 413, 415, 422}


def claim(delivery_id: int) -> Delivery | None:
    """Take a due delivery for this worker; ``None`` if another took it or it is not due."""
    now = timezone.now()
    taken = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now
    ).update(state=Delivery.State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not taken:
        return None
    return Delivery.objects.select_related("activity__actor").get(pk=delivery_id)


def circuit_open(host: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return HostHealth.objects.filter(host=host, open_until__gt=now).exists()


def retry_after(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        when = now + timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return min(when, now + conf.MAX_RETRY_AFTER)


def deliver(delivery_id: int) -> str:
    """Send one delivery; return its new state."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    now = timezone.now()
    if circuit_open(delivery.host, now):
        health = HostHealth.objects.get(host=delivery.host)
        _postpone(delivery, health.open_until, "circuit open", count_attempt=False)
        return delivery.state
    body = json.dumps(delivery.activity.payload, separators=(",", ":")).encode()
    status, error, wait_until = None, "", None
    try:
        check_url(delivery.inbox)
        try:
            headers = signed_post_headers(keys.signing_secret(delivery.activity.actor), delivery.inbox, body)
        except (ValueError, TypeError) as exc:
            # A private key that no longer decrypts (PARVIS_FEDERATION_KEY_SECRET changed): retried
            # on the schedule, so that `parvis federation_rotate_keys` repairs it, then given up.
            raise FetchError(f"cannot sign with the actor's key ({type(exc).__name__})") from None
        headers["Content-Type"] = CONTENT_TYPE
        with session().post(delivery.inbox, data=body, headers=headers, timeout=conf.TIMEOUT,
                            allow_redirects=False, stream=True) as response:
            status = response.status_code
            wait_until = retry_after(response.headers.get("Retry-After"), now) if status in (429, 503) else None
    except ForbiddenAddress as exc:
        error = str(exc)[:500]
        _give_up(delivery, None, error)
        return delivery.state
    except (FetchError, requests.RequestException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    if status is not None and 200 <= status < 300:
        with transaction.atomic():
            _mine(delivery).update(
                state=Delivery.State.DELIVERED, delivered_at=now, last_status=status, last_error="")
            HostHealth.objects.filter(host=delivery.host).update(consecutive_failures=0, open_until=None)
        delivery.state = Delivery.State.DELIVERED
        return delivery.state
    if status in PERMANENT:
        # The server answered: it is up; only this activity is refused.
        _give_up(delivery, status, f"refused with {status}")
        return delivery.state
    _failure(delivery, status, error or f"answered {status}", wait_until, now)
    return delivery.state


def _mine(delivery: Delivery):
    """The row if this worker still holds its claim. A worker that outlived the claim (a slow
    peer, then ``release_stuck`` gave the row to another) must not overwrite what the other
    recorded: its late result changes nothing."""
    return Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING, attempts=delivery.attempts)


def _record_host_failure(host: str, now: datetime) -> None:
    HostHealth.objects.get_or_create(host=host)
    # One UPDATE with F(): concurrent failures of one host each count.
    HostHealth.objects.filter(host=host).update(consecutive_failures=F("consecutive_failures") + 1,
                                                last_failure_at=now)
    failures = HostHealth.objects.filter(host=host).values_list("consecutive_failures", flat=True).get()
    excess = failures - conf.CIRCUIT_THRESHOLD
    if excess >= 0:
        delay = min(conf.CIRCUIT_OPEN * (2 ** min(excess, 10)), conf.CIRCUIT_MAX)
        HostHealth.objects.filter(host=host).update(open_until=now + delay)


def _failure(delivery: Delivery, status: int | None, error: str, wait_until, now: datetime) -> None:
    _record_host_failure(delivery.host, now)
    if delivery.attempts > len(conf.RETRY_SCHEDULE):
        _give_up(delivery, status, error)
        return
    when = now + conf.RETRY_SCHEDULE[delivery.attempts - 1]
    if wait_until and wait_until > when:
        when = wait_until
    _mine(delivery).update(
        state=Delivery.State.PENDING, next_attempt_at=when, last_status=status, last_error=error)
    delivery.state = Delivery.State.PENDING


def _postpone(delivery: Delivery, until, reason: str, *, count_attempt: bool) -> None:
    updates = {"state": Delivery.State.PENDING, "next_attempt_at": until, "last_error": reason}
    if not count_attempt:
        updates["attempts"] = F("attempts") - 1
    _mine(delivery).update(**updates)
    delivery.state = Delivery.State.PENDING


def _give_up(delivery: Delivery, status: int | None, error: str) -> None:
    _mine(delivery).update(
        state=Delivery.State.GAVE_UP, last_status=status, last_error=error)
    delivery.state = Delivery.State.GAVE_UP


def due_deliveries(now: datetime | None = None, limit: int = conf.DISPATCH_BATCH) -> list[int]:
    """Ids of due deliveries whose host's circuit is closed."""
    now = now or timezone.now()
    open_hosts = HostHealth.objects.filter(open_until__gt=now).values("host")
    return list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .exclude(host__in=open_hosts).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )


def release_stuck(now: datetime | None = None, after: timedelta = timedelta(minutes=10)) -> int:
    """Deliveries left ``sending`` by a worker that died go back to ``pending``."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=Delivery.State.SENDING, next_attempt_at__lt=now - after).update(
        state=Delivery.State.PENDING)
