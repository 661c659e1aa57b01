"""The system check parvis.E010: every model pointing to a person is claimed by a hook."""

from __future__ import annotations

import types

from django.apps import apps
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from core.checks import check_personal_data, unclaimed_models
from core.models import User
from core.plugin_host import get_manager
from core.plugins import PersonalData, hookimpl


def test_every_model_of_the_project_is_claimed(db):
    assert unclaimed_models() == []
    assert [e for e in checks.run_checks(tags=["parvis"]) if e.id == "parvis.E010"] == []


@isolate_apps("tests.core.privacy")
def test_an_unclaimed_model_pointing_to_the_user_fails_the_check():
    class Diary(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy_tests"

        def __str__(self) -> str:
            return "diary"

    class Weather(models.Model):
        city = models.CharField(max_length=20)

        class Meta:
            app_label = "privacy_tests"

        def __str__(self) -> str:
            return self.city

    installed = [*apps.get_models(), Diary, Weather]
    errors = check_personal_data(models=installed)
    assert [(e.id, e.obj) for e in errors] == [("parvis.E010", "privacy_tests.Diary")]
    assert "privacy_tests.Diary" in errors[0].msg and "docs/privacy.md" in errors[0].hint

    # A plugin that claims it through the hook makes the check pass.
    @hookimpl
    def personal_data():
        return [PersonalData(key="diary", models=("privacy_tests.Diary",), export=lambda user: {},
                             erase=lambda user: None, description="Votre journal est supprimé.")]

    plugin = types.ModuleType("diary_plugin")
    plugin.personal_data = personal_data
    manager = get_manager()
    manager.register(plugin, name="diary")
    try:
        assert check_personal_data(models=installed) == []
    finally:
        manager.unregister(plugin)
    assert len(check_personal_data(models=installed)) == 1


def test_a_plugin_that_failed_to_load_is_not_reported_twice(db, monkeypatch):
    from core.plugin_host import DiscoveredPlugin, registry

    assert "petitions.Petition" in unclaimed_models(claimed=set())
    # Not loaded (no module): parvis.E002-E005 already name it, and its hooks are absent.
    monkeypatch.setitem(registry.discovered, "petitions", DiscoveredPlugin(
        slug="petitions", hook_module="plugins.petitions.hooks", app_module="plugins.petitions",
        distribution="parvis", distribution_version="0"))
    assert "petitions.Petition" not in unclaimed_models(claimed=set())
    assert "contributions.Contribution" in unclaimed_models(claimed=set())
