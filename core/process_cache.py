"""Values kept in one process's memory for a few seconds: for the few reads the busiest requests
cannot afford to make each time (a network round trip to the shared cache costs more than they
do).

Each process has its own copy, so a change made elsewhere is seen once an entry expires; a
change to one of the ``watch`` models saved in this process empties the cache at once. Every
cache is emptied between tests (``core.testing``).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save

__all__ = ["ProcessCache", "clear_all"]

_instances: weakref.WeakSet[ProcessCache] = weakref.WeakSet()


class ProcessCache:
    """A bounded, thread-safe mapping whose entries live ``seconds`` (read from the setting
    ``setting``, else ``default``; 0 keeps nothing)::

        petitions = ProcessCache("PETITIONS_SIGNING_CACHE_SECONDS", 5, watch=["petitions.Petition"])
        entry = petitions.get(pk)
        if entry is None:
            entry = petitions.set(pk, load(pk))
    """

    def __init__(self, setting: str, default: float, *, watch: Iterable[str] = (), max_entries: int = 1000):
        self.setting, self.default, self.max_entries = setting, default, max_entries
        self._watch = tuple(watch)
        self._watching = False
        self._entries: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _instances.add(self)

    @property
    def seconds(self) -> float:
        return float(getattr(settings, self.setting, self.default))

    def get(self, key) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def set(self, key, value):
        """Keep ``value`` under ``key`` (unless the delay is 0) and return it."""
        seconds = self.seconds
        if seconds <= 0:
            return value
        if not self._watching:
            self._start_watching()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + seconds, value)
        return value

    def clear(self, **_signal) -> None:
        with self._lock:
            self._entries.clear()

    def _start_watching(self) -> None:
        # Connected on first use, when every app is loaded; the receiver lives as long as the cache.
        for label in self._watch:
            model = apps.get_model(label)
            post_save.connect(self.clear, sender=model, weak=True, dispatch_uid=(id(self), label, "save"))
            post_delete.connect(self.clear, sender=model, weak=True, dispatch_uid=(id(self), label, "delete"))
        self._watching = True


def clear_all() -> None:
    for cache in list(_instances):
        cache.clear()
