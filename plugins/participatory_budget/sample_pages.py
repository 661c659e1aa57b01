"""The participatory budget's pages, declared for Parvis's every-page gates (see docs/gates.md).

Fixtures kept in ``fx.objects`` (keys prefixed ``pb_``):

- ``pb_budget``: a budget in the submission stage with a district and a city-wide envelope;
- ``pb_proposal``: a citizen's proposal of it, awaiting review;
- ``pb_voting``: a second budget, voting open, with two feasible projects;
- ``pb_results``: a third budget whose results are published (and in implementation), with
  ``pb_funded`` one of its funded projects.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from core.plugins import (
    AGENT,
    AGENTS,
    ANONYMOUS,
    PARTICIPANT,
    POST_ONLY,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

TYPE = "participatory_budget.budget"
NEW_PROPOSAL = "Des nichoirs à mésanges dans le parc"
#: Agents and administrators act; others are refused; anonymous visitors are sent to log in.
STAFF_POST = statuses(403, anonymous=302, agent=302, admin=302)


def _component(fx, title: str):
    from core.models import Component

    phase = fx.space.phases.order_by("sort_order").first()
    return Component.objects.create(phase=phase, component_type=TYPE, title=title)


def _budget(fx):
    from plugins.participatory_budget import services
    from plugins.participatory_budget.models import District

    if "pb_budget" not in fx.objects:
        budget = services.budget_for(_component(fx, "Budget participatif du bourg"))
        budget.citywide_envelope = 20_000
        budget.categories = "Cadre de vie\nJeunesse"
        budget.save()
        District.objects.create(budget=budget, name="Le Bourg", envelope=50_000)
        fx.objects["pb_budget"] = budget
    return fx.objects["pb_budget"]


def _proposal(fx):
    from plugins.participatory_budget import services

    if "pb_proposal" not in fx.objects:
        fx.objects["pb_proposal"] = services.propose(
            _budget(fx), author=fx.users["other_participant"], title="Un composteur collectif",
            description="Un composteur près des jardins familiaux.", requested_cost=3_000,
        )
        fx.objects["pb_spare"] = services.propose(
            _budget(fx), author=fx.users["other_participant"], title="Un composteur au jardin",
            description="Pour les déchets verts.",
        )
    return fx.objects["pb_proposal"]


def _voting(fx):
    from plugins.participatory_budget import services
    from plugins.participatory_budget.models import Stage

    if "pb_voting" not in fx.objects:
        budget = services.budget_for(_component(fx, "Budget participatif des écoles"))
        budget.citywide_envelope = 30_000
        budget.save()
        agent = fx.users[AGENT]
        for title, cost, place in (("Une cour d'école végétalisée", 20_000, ("45.188529", "5.724524")),
                                   ("Des casiers au collège", 8_000, ("45.191200", "5.731100"))):
            project = services.propose(budget, author=fx.users[PARTICIPANT] or agent, title=title,
                                       description=f"{title}, pour les élèves.")
            services.review(project, by=agent, feasibility="feasible", cost=cost, note="Chiffré.",
                            latitude=Decimal(place[0]), longitude=Decimal(place[1]))
        services.set_stage(budget, Stage.REVIEW, by=agent)
        services.set_stage(budget, Stage.VOTING, by=agent)
        fx.objects["pb_voting"] = budget
    return fx.objects["pb_voting"]


def _results(fx):
    from plugins.participatory_budget import services
    from plugins.participatory_budget.models import Stage
    from plugins.participatory_budget.results import publish_results

    if "pb_results" not in fx.objects:
        budget = services.budget_for(_component(fx, "Budget participatif des sports"))
        budget.citywide_envelope = 25_000
        budget.save()
        agent = fx.users[AGENT]
        projects = []
        for title, cost in (("Un city-stade", 20_000), ("Des paniers de basket", 4_000), ("Un skate-park", 15_000)):
            project = services.propose(budget, author=fx.users[PARTICIPANT], title=title, description=title)
            services.review(project, by=agent, feasibility="feasible", cost=cost, note="Chiffré.",
                            latitude=Decimal("45.1870") + Decimal(cost) / 10**7, longitude=Decimal("5.7260"))
            projects.append(project)
        services.set_stage(budget, Stage.REVIEW, by=agent)
        services.set_stage(budget, Stage.VOTING, by=agent)
        services.cast_ballot(budget, user=fx.users[PARTICIPANT], district=None,
                             choice=[projects[0].ballot_id, projects[1].ballot_id])
        services.cast_ballot(budget, user=fx.users["other_participant"], district=None,
                             choice=[projects[1].ballot_id])
        services.set_stage(budget, Stage.RESULTS, by=agent)
        budget = publish_results(budget.pk)
        services.set_stage(budget, Stage.IMPLEMENTATION, by=agent)
        fx.objects["pb_results"] = budget
        fx.objects["pb_funded"] = projects[0]
    return fx.objects["pb_results"]


# --- Listed items, for the query budgets ----------------------------------------------------------


def _projects(fx, n: int) -> None:
    """``n`` more proposals in the first budget (bulk-created, each with its contribution)."""
    from core.contributions.models import Contribution
    from plugins.participatory_budget.models import Project

    budget = _budget(fx)
    district = budget.districts.first()
    start = fx.objects.get("pb_listed", 0)
    numbers = range(start, start + n)
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin="participatory_budget", kind="project", space=fx.space, title=f"Projet n° {i}",
                     status="proposed", author=fx.users[PARTICIPANT])
        for i in numbers
    )
    Project.objects.bulk_create(
        Project(budget=budget, contribution=c, author=c.author, title=c.title, description="Pour le quartier.",
                district=district if i % 2 else None, category="Cadre de vie")
        for i, c in zip(numbers, contributions, strict=True)
    )
    fx.objects["pb_listed"] = start + n


def _ballot_projects(fx, n: int) -> None:
    """``n`` more projects on the ballot of the voting budget."""
    from core.contributions.models import Contribution
    from plugins.participatory_budget.models import Project

    budget = _voting(fx)
    start = fx.objects.get("pb_on_ballot", 0)
    numbers = range(start, start + n)
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin="participatory_budget", kind="project", space=fx.space, title=f"Projet soumis n° {i}",
                     status="feasible")
        for i in numbers
    )
    Project.objects.bulk_create(
        Project(budget=budget, contribution=c, title=c.title, description="Pour tous.", feasibility="feasible",
                cost=100 + i)
        for i, c in zip(numbers, contributions, strict=True)
    )
    fx.objects["pb_on_ballot"] = start + n


def _budgets(fx, n: int) -> None:
    from core.models import Component
    from plugins.participatory_budget.models import Budget

    phase = fx.space.phases.order_by("sort_order").first()
    start = fx.objects.get("pb_budgets", 0)
    components = Component.objects.bulk_create(
        Component(phase=phase, component_type=TYPE, title=f"Budget n° {i}") for i in range(start, start + n))
    Budget.objects.bulk_create(Budget(component=c, citywide_envelope=1000) for c in components)
    fx.objects["pb_budgets"] = start + n


def _ballots(fx, n: int) -> None:
    """``n`` more ballots counted in the results budget (recounted, stored)."""
    from core.participation.models import ParticipationRecord
    from plugins.participatory_budget.models import Ballot
    from plugins.participatory_budget.results import publish_results

    budget = _results(fx)
    ids = [p.ballot_id for p in budget.projects.order_by("pk")]
    start = fx.objects.get("pb_ballots", 0)
    records = ParticipationRecord.objects.bulk_create(
        ParticipationRecord(subject_key=budget.subject_key, person_key=f"{i:064x}", channel="paper")
        for i in range(start + 1, start + n + 1))
    Ballot.objects.bulk_create(Ballot(budget=budget, record=r, channel="paper", choice=[ids[k % 3]])
                               for k, r in enumerate(records))
    publish_results(budget.pk)
    fx.objects["pb_ballots"] = start + n


# --- URLs and outcomes ----------------------------------------------------------------------------


def _url(name: str, key: str, setup):
    def url(fx) -> str:
        obj = setup(fx)
        return reverse(f"participatory_budget:{name}", args=[obj.component_id if key == "component" else obj.pk])

    return url


def _budget_url(fx) -> str:
    return reverse("participatory_budget:component", args=[_budget(fx).component_id])


def _proposal_url(fx) -> str:
    return reverse("participatory_budget:project", args=[_proposal(fx).pk])


def _funded_url(fx) -> str:
    _results(fx)
    return reverse("participatory_budget:project", args=[fx.objects["pb_funded"].pk])


def _proposed(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Project

    return Project.objects.filter(title=NEW_PROPOSAL).exists()


def _voted(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Ballot

    return Ballot.objects.filter(budget=_voting(fx)).exists()


def _reviewed(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Project

    return Project.objects.filter(pk=_proposal(fx).pk, feasibility="feasible", cost=2_500).exists()


def _merged(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Project

    return Project.objects.filter(pk=_proposal(fx).pk, merged_into__isnull=False).exists()


def _tracked(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Project

    return Project.objects.filter(pk=fx.objects["pb_funded"].pk, progress=60).exists()


def _stage_moved(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Budget

    return Budget.objects.filter(pk=_budget(fx).pk, stage="review").exists()


def _settings_saved(fx, html: str) -> bool:
    from plugins.participatory_budget.models import Budget

    return Budget.objects.filter(pk=_budget(fx).pk, max_projects=4).exists()


def _settings_data(fx) -> dict:
    budget = _budget(fx)
    district = budget.districts.first()
    return {
        "citywide_envelope": "20000", "currency": "EUR", "vote_type": "knapsack", "max_projects": "4", "points": "10",
        "rule": "greedy", "completion": "on", "categories": "Cadre de vie",
        "districts-TOTAL_FORMS": "1", "districts-INITIAL_FORMS": "1", "districts-MIN_NUM_FORMS": "0",
        "districts-MAX_NUM_FORMS": "50", "districts-0-id": str(district.pk), "districts-0-budget": str(budget.pk),
        "districts-0-name": "Le Bourg", "districts-0-envelope": "50000", "districts-0-areas": "",
    }


def _vote_data(fx) -> dict:
    budget = _voting(fx)
    first = budget.projects.order_by("pk").first()
    return {"project": first.ballot_id}


def sample_pages() -> list[SamplePage]:
    """Every named URL of the ``participatory_budget`` namespace."""
    return [
        SamplePage(name="participatory_budget:index", url=lambda fx: reverse("participatory_budget:index"),
                   setup=_budget, list_of=_budgets, label="Budgets participatifs"),
        SamplePage(name="participatory_budget:component", url=_budget_url, setup=_proposal, list_of=_projects,
                   label="Budget participatif : dépôt des propositions"),
        SamplePage(name="participatory_budget:component", variant="vote", setup=_voting,
                   url=_url("component", "component", _voting), label="Budget participatif : vote ouvert"),
        SamplePage(
            name="participatory_budget:settings", url=_url("settings", "component", _budget), setup=_budget,
            get=AGENTS, post=STAFF_POST, label="Réglages du budget",
            form=FormSample(data=_settings_data, role=AGENT, fields=("categories", "districts-0-name"),
                            submit="Enregistrer les réglages", done=_settings_saved),
        ),
        SamplePage(
            name="participatory_budget:stage", url=_url("stage", "component", _budget), setup=_proposal,
            audit=False, get=POST_ONLY, post=STAFF_POST, label="Changer d'étape",
            form=FormSample(data=lambda fx: {"stage": "review"}, role=AGENT,
                            submit="Changer d'étape", shown_on=_budget_url, done=_stage_moved),
        ),
        SamplePage(
            name="participatory_budget:propose", url=_url("propose", "component", _budget), setup=_budget,
            get=SIGNED_IN, post=statuses(302), label="Proposer un projet",
            form=FormSample(data=lambda fx: {"title": NEW_PROPOSAL, "description": "Six nichoirs en bois.",
                                             "district": "", "category": "Cadre de vie", "location": "Parc",
                                             "requested_cost": "600"},
                            fields=("title", "description", "location"), submit="Déposer la proposition",
                            done=_proposed),
        ),
        SamplePage(
            name="participatory_budget:vote", url=_url("vote", "component", _voting), setup=_voting,
            post=statuses(200, anonymous=302), audit_as=PARTICIPANT, label="Voter", list_of=_ballot_projects,
            form=FormSample(data=_vote_data, fields=(), submit="Envoyer mon bulletin", success_status=200,
                            done=_voted),
        ),
        SamplePage(name="participatory_budget:vote", variant="visiteur", url=_url("vote", "component", _voting),
                   setup=_voting, audit_as=ANONYMOUS, post=statuses(200, anonymous=302),
                   label="Voter (visiteur non connecté)"),
        SamplePage(name="participatory_budget:results", url=_url("results", "component", _results), setup=_results,
                   list_of=_ballots, label="Résultats du budget participatif"),
        SamplePage(name="participatory_budget:export_pb", audit=False, setup=_results,
                   url=lambda fx: reverse("participatory_budget:export_pb", args=[_results(fx).component_id, "citywide"]),
                   label="Bulletins anonymes (.pb)"),
        SamplePage(name="participatory_budget:project", url=_proposal_url, setup=_proposal,
                   label="Proposition à l'étude"),
        SamplePage(name="participatory_budget:project", variant="lauréat", url=_funded_url, setup=_results,
                   label="Projet lauréat en réalisation"),
        SamplePage(
            name="participatory_budget:review", url=_url("review", "pk", _proposal), setup=_proposal, audit=False,
            get=POST_ONLY, post=STAFF_POST, label="Étude de faisabilité",
            form=FormSample(data=lambda fx: {"feasibility": "feasible", "cost": "2500", "note": "Chiffré par les services."},
                            role=AGENT, fields=("note",), submit="Publier l'avis", shown_on=_proposal_url,
                            done=_reviewed),
        ),
        SamplePage(
            name="participatory_budget:merge", url=_url("merge", "pk", _proposal), setup=_proposal, audit=False,
            get=POST_ONLY, post=STAFF_POST, label="Fusionner des propositions",
            form=FormSample(data=lambda fx: {"into": str(fx.objects["pb_spare"].pk), "note": "Même idée."},
                            role=AGENT, fields=("note",), submit="Fusionner", shown_on=_proposal_url, done=_merged),
        ),
        SamplePage(name="api:budgets_list", url=lambda fx: reverse("api:budgets_list"), audit=False,
                   setup=_budget, list_of=_budgets, label="API : budgets participatifs"),
        SamplePage(name="api:budgets_detail", setup=_budget, audit=False,
                   url=lambda fx: reverse("api:budgets_detail", args=[_budget(fx).pk]), label="API : un budget"),
        SamplePage(name="api:budgets_projects", setup=_proposal, audit=False, list_of=_projects,
                   url=lambda fx: reverse("api:budgets_projects", args=[_budget(fx).pk]),
                   label="API : les projets d'un budget"),
        SamplePage(name="api:budgets_results", setup=_results, audit=False, list_of=_ballots,
                   url=lambda fx: reverse("api:budgets_results", args=[_results(fx).pk]),
                   label="API : les résultats d'un budget"),
        SamplePage(
            name="participatory_budget:implementation", setup=_results, audit=False,
            url=lambda fx: (_results(fx), reverse("participatory_budget:implementation",
                                                  args=[fx.objects["pb_funded"].pk]))[1],
            get=POST_ONLY, post=STAFF_POST, label="Suivi de réalisation",
            form=FormSample(data=lambda fx: {"progress": "60", "final_cost": "", "milestone_date": "2026-11-02",
                                             "milestone_title": "Travaux commencés", "milestone_text": "",
                                             "photo_alt": ""},
                            role=AGENT, fields=("milestone_title", "milestone_text"), submit="Mettre à jour le suivi",
                            shown_on=_funded_url, done=_tracked),
        ),
    ]
