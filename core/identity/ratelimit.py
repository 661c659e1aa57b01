"""Limits on failed guesses (codes, census matching), per account and per IP, in the cache.

A fixed window starts at the first failure; when either counter reaches its maximum, further
attempts are refused until the window ends — even a right guess, so guessing stays useless.
"""

from __future__ import annotations

from django.core.cache import cache

from core.client_address import client_address
from core.identity import conf


def client_ip(request) -> str:
    """The client's address (core.client_address), ``unknown`` or ``none`` for a counter key."""
    if request is None:
        return "none"
    return client_address(request) or "unknown"


def _keys(user, ip: str) -> list[tuple[str, int]]:
    keys = [(f"identity:failures:ip:{ip}", conf.get_int("PARVIS_IDENTITY_MAX_FAILURES_PER_IP"))]
    if user is not None and getattr(user, "pk", None):
        keys.append((f"identity:failures:user:{user.pk}",
                     conf.get_int("PARVIS_IDENTITY_MAX_FAILURES_PER_ACCOUNT")))
    return keys


def is_limited(user, ip: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(user, ip))


def record_failure(user, ip: str) -> None:
    window = conf.get_int("PARVIS_IDENTITY_FAILURE_WINDOW_MINUTES") * 60
    for key, _limit in _keys(user, ip):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)
