"""Hooks called by the core reach plugins: demo data and periodic tasks."""

from __future__ import annotations

import types
from datetime import timedelta

import pytest

from core.celery import app, schedule_plugin_tasks
from core.demo import load_demo
from core.models import Component, Organisation
from core.plugin_host import call_each, get_manager
from core.plugins import PeriodicTask, hookimpl


@pytest.fixture
def test_plugin():
    """A plugin registered for one test (under the slug of the sample plugin's components)."""
    module = types.ModuleType("hook_probe")
    calls: list = []

    @hookimpl
    def demo_data(demo):
        calls.append(demo)
        phase = demo.spaces["commune"].phases.order_by("sort_order").first()
        Component.objects.create(phase=phase, component_type="suggestions.box", title="Vos idées")

    @hookimpl
    def periodic_tasks():
        return [PeriodicTask(name="probe.tick", task="core.ping", every=timedelta(seconds=45))]

    module.demo_data = demo_data
    module.periodic_tasks = periodic_tasks
    module.calls = calls
    manager = get_manager()
    manager.register(module, name="hook_probe")
    yield module
    manager.unregister(module)
    app.conf.beat_schedule.pop("probe.tick", None)


def test_demo_data_hook_receives_the_demo_organisations_and_spaces(db, test_plugin):
    demo = load_demo()
    assert test_plugin.calls == [demo]
    assert demo.commune.slug == "saint-aubin-des-pres"
    assert set(demo.spaces) == {"commune", "association"}
    component = Component.objects.get(component_type="suggestions.box")
    assert component.phase.space == demo.spaces["commune"]
    assert component.phase.is_current
    # A second run finds the demo in place and calls no hook again.
    assert load_demo() is None
    assert len(test_plugin.calls) == 1
    assert Organisation.objects.count() == 2


def test_periodic_tasks_hook_feeds_the_scheduler(test_plugin):
    assert ("hook_probe", [PeriodicTask("probe.tick", "core.ping", timedelta(seconds=45))]) in call_each(
        "periodic_tasks"
    )
    schedule_plugin_tasks(app)
    assert app.conf.beat_schedule["probe.tick"] == {"task": "core.ping", "schedule": 45.0, "kwargs": {}}
