"""Fixtures of the notification tests: declared kinds, contributions, followers."""

from __future__ import annotations

import types

import pytest
from django.core import mail

from core.contributions.models import Contribution
from core.notifications import services
from core.plugin_host import get_manager
from core.plugins import NotificationKind, hookimpl

CORE_KINDS = [
    NotificationKind("status_changed", "Changement de statut"),
    NotificationKind("answer_published", "Réponse officielle"),
    NotificationKind("comment_reply", "Réponse à un commentaire"),
    NotificationKind("space_message", "Message d'un espace"),
]


def probe_module() -> types.ModuleType:
    """A plugin declaring two kinds, registered in the live plugin manager by the tests."""
    module = types.ModuleType("notification_probe")

    @hookimpl
    def notification_kinds():
        return [
            NotificationKind("update", "Nouvelles du projet"),
            NotificationKind("reminder", "Rappel"),
        ]

    module.notification_kinds = notification_kinds
    return module


@pytest.fixture(autouse=True)
def kinds(monkeypatch):
    """Kinds "probe.update" and "probe.reminder", plus the core's four kinds.

    The core declares its kinds in core/hooks.py; until it does, they are added here so the
    tests do not depend on that order of work.
    """
    manager = get_manager()
    module = probe_module()
    manager.register(module, name="probe")
    if "core.space_message" not in services.notification_kinds():
        real_call_each = services.call_each

        def call_each(hook_name, **kwargs):
            results = real_call_each(hook_name, **kwargs)
            if hook_name == "notification_kinds":
                results = [("core", CORE_KINDS), *results]
            return results

        monkeypatch.setattr(services, "call_each", call_each)
    yield services.notification_kinds()
    manager.unregister(module)


@pytest.fixture(autouse=True)
def empty_outbox():
    mail.outbox = []


def make_contribution(space, author=None, **extra) -> Contribution:
    values = {
        "plugin": "probe", "kind": "idea", "title": "Un banc place de l'église",
        "url": f"/probe/ideas/{space.pk}/", "status": "received",
    }
    values.update(extra)
    return Contribution.objects.create(space=space, author=author, **values)


@pytest.fixture
def contribution(space, citizen) -> Contribution:
    return make_contribution(space, citizen)


def csrf_client(user=None):
    """A client that enforces CSRF checks, logged in as ``user``, and its CSRF token."""
    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("notifications:preferences" if user else "core:home"))
    return client, client.cookies["csrftoken"].value
