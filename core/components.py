"""The catalogue of participation components offered by the loaded plugins."""

from __future__ import annotations

from core.plugin_host import call_each
from core.plugins import ComponentType


def all_component_types() -> dict[str, ComponentType]:
    """``{"<plugin slug>.<key>": ComponentType}`` for every loaded plugin."""
    catalogue: dict[str, ComponentType] = {}
    for slug, types in call_each("component_types"):
        for ctype in types:
            catalogue[f"{slug}.{ctype.key}"] = ctype
    return catalogue
