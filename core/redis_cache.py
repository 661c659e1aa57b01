"""The Redis cache backend of production (``REDIS_URL``).

Django's backend builds a new ``redis.Redis`` object for every cache operation, which costs
more than the round trip itself (the object fills a table of a few hundred response handlers).
This one keeps one per connection pool: a ``redis.Redis`` object may be shared between threads,
it takes a connection from the pool for each command and gives it back.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

__all__ = ["RedisCache"]


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
