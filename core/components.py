"""The catalogue of participation components offered by the loaded plugins."""

from __future__ import annotations

from django.db import transaction

from core.plugin_host import call_each
from core.plugins import ComponentType


def all_component_types() -> dict[str, ComponentType]:
    """``{"<plugin slug>.<key>": ComponentType}`` for every loaded plugin."""
    catalogue: dict[str, ComponentType] = {}
    for slug, types in call_each("component_types"):
        for ctype in types:
            catalogue[f"{slug}.{ctype.key}"] = ctype
    return catalogue


def prepare_component(component) -> None:
    """Let the plugin of a component just placed (or edited) create what it needs
    (``ComponentType.on_placed``)."""
    ctype = all_component_types().get(component.component_type)
    if ctype is not None and ctype.on_placed is not None:
        ctype.on_placed(component)


@transaction.atomic
def place_component(phase, component_type: str, title: str, **fields):
    """Place a component of ``component_type`` (``"<plugin slug>.<key>"``) in ``phase``, checked
    as the back-office checks it, with what its plugin creates along with it."""
    from core.models import Component

    component = Component(phase=phase, component_type=component_type, title=title, **fields)
    component.full_clean()
    component.save()
    prepare_component(component)
    return component
