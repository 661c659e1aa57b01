"""The public API a plugin imports: ``from core.plugins import hookimpl, PluginInfo, ...``.

Everything a plugin needs to declare itself and to answer the core's hooks lives here. The rest
of ``core`` is internal and may change between minor versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "hookimpl",
    "PluginInfo",
    "NavigationItem",
    "ComponentType",
    "PeriodicTask",
    "DemoContext",
]

#: Decorator marking a function of a plugin's ``hooks`` module as a hook implementation.
hookimpl = pluggy.HookimplMarker("parvis")


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself. Every hook module defines ``plugin = PluginInfo(...)``.

    ``core_compatibility`` is a PEP 440 version specifier (for example ``">=0.1,<0.2"``) that the
    running Parvis version must satisfy; an incompatible plugin is not loaded and the system
    check ``parvis.E003`` names it.
    """

    name: str
    version: str
    description: str
    licence: str
    homepage: str = ""
    core_compatibility: str = ""


@dataclass(frozen=True)
class NavigationItem:
    """A link in the main navigation. ``label`` is translated when rendered if lazy."""

    label: Any
    url: str
    order: int = 100


@dataclass(frozen=True)
class ComponentType:
    """A participation component a plugin offers to place in a phase of a space.

    ``key`` is unique within the plugin; the full type is ``"<plugin slug>.<key>"``.
    ``view_name`` names a URL pattern of the plugin (within its namespace) that takes a
    ``component_id`` keyword argument and shows the component to the public.
    """

    key: str
    label: Any
    description: Any = ""
    view_name: str = ""


@dataclass(frozen=True)
class PeriodicTask:
    """A task run by the scheduler (Celery beat) every ``every``.

    ``task`` is the registered Celery task name; ``name`` must be unique instance-wide.
    """

    name: str
    task: str
    every: timedelta
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoContext:
    """What ``parvis demo`` hands to each plugin's ``demo_data`` hook.

    ``commune`` and ``association`` are :class:`core.models.Organisation` instances; ``spaces``
    maps a short key (``"commune"``, ``"association"``) to the demo :class:`core.models.Space`
    of that organisation, whose first phase is open now.
    """

    commune: Any
    association: Any
    spaces: dict[str, Any]
    admin: Any
    request: HttpRequest | None = None
