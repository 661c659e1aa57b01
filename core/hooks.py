"""The core's own hook implementations: core features register like plugins do."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.identity.hooks import verification_methods  # noqa: F401 - the built-in methods
from core.plugins import NavigationItem, NotificationKind, PeriodicTask, hookimpl


@hookimpl
def navigation_items(request):
    items = [
        NavigationItem(label=_("Accueil"), url=reverse("core:home"), order=0),
        NavigationItem(label=_("Rechercher"), url=reverse("search:search"), order=900),
    ]
    if request.user.is_authenticated:
        items.append(NavigationItem(label=_("Mes contributions"), url=reverse("contributions:mine"), order=910))
        items.append(NavigationItem(label=_("Notifications"), url=reverse("notifications:inbox"), order=920))
        items.append(NavigationItem(label=_("Mes données"), url=reverse("core:my_data"), order=930))
    return items


@hookimpl
def periodic_tasks():
    return [
        # Lets operators see that the scheduler and a worker are alive.
        PeriodicTask(name="core.scheduler-heartbeat", task="core.ping", every=timedelta(minutes=5)),
        PeriodicTask(
            name="contributions.phase-activity", task="contributions.record_phase_activity",
            every=timedelta(minutes=15),
        ),
        PeriodicTask(name="participation.flush-pending", task="participation.flush_pending", every=timedelta(seconds=10)),
        PeriodicTask(name="participation.publish-heads", task="participation.publish_heads", every=timedelta(minutes=10)),
        PeriodicTask(name="identity.purge-expired", task="identity.purge_expired", every=timedelta(hours=24)),
        PeriodicTask(
            name="notifications.daily-digest", task="notifications.send_daily_digests",
            every=timedelta(hours=24),
        ),
        PeriodicTask(name="core.purge-data-exports", task="core.purge_data_exports", every=timedelta(hours=1)),
        PeriodicTask(
            name="federation.dispatch-deliveries", task="federation.dispatch_deliveries",
            every=timedelta(seconds=30),
        ),
        # Every retention rule of every plugin, for every organisation (docs/privacy.md).
        PeriodicTask(name="retention.apply-rules", task="retention.apply_rules", every=timedelta(hours=1)),
    ]


@hookimpl
def notification_kinds():
    return [
        NotificationKind("status_changed", _("Changement de statut d'une contribution suivie")),
        NotificationKind("answer_published", _("Réponse officielle à une contribution suivie")),
        NotificationKind("comment_reply", _("Réponse à l'un de mes commentaires")),
        NotificationKind("space_message", _("Message des organisateurs d'un espace suivi")),
    ]


@hookimpl
def sample_pages():
    # The core's pages and the account pages, for the every-page gates (docs/gates.md).
    from core.sample_pages import sample_pages as core_sample_pages

    return core_sample_pages()


@hookimpl
def personal_data():
    # Each core app answers for its own models; the account section also answers for allauth,
    # Wagtail and the Django admin (docs/privacy.md).
    from core import account_data
    from core.api import privacy as api
    from core.comments import privacy as comments
    from core.contributions import privacy as contributions
    from core.identity import privacy as identity
    from core.moderation import privacy as moderation
    from core.notifications import privacy as notifications
    from core.participation import privacy as participation
    from federation import privacy as federation

    return [
        *account_data.personal_data(),
        contributions.personal_data(),
        moderation.personal_data(),
        comments.personal_data(),
        notifications.personal_data(),
        participation.personal_data(),
        identity.personal_data(),
        api.personal_data(),
        federation.personal_data(),
    ]


@hookimpl
def federation_object_types():
    # Official answers, as Notes by the official (or the space's Group).
    from core.contributions.federation import object_types

    return object_types()


@hookimpl
def retention_rules():
    # How long the core keeps the link between participation records and accounts.
    from core.retention.core_rules import core_rules

    return core_rules()


@hookimpl
def open_data_sets():
    # The core's public datasets: phases, public contributions, participation counts.
    from core.opendata.datasets import core_datasets

    return core_datasets()
