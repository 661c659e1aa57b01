"""Everything that changes a participatory budget. Views, paper entry, tasks and the demo call
these functions; they check permissions, stages and ballots, and raise ``ValidationError`` or
``PermissionDenied`` with a message for the person."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.contributions.services import change_status, record_activity, register_contribution
from core.models import Component
from core.permissions import has_role
from core.templatetags.parvis import format_money
from plugins.participatory_budget import workflow as states
from plugins.participatory_budget.models import (
    STAGE_ORDER,
    Ballot,
    Budget,
    District,
    Feasibility,
    Milestone,
    Project,
    Stage,
    StageChange,
    VoteType,
)

STAFF_ROLES = ("admin", "agent")
COMPONENT_TYPE = "participatory_budget.budget"


def budget_for(component: Component) -> Budget:
    """The budget of ``component``, created with its first stage if missing. Called when the
    component is placed in a phase (``ComponentType.on_placed``), so the list shows it at once."""
    budget, created = Budget.objects.get_or_create(component=component)
    if created:
        StageChange.objects.create(budget=budget, stage=budget.stage)
    return budget


def is_staff(user, budget: Budget) -> bool:
    return has_role(user, budget.component.phase.space, STAFF_ROLES)


def _require_staff(user, budget: Budget) -> None:
    if not is_staff(user, budget):
        raise PermissionDenied(_("Seuls les agents de l'organisation peuvent faire cela."))


def money(amount: int | None, budget: Budget) -> str:
    """``12 500 €`` (``€12,500`` in English): the core's ``money`` filter, in the budget's currency."""
    return format_money(amount, budget.currency)


# --- Stages ----------------------------------------------------------------------------------


@transaction.atomic
def set_stage(budget: Budget, stage: str, *, by) -> Budget:
    """Move the budget to ``stage`` (forward or back one step), with the checks each needs."""
    _require_staff(by, budget)
    given, budget = budget, Budget.objects.select_for_update().select_related("component__phase__space").get(pk=budget.pk)
    if stage not in STAGE_ORDER:
        raise ValidationError(_("Étape inconnue."))
    here, there = STAGE_ORDER.index(budget.stage), STAGE_ORDER.index(stage)
    if abs(here - there) != 1:
        raise ValidationError(_("Le budget passe d'une étape à la suivante (ou revient à la précédente)."))
    if stage == Stage.VOTING:
        if budget.projects.filter(feasibility=Feasibility.PENDING, merged_into__isnull=True).exists():
            raise ValidationError(_("Des propositions attendent encore leur étude de faisabilité."))
        if not any(p.on_ballot for p in budget.projects.all()):
            raise ValidationError(_("Aucun projet n'est retenu pour le vote."))
    if stage == Stage.IMPLEMENTATION and budget.results is None:
        raise ValidationError(_("Le dépouillement n'est pas terminé : les résultats ne sont pas encore publiés."))
    if budget.stage == Stage.RESULTS and stage == Stage.VOTING and budget.results is not None:
        raise ValidationError(_("Les résultats sont publiés : le vote ne peut pas rouvrir."))
    budget.stage = stage
    budget.save(update_fields=["stage"])
    StageChange.objects.create(budget=budget, stage=stage)
    space = budget.component.phase.space
    record_activity(space, "stage", _("%(budget)s : %(stage)s") % {"budget": budget, "stage": budget.get_stage_display()},
                    url=budget.get_absolute_url())
    if stage == Stage.RESULTS:
        from plugins.participatory_budget.tasks import count_budget

        transaction.on_commit(lambda: count_budget.delay(budget.pk))
    given.stage = stage
    return given


# --- Proposals, review, merging ------------------------------------------------------------------


def _envelope(budget: Budget, district: District | None) -> int:
    return district.envelope if district is not None else budget.citywide_envelope


@transaction.atomic
def propose(budget: Budget, *, author, title: str, description: str, district: District | None = None,
            category: str = "", location: str = "", requested_cost: int | None = None) -> Project:
    """A citizen's proposal, during the submission stage."""
    from core.participation.services import check_eligible

    if budget.stage != Stage.SUBMISSION:
        raise ValidationError(_("Le dépôt des propositions est fermé."))
    if district is not None and district.budget_id != budget.pk:
        raise ValidationError(_("Ce quartier n'appartient pas à ce budget."))
    if district is None and budget.citywide_envelope == 0:
        raise ValidationError(_("Choisissez le quartier de votre projet."))
    if category and budget.category_list and category not in budget.category_list:
        raise ValidationError(_("Choisissez un thème de la liste."))
    check_eligible(budget.component, "web", user=author)
    project = Project.objects.create(
        budget=budget, district=district, author=author, title=title.strip(), description=description.strip(),
        category=category, location=location.strip(), requested_cost=requested_cost,
    )
    project.contribution = register_contribution(
        plugin="participatory_budget", kind="project", space=budget.component.phase.space, author=author,
        title=project.title, summary=project.description[:1000], url=project.get_absolute_url(),
        component=budget.component,
    )
    project.save(update_fields=["contribution"])
    return project


