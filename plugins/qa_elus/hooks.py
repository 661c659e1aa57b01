"""Hook implementations of the questions to elected officials plugin (entry point
``parvis.plugins:qa_elus``)."""

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
from plugins.qa_elus.workflow import QUESTION_WORKFLOW

plugin = PluginInfo(
    name=_("Questions aux élus"),
    version=__version__,
    description=_("Questions publiques aux élus, soutiens, réponses publiques et taux de réponse."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)


@hookimpl
def urlpatterns():
    from plugins.qa_elus.urls import urlpatterns as patterns

    return patterns


@hookimpl
def navigation_items(request):
    return [NavigationItem(label=_("Questions aux élus"), url=reverse("qa_elus:index"), order=40)]


@hookimpl
def component_types():
    return [
        ComponentType(
            key="questions", label=_("Questions aux élus"),
            description=_("Les habitants posent leurs questions aux élus, qui y répondent publiquement."),
            view_name="component",
        )
    ]


@hookimpl
def contribution_kinds():
    # Questions are commented on nowhere but on their page's answer; people follow them by
    # asking or supporting.
    return [ContributionKind(key="question", label=_("Question à un élu"), workflow=QUESTION_WORKFLOW,
                             commentable=False)]


@hookimpl
def notification_kinds():
    return [
        NotificationKind("question_answered", _("Réponse à une question suivie"),
                         _("Quand un élu répond à une question que vous avez posée ou soutenue.")),
        NotificationKind("question_rejected", _("Question non publiée"),
                         _("Quand la modération refuse votre question, avec le motif de la charte.")),
        NotificationKind("question_to_answer", _("Question à répondre"),
                         _("Quand une question vous est adressée, à vous ou à l'élu pour qui vous répondez.")),
    ]


@hookimpl
def periodic_tasks():
    return [
        PeriodicTask("qa_elus.mark-overdue", "qa_elus.mark_overdue", timedelta(hours=1)),
        PeriodicTask("qa_elus.sync-moderation", "qa_elus.sync_moderation", timedelta(minutes=5)),
        PeriodicTask("qa_elus.recount-supports", "qa_elus.recount_supports", timedelta(minutes=1)),
    ]


def _resolve(object_id: str):
    from core.plugins import SubjectInfo
    from plugins.qa_elus.models import Question

    if not object_id.isdigit():
        return None
    question = (Question.objects.select_related("organisation", "component__phase__space")
                .filter(pk=int(object_id)).first())
    if question is None or question.contribution_id is None:
        return None
    return SubjectInfo(key=question.subject_key, title=question.title, space=question.component.phase.space,
                       url=question.get_absolute_url(), is_open=question.is_public,
                       organisations=(question.organisation,), closed_at=question.answered_at)


def _public_subjects(space):
    from plugins.qa_elus.opendata import public_subjects

    return public_subjects(space)


@hookimpl
def participation_subject_types():
    from core.plugins import PERSON_BY_EMAIL, ParticipationSubjectType

    # Supports ("me too"): one per person whatever the channel, told apart by e-mail address
    # as for petitions, so that a paper support and an online one cannot both count.
    return [
        ParticipationSubjectType(
            key="question", label=_("Question à un élu"), log_type="petition", resolve=_resolve,
            person_fields=PERSON_BY_EMAIL, public_subjects=_public_subjects,
        )
    ]


@hookimpl
def sample_pages():
    # Every page of the plugin, for the every-page gates (docs/gates.md): see sample_pages.py.
    from plugins.qa_elus.sample_pages import sample_pages as pages

    return pages()


@hookimpl
def personal_data():
    # Questions asked, answers written, official profiles and delegations (privacy.py).
    from plugins.qa_elus.privacy import personal_data as section

    return [section()]


@hookimpl
def federation_object_types():
    # A published question and its answer are Notes (plugins/qa_elus/federation.py).
    from plugins.qa_elus.federation import object_types

    return object_types()


@hookimpl
def demo_data(demo):
    from plugins.qa_elus.demo import load_demo

    load_demo(demo)


@hookimpl
def open_data_sets():
    # Questions, answers and statistics of each public space (opendata.py).
    from plugins.qa_elus.opendata import open_data_sets as datasets

    return datasets()


@hookimpl
def search_documents(organisation_ids):
    # Questions are indexed as contributions by the core; the officials' pages are not.
    from core.plugins import SearchDocumentData
    from plugins.qa_elus.models import Official

    officials = Official.objects.filter(opted_in=True)
    if organisation_ids is not None:
        officials = officials.filter(organisation_id__in=organisation_ids)
    return [SearchDocumentData(key=f"qa_elus:official:{o.pk}", title=o.signature, body=o.delegations,
                               url=o.get_absolute_url()) for o in officials.order_by("pk")]
