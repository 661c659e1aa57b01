"""The plugin host: discovery through entry points, metadata checks, hook validation."""

from __future__ import annotations

import json
import types

import pluggy
import pytest
from django.core.management import call_command

from core import hookspecs, plugin_host
from core.plugins import PluginInfo, hookimpl

BUILT_INS = {"petitions", "participatory_budget", "mapping", "qa_elus"}


def test_built_in_plugins_are_discovered_through_entry_points():
    discovered = plugin_host.registry.discovered
    assert BUILT_INS <= set(discovered)
    for slug in BUILT_INS:
        plugin = discovered[slug]
        assert plugin.distribution == "parvis"
        assert plugin.hook_module == f"plugins.{slug}.hooks"
        assert plugin.loaded, plugin_host.registry.problems
        assert isinstance(plugin.info, PluginInfo)
        assert plugin.info.licence and plugin.info.description


def test_plugin_apps_are_installed_apps(settings):
    for slug in BUILT_INS:
        assert f"plugins.{slug}" in settings.INSTALLED_APPS


def test_no_plugin_problems_on_a_clean_install():
    assert plugin_host.registry.problems == []


def test_plugins_command_lists_plugins_as_json(capsys):
    call_command("plugins", "--json")
    rows = {row["slug"]: row for row in json.loads(capsys.readouterr().out)}
    assert BUILT_INS <= set(rows)
    assert rows["suggestions"]["version"] == "1.2.0"
    assert "urlpatterns" in rows["suggestions"]["hooks"]
    assert all(rows[slug]["enabled"] for slug in BUILT_INS)


def test_plugins_command_prints_a_table(capsys):
    call_command("plugins")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["slug", "version", "enabled", "hooks"]
    assert any(line.startswith("petitions ") for line in out.splitlines())


def _manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("parvis")
    manager.add_hookspecs(hookspecs)
    return manager


def test_a_misspelt_hook_is_refused():
    module = types.ModuleType("misspelt")

    @hookimpl
    def navigation_itemz(request):  # not a hook
        return []

    module.navigation_itemz = navigation_itemz
    manager = _manager()
    manager.register(module, name="misspelt")
    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'navigation_itemz'"):
        manager.check_pending()


def test_a_hook_with_an_unknown_argument_is_refused():
    module = types.ModuleType("wrong_args")

    @hookimpl
    def navigation_items(request, organisation):
        return []

    module.navigation_items = navigation_items
    with pytest.raises(pluggy.PluginValidationError, match="organisation"):
        _manager().register(module, name="wrong_args")


def test_incompatible_core_range_is_reported():
    plugin = plugin_host.DiscoveredPlugin("future", "future.hooks", "future", "future-dist", "9.0")
    info = PluginInfo(name="Future", version="9.0", description="", licence="MIT",
                      core_compatibility=">=9.0")
    problem = plugin_host._check_info(plugin, info)
    assert problem.code == "parvis.E003"
    assert "requires Parvis >=9.0" in problem.message
    assert "future-dist" in problem.hint


def test_missing_metadata_is_reported():
    plugin = plugin_host.DiscoveredPlugin("bare", "bare.hooks", "bare", "bare-dist", "1.0")
    problem = plugin_host._check_info(plugin, None)
    assert problem.code == "parvis.E004"


def test_call_each_attributes_results_to_plugins_and_filters_by_slug():
    results = plugin_host.call_each("component_types")
    slugs = [slug for slug, _ in results]
    assert "suggestions" in slugs
    assert plugin_host.call_each("component_types", only=set()) == []