@transaction.atomic
def review(project: Project, *, by, feasibility: str, cost: int | None, note: str,
           latitude=None, longitude=None) -> Project:
    """Record the technical review of a proposal: feasible with its cost, or not with a public
    reason; and where the project is (both coordinates, or none: then it is not on the map)."""
    budget = project.budget
    _require_staff(by, budget)
    if budget.stage not in (Stage.SUBMISSION, Stage.REVIEW):
        raise ValidationError(_("L'étude de faisabilité est terminée : le vote a commencé."))
    if project.merged_into_id:
        raise ValidationError(_("Cette proposition a été fusionnée avec une autre."))
    note = note.strip()
    if feasibility == Feasibility.FEASIBLE:
        if not cost:
            raise ValidationError(_("Indiquez le coût retenu du projet."))
        envelope = _envelope(budget, project.district)
        if cost > envelope:
            raise ValidationError(_("Le coût dépasse l'enveloppe (%(envelope)s).") % {"envelope": money(envelope, budget)})
        status = states.FEASIBLE
    elif feasibility == Feasibility.UNFEASIBLE:
        if not note:
            raise ValidationError(_("Expliquez publiquement pourquoi le projet n'est pas réalisable."))
        cost, status = None, states.UNFEASIBLE
    else:
        raise ValidationError(_("Choisissez « réalisable » ou « non réalisable »."))
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Indiquez la latitude et la longitude, ou aucune des deux."))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("Ces coordonnées ne désignent aucun lieu : latitude entre -90 et 90, longitude entre -180 et 180."))
    project.feasibility, project.cost, project.review_note = feasibility, cost, note
    project.latitude, project.longitude = latitude, longitude
    project.reviewed_at = timezone.now()
    project.save(update_fields=["feasibility", "cost", "review_note", "latitude", "longitude", "reviewed_at"])
    if project.contribution_id and project.contribution.status != status:
        change_status(project.contribution, status, by=by, note=note)
    return project


@transaction.atomic
def merge(project: Project, into: Project, *, by, note: str = "") -> Project:
    """Merge a proposal into a similar one; its supporters are pointed to the other."""
    budget = project.budget
    _require_staff(by, budget)
    if budget.stage not in (Stage.SUBMISSION, Stage.REVIEW):
        raise ValidationError(_("Les propositions ne se fusionnent plus une fois le vote ouvert."))
    if into.budget_id != budget.pk or into.pk == project.pk:
        raise ValidationError(_("Choisissez une autre proposition du même budget."))
    if into.merged_into_id or project.merged_into_id:
        raise ValidationError(_("Une proposition déjà fusionnée ne peut pas l'être à nouveau."))
    project.merged_into = into
    project.save(update_fields=["merged_into"])
    Project.objects.filter(merged_into=project).update(merged_into=into)
    if project.contribution_id:
        change_status(project.contribution, states.MERGED, by=by,
                      note=note or _("Fusionnée avec « %(title)s ».") % {"title": into.title})
    return project


# --- Ballots -----------------------------------------------------------------------------------


@dataclass
class BallotSheet:
    """What one person may vote on: the projects of their district and the city-wide ones."""

    budget: Budget
    district: District | None
    projects: list[Project]

    @property
    def parts(self) -> list[tuple[District | None, list[Project], int]]:
        """(district, its projects, its envelope) for each envelope on the ballot."""
        parts = []
        if self.district is not None:
            parts.append((self.district, [p for p in self.projects if p.district_id == self.district.pk],
                          self.district.envelope))
        citywide = [p for p in self.projects if p.district_id is None]
        if citywide:
            parts.append((None, citywide, self.budget.citywide_envelope))
        return parts


def ballot_sheet(budget: Budget, district: District | None) -> BallotSheet:
    projects = [p for p in budget.projects.filter(feasibility=Feasibility.FEASIBLE, merged_into__isnull=True,
                                                   cost__isnull=False).order_by("title", "pk")
                if p.district_id is None or (district is not None and p.district_id == district.pk)]
    return BallotSheet(budget, district, projects)


