"""The core's own hook implementations: core features register like plugins do."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.plugins import NavigationItem, PeriodicTask, hookimpl


@hookimpl
def navigation_items(request):
    return [NavigationItem(label=_("Accueil"), url=reverse("core:home"), order=0)]


@hookimpl
def periodic_tasks():
    # Lets operators see on the admin dashboard that the scheduler and a worker are alive.
    return [PeriodicTask(name="core.scheduler-heartbeat", task="core.ping", every=timedelta(minutes=5))]
