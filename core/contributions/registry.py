"""The contribution kinds plugins declare through the ``contribution_kinds`` hook."""

from __future__ import annotations

from functools import cache

from core.plugin_host import call_each
from core.plugins import ContributionKind


@cache
def _kinds() -> dict[tuple[str, str], ContributionKind]:
    return {(slug, kind.key): kind for slug, kinds in call_each("contribution_kinds") for kind in kinds}


def contribution_kind(plugin: str, key: str) -> ContributionKind | None:
    return _kinds().get((plugin, key))


def clear_cache() -> None:
    _kinds.cache_clear()
