"""Fixed-window rate limits in the cache (core.ratelimit), with the test cache and with Redis."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches

from core import ratelimit


def _attempts(n: int, counters) -> list[bool]:
    return [ratelimit.hit(counters, window=60) for _ in range(n)]


def test_each_counter_allows_its_limit_then_refuses(settings):
    caches["default"].clear()
    assert _attempts(4, [("t:ip", 2), ("t:domain", 10)]) == [True, True, False, False]
    # Refused for the first counter: the attempts were not counted on the second one.
    assert caches["default"].get("t:domain") == 2
    assert ratelimit.hit([], window=60)


@pytest.mark.integration
def test_redis_counts_both_counters_in_one_script_with_the_same_keys(settings):
    assert os.environ.get("REDIS_URL"), "integration tests need REDIS_URL=redis://..."
    settings.CACHES = {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": os.environ["REDIS_URL"],
                                   "KEY_PREFIX": "test-ratelimit"}}
    cache = caches["default"]
    for key in ("t:ip", "t:domain"):
        cache.delete(key)
    assert _attempts(4, [("t:ip", 2), ("t:domain", 10)]) == [True, True, False, False]
    # The counters are ordinary cache entries, with the window as their expiry.
    assert (cache.get("t:ip"), cache.get("t:domain")) == (4, 2)
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("t:ip")) <= 60
    # One redis client per connection pool, not one per operation.
    assert cache._cache.get_client(write=True) is client
