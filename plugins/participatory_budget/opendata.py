"""The participatory budget's open data: projects (with their review, cost and result) and the
results per envelope. Registered from :mod:`plugins.participatory_budget.hooks`; see
docs/opendata.md. Authors are never named; ballots are published separately, anonymously, in
pabulib's .pb format from the results page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, Max, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from core.plugins import SCOPE_COMPONENT, OpenDataColumn, OpenDataSet

__all__ = ["open_data_sets", "public_subjects"]

TYPE = "participatory_budget.budget"


def _public_projects(**filters: Any):
    from plugins.participatory_budget.models import Project

    return Project.objects.filter(contribution__is_hidden=False, contribution__awaiting_moderation=False, **filters)


def public_subjects(space):
    """The budgets of ``space`` whose vote has opened, as participation subjects."""
    from plugins.participatory_budget.models import Budget

    return (
        Budget.objects.filter(component__phase__space=space, stage__in=("voting", "results", "implementation"))
        .annotate(key=Concat(Value("participatory_budget:budget:"), Cast("pk", CharField()), output_field=CharField()),
                  title=Cast("component__title", CharField()))
        .order_by("pk").values("key", "title")
    )


def _results_by_project(budget) -> dict[int, dict]:
    rows = {}
    for area in (budget.results or {}).get("areas", {}).values():
        for row in area["projects"]:
            rows[row["id"]] = row
    return rows


def _project_rows(component) -> Iterator[dict[str, Any]]:
    from plugins.participatory_budget.models import Budget

    budget = Budget.objects.filter(component=component).first()
    if budget is None:
        return
    results = _results_by_project(budget)
    projects = _public_projects(budget=budget).select_related("district", "contribution").order_by("pk")
    for project in projects:
        result = results.get(project.pk, {})
        yield {
            "id": project.pk, "title": project.title, "district": project.district.name if project.district else None,
            "category": project.category, "status": project.contribution.status,
            "feasibility": project.feasibility, "requested_cost": project.requested_cost, "cost": project.cost,
            "review_note": project.review_note, "merged_into": project.merged_into_id,
            "votes": result.get("supporters"), "score": result.get("score"), "funded": result.get("funded"),
            "progress": project.progress, "final_cost": project.final_cost,
        }


def _dates(components) -> dict[int, Any]:
    from plugins.participatory_budget.models import Project

    rows = (Project.objects.filter(budget__component__in=components).order_by()
            .values_list("budget__component_id").annotate(latest=Max("contribution__updated_at")))
    return {component_id: latest for component_id, latest in rows if latest}


def open_data_sets() -> list[OpenDataSet]:
    return [
        OpenDataSet(
            key="projects",
            title=_("Projets du budget participatif"),
            description=_("Les projets proposés : quartier, thème, avis de faisabilité et coût retenu, "
                          "voix et résultat, avancement de la réalisation. Les auteurs n'y figurent pas ; les "
                          "bulletins anonymes sont publiés avec les résultats, au format .pb."),
            columns=(
                OpenDataColumn("id", "integer", _("Numéro du projet")),
                OpenDataColumn("title", "string", _("Titre")),
                OpenDataColumn("district", "string", _("Quartier (vide : toute la commune)")),
                OpenDataColumn("category", "string", _("Thème")),
                OpenDataColumn("status", "string", _("Statut public")),
                OpenDataColumn("feasibility", "string", _("Faisabilité : pending, feasible ou unfeasible")),
                OpenDataColumn("requested_cost", "integer", _("Coût estimé par l'auteur")),
                OpenDataColumn("cost", "integer", _("Coût retenu après étude")),
                OpenDataColumn("review_note", "string", _("Avis technique public")),
                OpenDataColumn("merged_into", "integer", _("Fusionné avec le projet n°")),
                OpenDataColumn("votes", "integer", _("Nombre de bulletins qui le choisissent")),
                OpenDataColumn("score", "number", _("Score retenu par la règle (voix ou points)")),
                OpenDataColumn("funded", "boolean", _("Financé")),
                OpenDataColumn("progress", "integer", _("Avancement de la réalisation (%)")),
                OpenDataColumn("final_cost", "integer", _("Coût final")),
            ),
            rows=_project_rows,
            scope=SCOPE_COMPONENT,
            component_type=TYPE,
            last_modified=_dates,
        ),
    ]