def districts_of(user, budget: Budget) -> list[District]:
    """The districts a person may vote in: those whose areas match what they proved, and those
    open to everyone (no areas listed)."""
    from core.identity.normalise import normalise_area
    from core.identity.verifications import attributes_of

    areas = {normalise_area(a) for a in attributes_of(user).areas} if user is not None else set()
    allowed = []
    for district in budget.districts.all():
        listed = {normalise_area(a) for a in district.area_list}
        if not listed or listed & areas:
            allowed.append(district)
    return allowed


def check_district(budget: Budget, district: District | None, *, user=None, areas=None) -> None:
    """Refuse a ballot for a district the person does not live in."""
    from core.identity.normalise import normalise_area

    if district is None:
        if budget.districts.exists() and budget.citywide_envelope == 0:
            raise ValidationError(_("Choisissez votre quartier."))
        return
    if district.budget_id != budget.pk:
        raise ValidationError(_("Ce quartier n'appartient pas à ce budget."))
    listed = {normalise_area(a) for a in district.area_list}
    if not listed:
        return
    if user is not None:
        from core.identity.verifications import attributes_of

        areas = attributes_of(user).areas
    if not listed & {normalise_area(a) for a in (areas or ())}:
        raise ValidationError(_("Vous ne pouvez voter que pour les projets de votre quartier : %(name)s "
                                "est réservé à ses habitants.") % {"name": district.name})


def clean_choice(sheet: BallotSheet, raw) -> list[str] | dict[str, int]:
    """Check a ballot against the rules of the vote; return the ledger choice.

    ``raw`` is a list of project ids (approval, knapsack, choose-1), a list in order of
    preference (ranked) or a dict of project ids to points (cumulative).
    """
    budget = sheet.budget
    on_ballot = {p.ballot_id: p for p in sheet.projects}
    vote_type = budget.vote_type
    if vote_type == VoteType.CUMULATIVE:
        if not isinstance(raw, dict):
            raise ValidationError(_("Répartissez vos points entre les projets."))
        points = {}
        for key, value in raw.items():
            if str(key) not in on_ballot:
                raise ValidationError(_("Un projet du bulletin n'est pas soumis au vote."))
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("Les points sont des nombres entiers.")) from None
            if value < 0:
                raise ValidationError(_("Les points ne peuvent pas être négatifs."))
            if value:
                points[str(key)] = value
        if sum(points.values()) > budget.points:
            raise ValidationError(_("Vous avez donné %(given)s points sur %(total)s disponibles.")
                                  % {"given": sum(points.values()), "total": budget.points})
        return dict(sorted(points.items(), key=lambda kv: int(kv[0])))
    if not isinstance(raw, list | tuple):
        raise ValidationError(_("Choisissez des projets."))
    ids = [str(item) for item in raw]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Un projet figure deux fois sur le bulletin."))
    unknown = [i for i in ids if i not in on_ballot]
    if unknown:
        raise ValidationError(_("Un projet du bulletin n'est pas soumis au vote."))
    if vote_type == VoteType.CHOOSE_ONE:
        per_part = {}
        for project_id in ids:
            per_part.setdefault(on_ballot[project_id].district_id, []).append(project_id)
        if any(len(chosen) > 1 for chosen in per_part.values()):
            raise ValidationError(_("Choisissez un seul projet par enveloppe."))
    if budget.max_projects and len(ids) > budget.max_projects:
        raise ValidationError(_("Vous avez choisi %(n)s projets ; le maximum est %(max)s.")
                              % {"n": len(ids), "max": budget.max_projects})
    if vote_type == VoteType.KNAPSACK:
        for district, projects, envelope in sheet.parts:
            part_ids = {p.ballot_id for p in projects}
            spent = sum(on_ballot[i].cost for i in ids if i in part_ids)
            if spent > envelope:
                where = district.name if district else _("toute la commune")
                raise ValidationError(_("Votre sélection (%(spent)s) dépasse l'enveloppe « %(where)s » (%(envelope)s).")
                                      % {"spent": money(spent, budget), "where": where,
                                         "envelope": money(envelope, budget)})
    if vote_type == VoteType.RANKED:
        return ids
    return sorted(ids, key=int)


def cast_ballot(budget: Budget, *, user, district: District | None, choice, channel: str = "web"):
    """Record (or replace: the last ballot counts) a person's ballot; return the participation."""
    from core.participation.identity import person_key_from_email
    from core.participation.services import participate

    if budget.stage != Stage.VOTING:
        raise ValidationError(_("Le vote n'est pas ouvert."))
    check_district(budget, district, user=user)
    cleaned = clean_choice(ballot_sheet(budget, district), choice)
    if not getattr(user, "email", ""):
        raise ValidationError(_("Votre compte n'a pas d'adresse électronique."))
    with transaction.atomic():
        participation = participate(
            subject_key=budget.subject_key, person_key=person_key_from_email(user.email), channel=channel,
            choice=cleaned, user=user, replace=True,
        )
        _store_ballot(budget, participation.record, district, channel, cleaned)
    return participation


