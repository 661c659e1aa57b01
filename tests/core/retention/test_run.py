"""The periodic task, ``parvis retention`` and the ``retention_rules`` hook."""

from __future__ import annotations

import types
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from core.plugin_host import call_each, get_manager
from core.plugins import RetentionRule, hookimpl
from core.retention.rules import all_rules, delays_for, run
from plugins.petitions.models import Signature
from tests.core.retention.conftest import T0, make_signature


def test_the_task_is_scheduled_and_purges(petitions, commune):
    from core.retention.tasks import apply_rules

    scheduled = {task.name: task for _slug, tasks in call_each("periodic_tasks") for task in tasks}
    assert scheduled["retention.apply-rules"].task == "retention.apply_rules"
    assert scheduled["retention.apply-rules"].every == timedelta(hours=1)
    signature = make_signature(petitions["commune"], "a@example.org", confirmed=False)
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        counts = apply_rules.delay().get()
        assert counts == {"saint-aubin/petitions.unconfirmed_signatures": 1}
        assert not Signature.objects.filter(pk=signature.pk).exists()
        assert apply_rules.delay().get() == {}  # idempotent


def test_the_command_dry_run_changes_nothing(petitions, commune):
    signature = make_signature(petitions["commune"], "a@example.org", confirmed=False)
    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        call_command("retention", "--dry-run", "--organisation", "saint-aubin", stdout=out)
    text = out.getvalue()
    assert "saint-aubin\tpetitions.unconfirmed_signatures\t7 jours\twould change 1" in text
    assert "collectif-air" not in text
    assert "Dry run: 2 row(s) would change." in text  # the signature, and its IP address
    assert Signature.objects.filter(pk=signature.pk, ip_address__isnull=False).exists()

    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        call_command("retention", stdout=out)
    assert "changed 1" in out.getvalue()
    assert not Signature.objects.filter(pk=signature.pk).exists()


def test_the_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="no organisation has the slug 'nulle-part'"):
        call_command("retention", "--organisation", "nulle-part", stdout=StringIO())


def test_a_plugin_adds_its_own_rule_through_the_hook(commune, association):
    """A third-party plugin's rule is applied for each organisation with its own delay."""
    calls = []

    def apply(organisation, delay, now):
        calls.append((organisation.slug, delay, now))
        return 3 if organisation.slug == "saint-aubin" else 0

    module = types.ModuleType("carnet_retention")

    @hookimpl
    def retention_rules():
        return [RetentionRule(key="old_notes", description="Les vieilles notes sont supprimées.",
                              default=timedelta(days=30), minimum=timedelta(days=1),
                              maximum=timedelta(days=90), apply=apply)]

    module.retention_rules = retention_rules
    get_manager().register(module, name="carnet")
    try:
        assert "carnet.old_notes" in all_rules()
        from core.retention.services import save_privacy_settings

        save_privacy_settings(commune, delays={"carnet.old_notes": timedelta(days=10)})
        assert delays_for(commune)["carnet.old_notes"] == timedelta(days=10)
        results = run(now=T0)
        assert sorted(calls) == [("collectif-air", timedelta(days=30), T0), ("saint-aubin", timedelta(days=10), T0)]
        assert [r.count for r in results if r.rule == "carnet.old_notes" and r.organisation == "saint-aubin"] == [3]
    finally:
        get_manager().unregister(module)


def test_a_rule_with_a_default_out_of_its_bounds_is_refused():
    with pytest.raises(ValueError, match="between minimum and maximum"):
        RetentionRule(key="x", description="x", default=timedelta(days=100), minimum=timedelta(days=1),
                      maximum=timedelta(days=30), apply=lambda organisation, delay, now: 0)
