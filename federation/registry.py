"""The object types and inbound handlers plugins declare through the federation hooks."""

from __future__ import annotations

from core.plugin_host import call_each
from federation.api import InboundHandler, ObjectType


def object_types() -> dict[tuple[str, str], ObjectType]:
    """``{(plugin slug, key): ObjectType}`` of every loaded plugin."""
    types = {}
    for slug, declared in call_each("federation_object_types"):
        for object_type in declared:
            if not isinstance(object_type, ObjectType):
                raise TypeError(f"{slug}: federation_object_types must return ObjectType objects")
            types[(slug, object_type.key)] = object_type
    return types


def inbound_handlers() -> list[tuple[str, InboundHandler]]:
    handlers = []
    for slug, declared in call_each("federation_inbound_handlers"):
        for handler in declared:
            if not isinstance(handler, InboundHandler):
                raise TypeError(f"{slug}: federation_inbound_handlers must return InboundHandler objects")
            handlers.append((slug, handler))
    return handlers
