"""The participatory budget on the fediverse (see docs/FEDERATION.md): a project on the ballot
is a ``Page``; the results of a budget are a closed ``Question`` whose options are its projects,
with their number of votes (``replies.totalItems``, as Mastodon shows poll results) and
whether they are funded (extension field ``funded``).
"""

from __future__ import annotations

from typing import Any

from federation.api import ObjectContext, ObjectType

PUBLIC_PROJECT_STATES = {"feasible", "selected", "not_selected", "in_progress", "done", "unfeasible"}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def load_project(pk: str):
    from plugins.participatory_budget.models import Project

    if not pk.isdigit():
        return None
    project = (Project.objects.select_related("contribution", "district", "budget__component__phase__space")
               .filter(pk=int(pk), budget__component__phase__space__is_published=True).first())
    if project is None or project.contribution is None or project.contribution.is_hidden:
        return None
    if project.contribution.awaiting_moderation or project.contribution.status not in PUBLIC_PROJECT_STATES:
        return None
    return project


def project_object(project, ctx: ObjectContext) -> dict[str, Any]:
    budget = project.budget
    return {
        "name": project.title,
        "content": project.description,
        "mediaType": "text/plain",
        "url": ctx.absolute(project.get_absolute_url()),
        "published": _iso(project.created_at),
        "state": project.contribution.status,
        "cost": {"type": "parvis:Amount", "amount": project.cost, "currency": budget.currency},
        "district": project.district.name if project.district else None,
        "progress": project.progress,
        "context": ctx.absolute(budget.get_absolute_url()),
    }


def load_results(pk: str):
    from plugins.participatory_budget.models import Budget

    if not pk.isdigit():
        return None
    budget = (Budget.objects.select_related("component__phase__space")
              .filter(pk=int(pk), component__phase__space__is_published=True, results__isnull=False).first())
    return budget


def results_object(budget, ctx: ObjectContext) -> dict[str, Any]:
    options = []
    for area in budget.results["areas"].values():
        for row in area["projects"]:
            options.append({
                "type": "Note", "name": row["title"],
                "url": ctx.absolute(f"/participatory_budget/projects/{row['id']}/"),
                "replies": {"type": "Collection", "totalItems": row["supporters"]},
                "funded": row["funded"], "cost": row["cost"],
            })
    return {
        "name": str(budget.component.title),
        "content": f"{budget.results['ballots']} bulletins",
        "url": ctx.absolute(budget.get_absolute_url() + "results/"),
        "published": _iso(budget.results_at),
        "closed": _iso(budget.results_at),
        "endTime": _iso(budget.results_at),
        "votersCount": budget.results["ballots"],
        "anyOf": options,
        "rule": budget.rule,
    }


def space_of_project(project):
    return project.budget.component.phase.space


def space_of_budget(budget):
    return budget.component.phase.space


def object_types() -> list[ObjectType]:
    return [
        ObjectType(key="project", as_type="Page", load=load_project, to_object=project_object,
                   space_of=space_of_project),
        ObjectType(key="results", as_type="Question", load=load_results, to_object=results_object,
                   space_of=space_of_budget),
    ]
