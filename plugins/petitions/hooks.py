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
        # Signing wakes the sender itself; this run catches what a lost wake-up left waiting.
        PeriodicTask("petitions.send-confirmations", "petitions.send_confirmations", timedelta(minutes=1)),
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
    is_open = petition.is_open
    return SubjectInfo(
        key=petition.subject_key, title=petition.title, space=petition.component.phase.space,
        url=petition.get_absolute_url(), is_open=is_open, target=petition.component,
        # When the signature period ended (retention counts from it); no query while open.
        closed_at=None if is_open else _closed_at(petition),
    )


def _closed_at(petition):
    from plugins.petitions.workflow import CLOSED

    return (petition.contribution.status_changes.filter(new_status=CLOSED)
            .order_by("changed_at").values_list("changed_at", flat=True).first())


def _public_subjects(space):
    from plugins.petitions.opendata import public_subjects

    return public_subjects(space)


@hookimpl
def participation_subject_types():
    from core.plugins import PERSON_BY_EMAIL, ParticipationSubjectType

    # Signers are told apart by their e-mail address on every channel, so a paper sheet asks
    # for one too: the same person cannot sign online and on paper.
    return [
        ParticipationSubjectType(
            key="petition", label=_("Pétition"), log_type="petition", resolve=_resolve,
            person_fields=PERSON_BY_EMAIL, public_subjects=_public_subjects,
        )
    ]


@hookimpl
def sample_pages():
    # Every page of the plugin, for the every-page gates (docs/gates.md): see sample_pages.py.
    from plugins.petitions.api_sample_pages import api_pages
    from plugins.petitions.sample_pages import sample_pages as pages

    return pages() + api_pages()


@hookimpl
def retention_rules():
    # Unconfirmed signatures, IP addresses, signers' identities after closing: see retention.py.
    from plugins.petitions.retention import retention_rules as rules

    return rules()


@hookimpl
def personal_data():
    # Petitions, sponsorships and signatures (found by the account's verified addresses).
    from plugins.petitions.privacy import personal_data as section

    return [section()]


@hookimpl
def api_routers():
    # Public petitions, signing and confirming through the REST API (docs/api.md).
    from plugins.petitions.api import api_routers as routers

    return routers()


@hookimpl
def open_data_sets():
    # The public petitions and the online signatures per postcode (docs/opendata.md).
    from plugins.petitions.opendata import open_data_sets as datasets

    return datasets()


@hookimpl
def federation_object_types():
    # A public petition is a Page of its space's Group (plugins/petitions/federation.py).
    from plugins.petitions.federation import object_types

    return object_types()
