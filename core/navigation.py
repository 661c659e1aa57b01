"""Main navigation and template slots, gathered from the hooks of enabled plugins."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from core.plugin_host import call_each


def enabled_for(request) -> set[str] | None:
    organisation = getattr(request, "organisation", None)
    if organisation:
        return set(organisation.enabled_plugins())
    return None


def navigation_for(request):
    def build():
        items = [
            item
            for _slug, items in call_each("navigation_items", only=enabled_for(request), request=request)
            for item in items
        ]
        return sorted(items, key=lambda item: item.order)

    return SimpleLazyObject(build)


def render_slot(slot: str, request, context: dict) -> str:
    parts = call_each(
        "template_slot", only=enabled_for(request), slot=slot, request=request, context=context
    )
    # Hook implementations return HTML they rendered from templates (documented contract).
    return mark_safe("".join(str(html) for _slug, html in parts))  # noqa: S308
