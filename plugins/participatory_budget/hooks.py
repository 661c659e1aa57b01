"""Hook implementations of the participatory budget plugin (entry point ``parvis.plugins:participatory_budget``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import ComponentType, ContributionKind, NavigationItem, PluginInfo, hookimpl
from plugins.participatory_budget.workflow import PROJECT_WORKFLOW

plugin = PluginInfo(
    name=_("Budget participatif"),
    version=__version__,
    description=_("Propositions, étude de faisabilité, vote et dépouillement équitable."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)


@hookimpl
def urlpatterns():
    from plugins.participatory_budget.urls import urlpatterns as patterns

    return patterns


@hookimpl
def navigation_items(request):
    return [NavigationItem(label=_("Budget participatif"), url=reverse("participatory_budget:index"), order=30)]


@hookimpl
def component_types():
    return [
        ComponentType(
            key="budget", label=_("Budget participatif"),
            description=_("Les habitants proposent des projets, les services les étudient, tout le monde vote ; "
                          "dépouillement équitable et vérifiable."),
            view_name="component", on_placed=_create_budget,
        )
    ]


def _create_budget(component) -> None:
    from plugins.participatory_budget.services import budget_for

    budget_for(component)


@hookimpl
def contribution_kinds():
    return [ContributionKind(key="project", label=_("Projet"), workflow=PROJECT_WORKFLOW)]


def _resolve(object_id: str):
    from core.plugins import SubjectInfo
    from plugins.participatory_budget.models import Budget, Stage

    if not object_id.isdigit():
        return None
    budget = Budget.objects.select_related("component__phase__space").filter(pk=int(object_id)).first()
    if budget is None:
        return None
    is_open = budget.stage == Stage.VOTING
    closed_at = None
    if budget.stage in (Stage.RESULTS, Stage.IMPLEMENTATION):
        # When the vote closed (retention counts from it); no query while it is open.
        closed_at = (budget.stage_changes.filter(stage=Stage.RESULTS).order_by("at")
                     .values_list("at", flat=True).first())
    return SubjectInfo(
        key=budget.subject_key, title=budget.component.title, space=budget.component.phase.space,
        url=budget.get_absolute_url(), is_open=is_open, target=budget.component, closed_at=closed_at,
    )


def _public_subjects(space):
    from plugins.participatory_budget.opendata import public_subjects

    return public_subjects(space)


@hookimpl
def participation_subject_types():
    from core.plugins import PERSON_BY_EMAIL, ParticipationSubjectType
    from plugins.participatory_budget.forms import PaperBallotForm
    from plugins.participatory_budget.services import paper_choice, record_paper_ballot

    # Voters are told apart by their e-mail address on every channel (an account's address on
    # the web, the one written on a paper ballot), so one person cannot vote online and on paper.
    return [
        ParticipationSubjectType(
            key="budget", label=_("Vote du budget participatif"), log_type="vote", resolve=_resolve,
            person_fields=PERSON_BY_EMAIL, paper_form=PaperBallotForm, choice_from_paper=paper_choice,
            on_paper_entry=record_paper_ballot, public_subjects=_public_subjects,
        )
    ]


@hookimpl
def sample_pages():
    # Every page of the plugin, for the every-page gates (docs/gates.md): see sample_pages.py.
    from plugins.participatory_budget.sample_pages import sample_pages as pages

    return pages()


@hookimpl
def personal_data():
    from plugins.participatory_budget.privacy import personal_data as section

    return [section()]


@hookimpl
def demo_data(demo):
    from plugins.participatory_budget.demo import load_demo

    load_demo(demo)


@hookimpl
def open_data_sets():
    # The projects of each budget, with their review, result and implementation (docs/opendata.md).
    from plugins.participatory_budget.opendata import open_data_sets as datasets

    return datasets()


@hookimpl
def federation_object_types():
    # Projects are Pages, results a closed Question of the space's Group (federation.py).
    from plugins.participatory_budget.federation import object_types

    return object_types()


@hookimpl
def api_routers():
    # Budgets, projects and results, read-only, in the REST API (docs/api.md).
    from plugins.participatory_budget.api import api_routers as routers

    return routers()
