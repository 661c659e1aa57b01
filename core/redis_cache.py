"""The Redis cache backend of production (``REDIS_URL``), which survives Redis being down.

Django's backend builds a new ``redis.Redis`` object for every cache operation, which costs
more than the round trip itself (the object fills a table of a few hundred response handlers).
This one keeps one per connection pool: a ``redis.Redis`` object may be shared between threads,
it takes a connection from the pool for each command and gives it back.

When Redis cannot be reached, the cache degrades instead of failing the request: it behaves as
no cache at all (a miss on every read, writes dropped), except for the counters of the rate
limits (:data:`COUNTER_PREFIXES`), which are kept in this process's memory (``local_counters``):
per-process limits rather than none. After a failure Redis is left alone for
:data:`RETRY_AFTER` seconds, so that a down server costs one failed connection per process and
period, not one per operation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["COUNTER_PREFIXES", "RETRY_AFTER", "UNAVAILABLE", "RedisCache", "local_counters"]

logger = logging.getLogger(__name__)

#: What a Redis that cannot be reached raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
#: Seconds during which a process does not try Redis again after a failure.
RETRY_AFTER = 5.0
#: Cache keys of counters and single-use marks that protect something: allauth's limits, the
#: identity checks' failures and used sign-in codes, wrong passwords on account deletion
#: (core.ratelimit uses ``local_counters`` directly). A new one must start with one of these.
COUNTER_PREFIXES = ("allauth:rl:", "identity:", "delete-account-failures:")
#: The counters of this process while Redis is unreachable.
local_counters = LocMemCache("parvis-local-counters", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _is_counter(key: Any) -> bool:
    return isinstance(key, str) and key.startswith(COUNTER_PREFIXES)


def _no_incr(key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


# What each operation does without Redis: (for a counter key, for any other key).
_DEGRADED: dict[str, tuple[Callable | None, Callable]] = {
    "get": (local_counters.get, lambda key, default=None, version=None: default),
    "set": (local_counters.set, lambda *args, **kwargs: None),
    "add": (local_counters.add, lambda *args, **kwargs: True),  # as if stored, then expired
    "touch": (local_counters.touch, lambda *args, **kwargs: False),
    "delete": (local_counters.delete, lambda *args, **kwargs: False),
    "incr": (local_counters.incr, _no_incr),
    "decr": (local_counters.decr, _no_incr),
    "has_key": (local_counters.has_key, lambda *args, **kwargs: False),
    "get_many": (None, lambda keys, version=None: {}),
    "set_many": (None, lambda *args, **kwargs: []),
    "delete_many": (None, lambda *args, **kwargs: None),
    "clear": (None, lambda: None),
}


def _degrading(name: str):
    redis_method = getattr(DjangoRedisCache, name)
    for_counters, otherwise = _DEGRADED[name]

    def method(self, *args, **kwargs):
        if self.available():
            try:
                return redis_method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                self.mark_unavailable(exc)
        if for_counters is not None and args and _is_counter(args[0]):
            return for_counters(*args, **kwargs)
        return otherwise(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._unavailable_until = 0.0

    def available(self) -> bool:
        """False for :data:`RETRY_AFTER` seconds after Redis could not be reached."""
        return time.monotonic() >= self._unavailable_until

    def mark_unavailable(self, exc: Exception) -> None:
        if self.available():
            logger.warning("Redis cannot be reached (%s): no cache, rate limits per process, "
                           "for %s s before trying again.", exc, RETRY_AFTER)
        self._unavailable_until = time.monotonic() + RETRY_AFTER


for _name in _DEGRADED:
    setattr(RedisCache, _name, _degrading(_name))
