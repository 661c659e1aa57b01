"""The participatory budgets in the public API (``/api/v1/budgets/``), mounted by
``hooks.api_routers``. Read-only: the budgets of the request's organisation (published spaces),
their projects (authors never shown) and their stored results. Ballots are cast on the site
(an eligible account, the last ballot counts) or on paper; anonymous ballots are published as
``.pb`` files with the results."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema

from core.api.auth import ANYONE
from core.api.errors import ErrorOut
from core.api.pagination import Page, paginate, reject_unknown_parameters
from core.plugins import ApiRouter
from plugins.participatory_budget.models import Budget

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
router = Router(auth=ANYONE)


class DistrictOut(Schema):
    id: int
    name: str
    envelope: int


class BudgetOut(Schema):
    id: int
    title: str
    space: str
    stage: str
    currency: str
    citywide_envelope: int
    vote_type: str
    rule: str
    url: str


class BudgetDetailOut(BudgetOut):
    districts: list[DistrictOut]
    results_at: datetime | None


class ProjectOut(Schema):
    id: int
    title: str
    district: int | None
    category: str
    status: str
    feasibility: str
    cost: int | None
    review_note: str
    progress: int
    url: str


class ResultRow(Schema):
    id: int
    title: str
    cost: int
    score: float
    supporters: int
    rank: int
    funded: bool
    explanation: str


class AreaResult(Schema):
    key: str
    budget: int
    spent: float
    voters: int
    selected: list[int]
    projects: list[ResultRow]


class ResultsOut(Schema):
    budget: int
    ballots: int
    rule: str
    areas: list[AreaResult]


def _budgets(request):
    budgets = Budget.objects.filter(component__phase__space__is_published=True).select_related(
        "component__phase__space")
    if request.organisation:
        budgets = budgets.filter(component__phase__space__organisations=request.organisation)
    return budgets


def _budget(request, budget_id: int) -> Budget:
    budget = _budgets(request).filter(pk=budget_id).first()
    if budget is None:
        raise Http404
    return budget


def _out(budget: Budget) -> dict:
    return {
        "id": budget.pk, "title": budget.component.title, "space": budget.component.phase.space.slug,
        "stage": budget.stage, "currency": budget.currency, "citywide_envelope": budget.citywide_envelope,
        "vote_type": budget.vote_type, "rule": budget.rule, "url": budget.get_absolute_url(),
    }


@router.get("/", response={200: Page[BudgetOut], **ERRORS}, url_name="budgets_list", summary="Participatory budgets")
def list_budgets(request, page: int = 1, page_size: int = Query(20)):
    """The participatory budgets of the organisation, newest first."""
    reject_unknown_parameters(request, {"page", "page_size"})
    return paginate(_budgets(request).order_by("-pk"), page, page_size, _out)


@router.get("/{int:budget_id}", response={200: BudgetDetailOut, **ERRORS}, url_name="budgets_detail",
            summary="One participatory budget")
def get_budget(request, budget_id: int):
    """The budget, its stage, rules and envelopes."""
    reject_unknown_parameters(request, set())
    budget = _budget(request, budget_id)
    return {**_out(budget), "results_at": budget.results_at,
            "districts": [{"id": d.pk, "name": d.name, "envelope": d.envelope} for d in budget.districts.all()]}


@router.get("/{int:budget_id}/projects", response={200: Page[ProjectOut], **ERRORS}, url_name="budgets_projects",
            summary="The projects of a participatory budget")
def list_projects(request, budget_id: int, page: int = 1, page_size: int = Query(20)):
    """Public projects (proposals, reviewed, on the ballot, funded...), without their authors."""
    reject_unknown_parameters(request, {"page", "page_size"})
    budget = _budget(request, budget_id)
    projects = (budget.projects.filter(contribution__is_hidden=False, contribution__awaiting_moderation=False)
                .select_related("contribution").order_by("pk"))
    return paginate(projects, page, page_size, lambda p: {
        "id": p.pk, "title": p.title, "district": p.district_id, "category": p.category,
        "status": p.contribution.status, "feasibility": p.feasibility, "cost": p.cost,
        "review_note": p.review_note, "progress": p.progress, "url": p.get_absolute_url(),
    })


@router.get("/{int:budget_id}/results", response={200: ResultsOut, **ERRORS}, url_name="budgets_results",
            summary="The results of a participatory budget")
def get_results(request, budget_id: int):
    """Per envelope: the funded projects, votes, ranks and why each was or was not funded.
    404 until the results are published."""
    reject_unknown_parameters(request, set())
    from plugins.participatory_budget.results import explained

    budget = _budget(request, budget_id)
    if not budget.results:
        raise Http404

    def explained_row(row):
        return explained(budget, row)

    areas = [{**{k: area[k] for k in ("key", "budget", "spent", "voters", "selected")},
              "projects": [{k: row[k] for k in ("id", "title", "cost", "score", "supporters", "rank", "funded",
                                                "explanation")} for row in map(explained_row, area["projects"])]}
             for area in budget.results["areas"].values()]
    return {"budget": budget.pk, "ballots": budget.results["ballots"], "rule": budget.results["rule"], "areas": areas}


def api_routers() -> list[ApiRouter]:
    return [ApiRouter(prefix="budgets", router=router, tags=("participatory budget",))]
