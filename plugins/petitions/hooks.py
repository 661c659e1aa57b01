"""Hook implementations of the petitions plugin (entry point ``parvis.plugins:petitions``)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import (
    ComponentType,
    ContributionKind,
    NavigationItem,
    NotificationKind,
    PeriodicTask,
    PluginInfo,
    hookimpl,
)
from plugins.petitions.workflow import PETITION_WORKFLOW

plugin = PluginInfo(
    name=_("Pétitions"),
    version=__version__,
    description=_("Pétitions citoyennes avec seuils de signatures qui obligent à une réponse."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)


@hookimpl
def urlpatterns():
    from plugins.petitions.urls import urlpatterns as patterns

    return patterns


@hookimpl
def navigation_items(request):
    return [NavigationItem(label=_("Pétitions"), url=reverse("petitions:index"), order=20)]


@hookimpl
def component_types():
    return [
        ComponentType(
            key="petition_box", label=_("Pétitions"),
            description=_("Les habitants lancent et signent des pétitions ; des seuils obligent à répondre."),
            view_name="component",
        )
    ]


@hookimpl
def contribution_kinds():
    return [ContributionKind(key="petition", label=_("Pétition"), workflow=PETITION_WORKFLOW)]


@hookimpl
def notification_kinds():
    return [
        NotificationKind(
            "threshold_reached", _("Une pétition atteint un seuil"),
            _("Quand une pétition oblige l'organisation à répondre ou à en débattre."),
        )
    ]


@hookimpl
def periodic_tasks():
    from django.conf import settings

    seconds = int(getattr(settings, "PETITIONS_COUNTER_SECONDS", 30))
    return [
        PeriodicTask("petitions.update-counts", "petitions.update_counts", timedelta(seconds=seconds)),
        PeriodicTask("petitions.close-due", "petitions.close_due", timedelta(minutes=5)),
    ]


@hookimpl
def demo_data(demo):
    from plugins.petitions.demo import load_demo

    load_demo(demo)


def _resolve(object_id: str):
    from core.plugins import SubjectInfo
    from plugins.petitions.models import Petition

    if not object_id.isdigit():
        return None
    petition = Petition.objects.select_related("contribution", "component__phase__space").filter(pk=int(object_id)).first()
    if petition is None or petition.contribution_id is None:
        return None
    return SubjectInfo(
        key=petition.subject_key, title=petition.title, space=petition.component.phase.space,
        url=petition.get_absolute_url(), is_open=petition.is_open, target=petition.component,
    )


@hookimpl
def participation_subject_types():
    from core.plugins import PERSON_BY_EMAIL, ParticipationSubjectType

    # Signers are told apart by their e-mail address on every channel, so a paper sheet asks
    # for one too: the same person cannot sign online and on paper.
    return [
        ParticipationSubjectType(
            key="petition", label=_("Pétition"), log_type="petition", resolve=_resolve,
            person_fields=PERSON_BY_EMAIL,
        )
    ]


@hookimpl
def sample_pages():
    # Every page of the plugin, for the every-page gates (docs/gates.md): see sample_pages.py.
    from plugins.petitions.sample_pages import sample_pages as pages

    return pages()


@hookimpl
def personal_data():
    # Petitions, sponsorships and signatures (found by the account's verified addresses).
    from plugins.petitions.privacy import personal_data as section

    return [section()]
