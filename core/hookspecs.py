"""Every extension point of the Parvis core, in one place.

A plugin implements some of these in its hook module (the value of its ``parvis.plugins`` entry
point) with :data:`core.plugins.hookimpl`. Unknown hook names and unknown arguments are refused
when the instance starts. Each hook is documented with an example in ``docs/hooks.md``.

Hooks marked *per plugin* are called by the core once for each plugin enabled for the current
organisation, so the core knows which plugin answered (to mount URLs under ``/<slug>/``, to
skip disabled plugins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.urls import URLPattern, URLResolver

    from core.plugins import ComponentType, DemoContext, NavigationItem, PeriodicTask

hookspec = pluggy.HookspecMarker("parvis")


@hookspec
def urlpatterns() -> list[URLPattern | URLResolver]:
    """*Per plugin.* URL patterns of the plugin, mounted under ``/<slug>/``.

    They are included in the URL namespace ``<slug>``: ``reverse("<slug>:<name>")``. When the
    plugin is disabled for the organisation of the request, these URLs answer 404.
    """


@hookspec
def navigation_items(request: HttpRequest) -> list[NavigationItem]:
    """*Per plugin.* Links the plugin adds to the main navigation of public pages."""


@hookspec
def template_slot(slot: str, request: HttpRequest, context: dict[str, Any]) -> str | None:
    """*Per plugin.* HTML to insert in a named slot of a core page, or ``None``.

    Core slots: ``"home_after_spaces"`` (organisation home), ``"space_after_phases"`` (space
    page, ``context["space"]``), ``"footer"`` (every page). Return trusted HTML only (render a
    template; never concatenate user input).
    """


@hookspec
def component_types() -> list[ComponentType]:
    """*Per plugin.* The participation components the plugin offers to place in phases."""


@hookspec
def periodic_tasks() -> list[PeriodicTask]:
    """*Per plugin.* Tasks the scheduler runs periodically (counters, reminders, retention)."""


@hookspec
def demo_data(demo: DemoContext) -> None:
    """*Per plugin.* Create the plugin's demo content for ``parvis demo``.

    Called once on an empty demo database, inside a transaction; must be idempotent-safe
    (create, do not assume rows exist).
    """
