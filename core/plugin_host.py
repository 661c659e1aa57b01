"""Discovery and loading of plugins (internal; plugins use :mod:`core.plugins`).

Loading happens in two phases:

1. :func:`discover` runs while settings are read. It looks at the ``parvis.plugins`` entry
   points' *metadata* only (no plugin code is imported) and returns the Django apps to add to
   ``INSTALLED_APPS``.
2. :func:`load_hooks`, called from ``CoreConfig.ready()``, imports each hook module, checks its
   :class:`~core.plugins.PluginInfo` against the running core version and registers it in the
   pluggy ``PluginManager("parvis")``; ``check_pending()`` refuses misspelt hooks.

Problems found on the way (unimportable entry point, missing metadata, incompatible version) are
kept in :data:`problems` and reported by the system checks in :mod:`core.checks`, one line each
with the fix, instead of a stack trace.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

ENTRY_POINT_GROUP = "parvis.plugins"


@dataclass
class PluginProblem:
    slug: str
    code: str  # the system check id, e.g. "parvis.E002"
    message: str
    hint: str


@dataclass
class DiscoveredPlugin:
    """A plugin as seen from its entry point, before any of its code runs."""

    slug: str
    hook_module: str
    app_module: str
    distribution: str
    distribution_version: str
    module: ModuleType | None = None
    info: Any = None  # core.plugins.PluginInfo once loaded

    @property
    def loaded(self) -> bool:
        return self.module is not None


@dataclass
class PluginRegistry:
    discovered: dict[str, DiscoveredPlugin] = field(default_factory=dict)
    problems: list[PluginProblem] = field(default_factory=list)
    manager: pluggy.PluginManager | None = None


registry = PluginRegistry()


def _entry_points() -> Iterator[importlib.metadata.EntryPoint]:
    seen: set[str] = set()
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        # An editable install can expose the same distribution twice on sys.path.
        if ep.name in seen:
            continue
        seen.add(ep.name)
        yield ep


def discover(disabled: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Phase 1: read entry-point metadata; return the Django apps of importable plugins."""
    registry.discovered.clear()
    registry.problems.clear()
    apps: list[str] = []
    for ep in sorted(_entry_points(), key=lambda e: e.name):
        if ep.name in disabled:
            continue
        hook_module = ep.value.split(":", 1)[0].strip()
        app_module = hook_module.rpartition(".")[0] or hook_module
        dist = ep.dist
        plugin = DiscoveredPlugin(
            slug=ep.name,
            hook_module=hook_module,
            app_module=app_module,
            distribution=dist.name if dist else "?",
            distribution_version=dist.version if dist else "?",
        )
        registry.discovered[ep.name] = plugin
        try:
            found = importlib.util.find_spec(app_module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            registry.problems.append(
                PluginProblem(
                    ep.name,
                    "parvis.E002",
                    f"Plugin '{ep.name}' (distribution '{plugin.distribution}') points to the "
                    f"module '{app_module}', which cannot be found.",
                    f"Reinstall it (pip install --force-reinstall {plugin.distribution}) or "
                    f"uninstall it (pip uninstall {plugin.distribution}).",
                )
            )
            continue
        apps.append(app_module)
    return apps


def core_version() -> Version:
    from core import __version__

    return Version(__version__)


def _check_info(plugin: DiscoveredPlugin, info: Any) -> PluginProblem | None:
    from core.plugins import PluginInfo

    if not isinstance(info, PluginInfo):
        return PluginProblem(
            plugin.slug,
            "parvis.E004",
            f"Plugin '{plugin.slug}': its hook module '{plugin.hook_module}' defines no "
            "`plugin = PluginInfo(...)`.",
            "Declare the plugin's metadata; see docs/plugin-authors.md.",
        )
    if info.core_compatibility:
        try:
            spec = SpecifierSet(info.core_compatibility)
        except InvalidSpecifier:
            return PluginProblem(
                plugin.slug,
                "parvis.E003",
                f"Plugin '{plugin.slug}' declares an invalid core compatibility "
                f"'{info.core_compatibility}'.",
                "Use a PEP 440 specifier such as '>=0.1,<0.2'.",
            )
        if not spec.contains(core_version(), prereleases=True):
            return PluginProblem(
                plugin.slug,
                "parvis.E003",
                f"Plugin '{plugin.slug}' {info.version} requires Parvis {spec}, but this is "
                f"Parvis {core_version()}; it was not loaded.",
                f"Install a version of '{plugin.distribution}' made for Parvis "
                f"{core_version()}, or uninstall it.",
            )
    return None


def load_hooks(installed_apps: set[str]) -> pluggy.PluginManager:
    """Phase 2: import hook modules, check metadata, register them and check the hooks."""
    from core import hooks as core_hooks
    from core import hookspecs

    manager = pluggy.PluginManager("parvis")
    manager.add_hookspecs(hookspecs)
    from federation import hookspecs as federation_hookspecs

    if any(hasattr(obj, "parvis_spec") for obj in vars(federation_hookspecs).values()):
        manager.add_hookspecs(federation_hookspecs)
    manager.register(core_hooks, name="core")
    for plugin in registry.discovered.values():
        if plugin.app_module not in installed_apps:
            continue
        try:
            module = importlib.import_module(plugin.hook_module)
        except Exception as exc:  # noqa: BLE001 - any import failure is reported the same way
            registry.problems.append(
                PluginProblem(
                    plugin.slug,
                    "parvis.E002",
                    f"Plugin '{plugin.slug}': its hook module '{plugin.hook_module}' cannot "
                    f"be imported ({type(exc).__name__}: {exc}).",
                    f"Reinstall or fix the distribution '{plugin.distribution}', or "
                    f"uninstall it.",
                )
            )
            continue
        info = getattr(module, "plugin", None)
        problem = _check_info(plugin, info)
        if problem:
            registry.problems.append(problem)
            continue
        try:
            manager.register(module, name=plugin.slug)
        except pluggy.PluginValidationError as exc:
            registry.problems.append(
                PluginProblem(
                    plugin.slug,
                    "parvis.E005",
                    f"Plugin '{plugin.slug}' has an invalid hook: {exc}",
                    "Compare the hook's arguments with docs/hooks.md.",
                )
            )
            continue
        plugin.module = module
        plugin.info = info
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        bad = getattr(exc, "plugin", None)
        slug = manager.get_name(bad) if bad is not None else "?"
        registry.problems.append(
            PluginProblem(
                slug or "?",
                "parvis.E005",
                f"Plugin '{slug}' implements a hook that does not exist: {exc}",
                "Check the spelling against docs/hooks.md.",
            )
        )
        if bad is not None:
            manager.unregister(bad)
            if slug in registry.discovered:
                registry.discovered[slug].module = None
    registry.manager = manager
    return manager


def get_manager() -> pluggy.PluginManager:
    if registry.manager is None:
        raise RuntimeError("Plugins are loaded when Django starts (CoreConfig.ready()).")
    return registry.manager


def loaded_plugins() -> list[DiscoveredPlugin]:
    return [p for p in registry.discovered.values() if p.loaded]


def call_each(hook_name: str, *, only: set[str] | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a *per plugin* hook once per plugin; return ``(slug, result)`` pairs in slug order.

    ``only`` restricts the call to the given plugin slugs (the ones enabled for an
    organisation). Results that are ``None`` are dropped. The core's own implementations come
    under the slug ``"core"``.
    """
    manager = get_manager()
    caller = getattr(manager.hook, hook_name)
    results = []
    for impl in caller.get_hookimpls():
        slug = impl.plugin_name
        if only is not None and slug != "core" and slug not in only:
            continue
        args = {name: kwargs[name] for name in impl.argnames}
        result = impl.function(**args)
        if result is not None:
            results.append((slug, result))
    results.sort(key=lambda pair: (pair[0] != "core", pair[0]))
    return results
