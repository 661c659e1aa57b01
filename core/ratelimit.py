"""Fixed-window rate limits kept in the cache.

A window starts at a counter's first attempt and lasts ``window`` seconds. With Redis (the
production cache), the counters of one attempt are counted in a single round trip by a small
server-side script, atomically; with any other cache, by ``add`` and ``incr`` on each counter.
While Redis cannot be reached, the counters are kept in each process's memory
(core.redis_cache): limits per process, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core.redis_cache import UNAVAILABLE, local_counters

__all__ = ["hit"]

# KEYS: the counters; ARGV[1]: the window in seconds; ARGV[1 + i]: the limit of KEYS[i].
# Stops at the first counter over its limit, leaving the next ones untouched.
_HIT_SCRIPT = """
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[1]) end
  if count > tonumber(ARGV[i + 1]) then return 0 end
end
return 1
"""
_script = None  # redis-py's Script: EVALSHA with its digest, EVAL once if Redis lost it


def hit(counters: Sequence[tuple[str, int]], window: int) -> bool:
    """Count one attempt on each ``(key, limit)`` counter, in order; ``False`` as soon as one
    goes over its limit (the following ones are then not counted)."""
    cache = caches["default"]
    if not counters:
        return True
    if isinstance(cache, RedisCache):
        available = getattr(cache, "available", None)
        if available is None or available():
            try:
                return _hit_redis(cache, counters, window)
            except UNAVAILABLE as exc:
                if available is None:
                    raise
                cache.mark_unavailable(exc)
        # Redis is down: limits per process rather than an error on every attempt.
        cache = local_counters
    for key, limit in counters:
        if not _hit_one(cache, key, limit, window):
            return False
    return True


def _hit_one(cache, key: str, limit: int, window: int) -> bool:
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def _hit_redis(cache: RedisCache, counters: Sequence[tuple[str, int]], window: int) -> bool:
    global _script
    client = cache._cache.get_client(write=True)
    if _script is None:
        _script = client.register_script(_HIT_SCRIPT)
    keys = [cache.make_and_validate_key(key) for key, _limit in counters]
    return bool(_script(keys=keys, args=[window, *(limit for _key, limit in counters)], client=client))