def _store_ballot(budget: Budget, record, district, channel: str, choice) -> Ballot:
    # The participation record row is locked by participate(): one ballot row per record.
    try:
        with transaction.atomic():
            ballot, _created = Ballot.objects.update_or_create(
                record=record, defaults={"budget": budget, "district": district, "channel": channel, "choice": choice},
            )
    except IntegrityError:
        ballot = Ballot.objects.get(record=record)
        ballot.district, ballot.channel, ballot.choice = district, channel, choice
        ballot.save()
    return ballot


def current_ballot(budget: Budget, user) -> Ballot | None:
    from core.participation.models import ParticipationRecord

    if not getattr(user, "is_authenticated", False):
        return None
    record = ParticipationRecord.objects.filter(subject_key=budget.subject_key, user=user,
                                                withdrawn_at__isnull=True, invalidated_at__isnull=True).first()
    return Ballot.objects.filter(record=record).first() if record else None


# --- Paper ballots (through the shared paper entry screen) ---------------------------------------


def parse_paper_choice(text: str, vote_type: str):
    """``"12, 15, 18"`` (ranked: in order) or ``"12:5, 15:3"`` (points) → a raw choice."""
    items = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    if vote_type == VoteType.CUMULATIVE:
        points = {}
        for item in items:
            key, sep, value = item.partition(":")
            if not sep or not key.strip().isdigit() or not value.strip().isdigit():
                raise ValueError(_("Écrivez « numéro:points », par exemple « 12:5, 15:3 »."))
            points[key.strip()] = int(value)
        return points
    if not all(item.isdigit() for item in items):
        raise ValueError(_("Écrivez les numéros des projets séparés par des virgules, par exemple « 12, 15 »."))
    return items


def _paper_sheet(data: dict) -> tuple[Budget, District | None, list[str] | dict[str, int]]:
    """The budget, district and checked choice of one paper sheet (``ValueError`` if refused).

    The agent who enters the sheet checked the person's residence (the attestation box of the
    paper entry screen when the budget has eligibility rules): the district is taken as written.
    """
    budget = Budget.objects.get(pk=int(data["subject_key"].rsplit(":", 1)[1]))
    name = (data.get("district") or "").strip()
    district = None
    if name:
        district = budget.districts.filter(name__iexact=name).first()
        if district is None:
            raise ValueError(_("Quartier inconnu : %(name)s.") % {"name": name})
    elif budget.districts.exists() and budget.citywide_envelope == 0:
        raise ValueError(_("Indiquez le quartier du bulletin."))
    try:
        choice = clean_choice(ballot_sheet(budget, district), parse_paper_choice(data.get("ballot", ""), budget.vote_type))
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    return budget, district, choice


def paper_choice(data: dict):
    """``choice_from_paper``: the ledger choice of a paper sheet."""
    return _paper_sheet(data)[2]


def record_paper_ballot(subject_key: str, record, data: dict) -> Ballot:
    """``on_paper_entry``: store the counted ballot, in the transaction of the participation record."""
    budget, district, choice = _paper_sheet({**data, "subject_key": subject_key})
    return _store_ballot(budget, record, district, record.channel, choice)


# --- Implementation -------------------------------------------------------------------------


@transaction.atomic
def update_implementation(project: Project, *, by, progress: int, final_cost: int | None = None,
                          milestone: dict | None = None) -> Project:
    budget = project.budget
    _require_staff(by, budget)
    if budget.stage != Stage.IMPLEMENTATION:
        raise ValidationError(_("Le suivi des réalisations commence après la publication des résultats."))
    status = project.contribution.status if project.contribution_id else None
    if status not in (states.SELECTED, states.IN_PROGRESS, states.DONE):
        raise ValidationError(_("Seuls les projets lauréats ont un suivi de réalisation."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("L'avancement est un pourcentage entre 0 et 100."))
    project.progress, project.final_cost = progress, final_cost
    project.save(update_fields=["progress", "final_cost"])
    if milestone and milestone.get("title"):
        if milestone.get("photo") and not (milestone.get("photo_alt") or "").strip():
            raise ValidationError(_("Décrivez la photo pour les personnes qui ne la voient pas."))
        Milestone.objects.create(project=project, **milestone)
    target = states.DONE if progress == 100 else states.IN_PROGRESS
    if project.contribution_id and project.contribution.status != target:
        change_status(project.contribution, target, by=by)
    return project
