"""Pages of the participatory budget: the budget, its projects, the ballot, the results, and the
agents' forms (settings, stages, review, merging, implementation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.hosts import serve_here
from core.models import Component
from core.moderation.services import MODERATOR_ROLES
from core.participation.services import AlreadyParticipated, NotEligible, ParticipationError
from core.permissions import has_role
from core.plugins import MapLayer, MapPlace
from plugins.participatory_budget import results as counting
from plugins.participatory_budget import services
from plugins.participatory_budget.forms import (
    DistrictFormSet,
    ImplementationForm,
    MergeForm,
    ProposalForm,
    ReviewForm,
    SettingsForm,
)
from plugins.participatory_budget.models import STAGE_ORDER, Budget, Project, Stage, VoteType
from plugins.participatory_budget.tally import dumps

PROJECTS_PER_PAGE = 24


def _budget(request, component_id: int) -> Budget:
    component = get_object_or_404(
        Component.objects.select_related("phase__space"), pk=component_id,
        component_type=services.COMPONENT_TYPE, phase__space__is_published=True,
    )
    serve_here(request, component.phase.space)
    budget = services.budget_for(component)
    budget.component = component
    return budget


def _staff_budget(request, component_id: int) -> Budget:
    budget = _budget(request, component_id)
    if not services.is_staff(request.user, budget):
        raise PermissionDenied
    return budget


def _project(request, pk: int) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("budget__component__phase__space", "district", "contribution", "merged_into"),
        pk=pk, budget__component__phase__space__is_published=True,
    )
    serve_here(request, project.budget.component.phase.space)
    contribution = project.contribution
    if contribution is None or (contribution.awaiting_moderation and project.author_id != request.user.pk):
        if not has_role(request.user, project.budget.component.phase.space, MODERATOR_ROLES + services.STAFF_ROLES):
            raise Http404
    return project


def index(request):
    """Every participatory budget of the organisation."""
    components = Component.objects.filter(component_type=services.COMPONENT_TYPE, phase__space__is_published=True)
    if request.organisation:
        components = components.filter(phase__space__organisations=request.organisation)
    budgets = Budget.objects.filter(component__in=components).select_related("component__phase__space").order_by("-pk")
    page = Paginator(budgets, 20).get_page(request.GET.get("page"))
    return render(request, "participatory_budget/index.html", {"page": page})


def budget_page(request, component_id: int):
    """The budget: its stage and timeline, envelopes and projects (filtered), and what to do now."""
    budget = _budget(request, component_id)
    projects = (budget.projects.filter(contribution__is_hidden=False, contribution__awaiting_moderation=False)
                .select_related("district", "contribution"))
    district = request.GET.get("district", "")
    category = request.GET.get("category", "")[:80]
    status = request.GET.get("status", "")
    if district.isdigit():
        projects = projects.filter(district_id=int(district))
    elif district == "citywide":
        projects = projects.filter(district__isnull=True)
    if category:
        projects = projects.filter(category=category)
    if status in ("proposed", "feasible", "unfeasible", "merged", "selected", "not_selected", "in_progress", "done"):
        projects = projects.filter(contribution__status=status)
    staff = services.is_staff(request.user, budget)
    districts = list(budget.districts.all())
    context = {
        "budget": budget, "districts": districts, "staff": staff,
        "total": budget.citywide_envelope + sum(d.envelope for d in districts),
        "page": Paginator(projects.order_by("title", "pk"), PROJECTS_PER_PAGE).get_page(request.GET.get("page")),
        "timeline": list(budget.stage_changes.all()), "stages": STAGE_ORDER,
        "stage_index": STAGE_ORDER.index(budget.stage),
        "filters": {"district": district, "category": category, "status": status},
        "next_stage": _neighbour(budget, +1), "previous_stage": _neighbour(budget, -1),
        "ballot": services.current_ballot(budget, request.user) if budget.stage == Stage.VOTING else None,
    }
    context["map"] = projects_map(projects, _("Les projets sur la carte"), budget)
    return render(request, "participatory_budget/budget.html", context)


def projects_map(projects, title: str, budget: Budget) -> MapLayer:
    """The located projects among ``projects`` (a queryset), for the ``"map"`` slot: one query
    when the map is drawn, whatever their number; none when no plugin draws maps."""
    located = projects.exclude(latitude=None).exclude(longitude=None).order_by("title", "pk")

    def places():
        rows = located.values_list("pk", "title", "latitude", "longitude", "cost")
        return [
            MapPlace(latitude=float(latitude), longitude=float(longitude), label=name,
                     url=reverse("participatory_budget:project", kwargs={"pk": pk}),
                     detail=services.money(cost, budget) if cost else "")
            for pk, name, latitude, longitude, cost in rows
        ]

    return MapLayer(title=title, places=places)


def _neighbour(budget: Budget, step: int):
    index = STAGE_ORDER.index(budget.stage) + step
    if 0 <= index < len(STAGE_ORDER):
        return Stage(STAGE_ORDER[index])
    return None


@login_required
def budget_settings(request, component_id: int):
    """Envelopes, districts, vote type and counting rule (agents, before the vote)."""
    budget = _staff_budget(request, component_id)
    locked = budget.stage not in (Stage.SUBMISSION, Stage.REVIEW)
    form = SettingsForm(request.POST or None, instance=budget)
    formset = DistrictFormSet(request.POST or None, instance=budget, prefix="districts")
    if request.method == "POST":
        if locked:
            form.add_error(None, _("Les règles ne changent plus une fois le vote ouvert."))
        elif form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    form.save()
                    formset.save()
            except Exception as exc:  # a district still has projects (protected)
                from django.db.models import ProtectedError

                if not isinstance(exc, ProtectedError):
                    raise
                form.add_error(None, _("Un quartier qui a des projets ne peut pas être supprimé."))
            else:
                messages.success(request, _("Les réglages du budget sont enregistrés."))
                return redirect(budget.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "participatory_budget/settings.html",
                  {"budget": budget, "form": form, "formset": formset, "locked": locked}, status=status)


@require_POST
@login_required
def change_stage(request, component_id: int):
    budget = _staff_budget(request, component_id)
    try:
        services.set_stage(budget, request.POST.get("stage", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("L'étape du budget est changée."))
    return redirect(budget.get_absolute_url())


@login_required
def propose(request, component_id: int):
    budget = _budget(request, component_id)
    form = ProposalForm(request.POST or None, budget=budget)
    if budget.stage != Stage.SUBMISSION:
        return render(request, "participatory_budget/closed.html",
                      {"budget": budget, "message": _("Le dépôt des propositions est fermé.")}, status=403)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.propose(
                budget, author=request.user, title=data["title"], description=data["description"],
                district=data.get("district"), category=data.get("category", ""), location=data["location"],
                requested_cost=data["requested_cost"],
            )
        except (ValidationError, NotEligible) as exc:
            form.add_error(None, exc.message if isinstance(exc, NotEligible) else " ".join(exc.messages))
        else:
            messages.success(request, _("Votre proposition est déposée ; les services vont l'étudier."))
            return redirect(project.get_absolute_url())
    return render(request, "participatory_budget/propose.html", {"budget": budget, "form": form},
                  status=400 if request.method == "POST" else 200)


def project_page(request, pk: int, *, review_form=None, merge_form=None, implementation_form=None, status=200):
    project = _project(request, pk)
    budget = project.budget
    staff = services.is_staff(request.user, budget)
    context = {
        "project": project, "budget": budget, "staff": staff,
        "milestones": list(project.milestones.all()),
        "merged_from": list(project.merged_from.all()),
        "can_review": staff and budget.stage in (Stage.SUBMISSION, Stage.REVIEW) and not project.merged_into_id,
        "can_track": staff and budget.stage == Stage.IMPLEMENTATION and project.contribution
        and project.contribution.status in ("selected", "in_progress", "done"),
        "review_form": review_form or ReviewForm(initial={"feasibility": project.feasibility, "cost": project.cost,
                                                          "note": project.review_note, "latitude": project.latitude,
                                                          "longitude": project.longitude}),
        "merge_form": merge_form or MergeForm(project=project),
        "implementation_form": implementation_form or ImplementationForm(
            initial={"progress": project.progress, "final_cost": project.final_cost}),
        "result": _result_of(budget, project),
    }
    if project.latitude is not None and project.longitude is not None:
        context["map"] = MapLayer(title=_("Où se trouve le projet"), places=(MapPlace(
            float(project.latitude), float(project.longitude), project.location or project.title),))
    return render(request, "participatory_budget/project.html", context, status=status)


def _result_of(budget: Budget, project: Project) -> dict | None:
    if not budget.results:
        return None
    for area in budget.results["areas"].values():
        for row in area["projects"]:
            if row["id"] == project.pk:
                return counting.explained(budget, row)
    return None


def _staff_action(request, pk: int, make_form, act, done: str, form_key: str):
    """An agent's form posted from a project's page: ``act(project, cleaned_data)`` calls the
    service; on success a message and back to the page, else the page again with the form's
    errors (status 400)."""
    project = _project(request, pk)
    if not services.is_staff(request.user, project.budget):
        raise PermissionDenied
    form = make_form(project)
    if form.is_valid():
        try:
            act(project, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, done)
            return redirect(project.get_absolute_url())
    return project_page(request, pk, **{form_key: form}, status=400)


@require_POST
@login_required
def review(request, pk: int):
    return _staff_action(
        request, pk, lambda project: ReviewForm(request.POST),
        lambda project, data: services.review(project, by=request.user, feasibility=data["feasibility"],
                                              cost=data["cost"], note=data["note"],
                                              latitude=data["latitude"], longitude=data["longitude"]),
        _("L'avis technique est publié."), "review_form",
    )


@require_POST
@login_required
def merge(request, pk: int):
    return _staff_action(
        request, pk, lambda project: MergeForm(request.POST, project=project),
        lambda project, data: services.merge(project, data["into"], by=request.user, note=data["note"]),
        _("Les propositions sont fusionnées."), "merge_form",
    )


def _milestone(data) -> dict | None:
    if not data["milestone_title"]:
        return None
    return {"date": data["milestone_date"], "title": data["milestone_title"], "text": data["milestone_text"],
            "photo": data.get("photo") or "", "photo_alt": data["photo_alt"]}


@require_POST
@login_required
def implementation(request, pk: int):
    return _staff_action(
        request, pk, lambda project: ImplementationForm(request.POST, request.FILES),
        lambda project, data: services.update_implementation(
            project, by=request.user, progress=data["progress"], final_cost=data["final_cost"],
            milestone=_milestone(data)),
        _("Le suivi du projet est mis à jour."), "implementation_form",
    )


# --- The ballot --------------------------------------------------------------------------------


def _raw_choice(post, sheet: services.BallotSheet):
    """The choice as the ballot form posted it (see the ballot template)."""
    vote_type = sheet.budget.vote_type
    if vote_type == VoteType.CUMULATIVE:
        points = {}
        for project in sheet.projects:
            value = post.get(f"points-{project.pk}", "").strip()
            if value:
                if not value.lstrip("-").isdigit():
                    raise ValidationError(_("Les points sont des nombres entiers."))
                points[project.ballot_id] = int(value)
        return points
    if vote_type == VoteType.RANKED:
        ranks = []
        for project in sheet.projects:
            value = post.get(f"rank-{project.pk}", "").strip()
            if value:
                if not value.isdigit() or int(value) < 1:
                    raise ValidationError(_("Les rangs sont des nombres entiers à partir de 1."))
                ranks.append((int(value), project.ballot_id))
        if len({rank for rank, _pid in ranks}) != len(ranks):
            raise ValidationError(_("Deux projets ont le même rang : donnez un rang différent à chacun."))
        return [pid for _rank, pid in sorted(ranks)]
    chosen = post.getlist("project")
    for key in post:
        if key.startswith("area-"):
            chosen.extend(post.getlist(key))
    return [c for c in chosen if c]


def _sheet_for(request, budget: Budget):
    """The district the person votes in (chosen, or the only one they may) and the sheet."""
    allowed = services.districts_of(request.user, budget) if budget.districts.exists() else []
    district = None
    wanted = request.POST.get("district") or request.GET.get("district")
    if wanted and str(wanted).isdigit():
        district = budget.districts.filter(pk=int(wanted)).first()
    elif len(allowed) == 1:
        district = allowed[0]
    return district, allowed, services.ballot_sheet(budget, district)


def vote(request, component_id: int):
    """The ballot: works without JavaScript (a « Recalculer » button shows what is left of each
    envelope); the last ballot cast counts."""
    budget = _budget(request, component_id)
    if budget.stage != Stage.VOTING:
        return render(request, "participatory_budget/closed.html",
                      {"budget": budget, "message": _("Le vote n'est pas ouvert.")},
                      status=403 if request.method == "POST" else 200)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "participatory_budget/vote_login.html", {"budget": budget})
    district, allowed, sheet = _sheet_for(request, budget)
    current = services.current_ballot(budget, request.user)
    error, receipt, cast, status = None, None, False, 200
    chosen = _chosen_from_ballot(current, district)
    if request.method == "POST":
        try:
            raw = _raw_choice(request.POST, sheet)
            chosen = raw
            if "preview" in request.POST:
                services.clean_choice(sheet, raw)
            else:
                participation = services.cast_ballot(budget, user=request.user, district=district, choice=raw)
                receipt, cast = participation.receipt, True
                current = services.current_ballot(budget, request.user)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        except NotEligible as exc:
            error, status = exc.message, 403
        except (AlreadyParticipated, ParticipationError) as exc:
            error, status = getattr(exc, "message", str(exc)), 409
    context = {
        "budget": budget, "district": district, "allowed": allowed, "sheet": sheet,
        "parts": _parts_with_totals(sheet, chosen), "chosen": chosen, "error": error, "receipt": receipt, "cast": cast,
        "current": current, "vote_type": budget.vote_type,
        "needs_district": budget.districts.exists() and district is None,
    }
    return render(request, "participatory_budget/vote.html", context, status=status)


def _chosen_from_ballot(ballot, district):
    if ballot is None or (ballot.district_id != (district.pk if district else None)):
        return []
    return ballot.choice


def _parts_with_totals(sheet: services.BallotSheet, chosen) -> list[dict]:
    """Each envelope of the ballot with its projects and, for baskets, what is left."""
    if isinstance(chosen, dict):
        selected = {str(k) for k, v in chosen.items() if v}
    else:
        selected = {str(c) for c in chosen}
    parts = []
    for district, projects, envelope in sheet.parts:
        spent = sum(p.cost for p in projects if p.ballot_id in selected)
        rows = []
        for project in projects:
            value = ""
            if isinstance(chosen, dict):
                value = chosen.get(project.ballot_id, "")
            elif sheet.budget.vote_type == VoteType.RANKED and project.ballot_id in selected:
                value = [str(c) for c in chosen].index(project.ballot_id) + 1
            rows.append({"project": project, "checked": project.ballot_id in selected, "value": value})
        parts.append({"district": district, "key": district.pk if district else "citywide", "rows": rows,
                      "envelope": envelope, "spent": spent, "left": envelope - spent,
                      "percent": min(100, round(100 * spent / envelope)) if envelope else 0})
    return parts


# --- Results -------------------------------------------------------------------------------------


def results_page(request, component_id: int):
    """Funded projects per envelope, votes per channel, and why each project was or was not funded.
    Rendered from the stored count: the same queries whatever the number of ballots."""
    budget = _budget(request, component_id)
    areas = []
    if budget.results:
        names = {str(d.pk): d.name for d in budget.districts.all()}
        for key, area in budget.results["areas"].items():
            areas.append({**area, "name": names.get(key, _("Toute la commune")),
                          "projects": [counting.explained(budget, row) for row in area["projects"]],
                          "percent": min(100, round(100 * float(area["spent"]) / area["budget"])) if area["budget"] else 0,
                          "max_score": max([float(p["score"]) for p in area["projects"]] or [1]) or 1})
        areas.sort(key=lambda a: (a["key"] == counting.CITYWIDE, a["name"]))
    funded = [pid for area in (budget.results or {}).get("areas", {}).values() for pid in area["selected"]]
    located = projects_map(budget.projects.filter(pk__in=funded), _("Les projets financés sur la carte"), budget)
    return render(request, "participatory_budget/results.html", {"budget": budget, "areas": areas, "map": located})


def export_pb(request, component_id: int, area: str):
    """The anonymous ballots of one envelope in pabulib's .pb format, once results are out."""
    budget = _budget(request, component_id)
    if not budget.results:
        raise Http404(_("Les bulletins sont publiés avec les résultats."))
    elections = counting.elections(budget)
    if area not in elections:
        raise Http404(_("Cette enveloppe n'existe pas."))
    response = HttpResponse(dumps(elections[area]), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{budget.pk}-{area}.pb"'
    return response
