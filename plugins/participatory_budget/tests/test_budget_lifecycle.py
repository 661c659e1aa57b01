"""From proposals to implementation, through the public pages and the agents' forms."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.contributions.models import Contribution
from core.participation.models import LedgerEntry, ParticipationRecord
from core.participation.services import flush_pending
from plugins.participatory_budget import services
from plugins.participatory_budget.models import (
    Ballot,
    Budget,
    Milestone,
    Project,
    Stage,
    StageChange,
)
from plugins.participatory_budget.results import publish_results

from .conftest import verified_in

pytestmark = pytest.mark.django_db


def _status(project) -> str:
    return Contribution.objects.get(pk=project.contribution_id).status


def test_full_life_through_the_pages(client, budget, districts, agent, resident, django_capture_on_commit_callbacks):
    # A resident proposes a project for Le Bourg.
    client.force_login(resident)
    response = client.post(reverse("participatory_budget:propose", args=[budget.component_id]), {
        "title": "Des bancs à l'ombre", "description": "Trois bancs près de l'église.",
        "district": districts[0].pk, "category": "Cadre de vie", "location": "Place de l'Église",
        "requested_cost": "9000",
    })
    project = Project.objects.get(title="Des bancs à l'ombre")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.author == resident and _status(project) == "proposed"
    duplicate = services.propose(budget, author=resident, title="Des bancs ombragés", description="Pareil.",
                                 district=districts[0])
    # An agent moves the budget to review, merges the duplicate and reviews the project.
    client.force_login(agent)
    client.post(reverse("participatory_budget:stage", args=[budget.component_id]), {"stage": "review"})
    assert Budget.objects.get(pk=budget.pk).stage == Stage.REVIEW
    response = client.post(reverse("participatory_budget:merge", args=[duplicate.pk]), {"into": project.pk, "note": ""})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == project and _status(duplicate) == "merged"
    response = client.post(reverse("participatory_budget:review", args=[project.pk]),
                           {"feasibility": "feasible", "cost": "9500", "note": "Pose comprise."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.feasibility, project.cost, _status(project)) == ("feasible", 9500, "feasible")
    client.post(reverse("participatory_budget:stage", args=[budget.component_id]), {"stage": "voting"})
    assert Budget.objects.get(pk=budget.pk).stage == Stage.VOTING
    # The resident votes (without JavaScript: a plain form post).
    verified_in(resident, "Le Bourg")
    client.force_login(resident)
    response = client.post(reverse("participatory_budget:vote", args=[budget.component_id]),
                           {"district": districts[0].pk, "project": [project.ballot_id]})
    assert response.status_code == 200
    assert "Votre bulletin est enregistré" in response.content.decode()
    assert Ballot.objects.get(budget=budget).choice == [project.ballot_id]
    # Results are counted by the task when the budget enters its results stage.
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participatory_budget:stage", args=[budget.component_id]), {"stage": "results"})
    budget.refresh_from_db()
    assert budget.results is not None
    assert budget.results["areas"][str(districts[0].pk)]["selected"] == [project.pk]
    assert _status(project) == "selected"
    page = client.get(reverse("participatory_budget:results", args=[budget.component_id])).content.decode()
    assert "Des bancs à l&#x27;ombre" in page and "Financé" in page
    # Implementation: progress, a milestone, then done.
    client.post(reverse("participatory_budget:stage", args=[budget.component_id]), {"stage": "implementation"})
    response = client.post(reverse("participatory_budget:implementation", args=[project.pk]), {
        "progress": "50", "final_cost": "", "milestone_date": "2026-11-02", "milestone_title": "Commande passée",
        "milestone_text": "", "photo_alt": ""})
    assert response.status_code == 302
    assert Milestone.objects.filter(project=project, title="Commande passée").exists()
    assert _status(project) == "in_progress"
    client.post(reverse("participatory_budget:implementation", args=[project.pk]), {"progress": "100", "final_cost": "9300"})
    assert _status(project) == "done"
    assert list(StageChange.objects.filter(budget=budget).values_list("stage", flat=True)) == [
        "submission", "review", "voting", "results", "implementation"]


def test_stages_move_one_step_and_need_what_they_need(budget, agent, resident):
    with pytest.raises(ValidationError, match="d'une étape à la suivante"):
        services.set_stage(budget, Stage.VOTING, by=agent)
    project = services.propose(budget, author=resident, title="Un abri vélo", description="À la gare.")
    services.set_stage(budget, Stage.REVIEW, by=agent)
    with pytest.raises(ValidationError, match="attendent encore"):
        services.set_stage(budget, Stage.VOTING, by=agent)
    services.review(project, by=agent, feasibility="unfeasible", cost=None, note="Terrain privé.")
    with pytest.raises(ValidationError, match="Aucun projet"):
        services.set_stage(budget, Stage.VOTING, by=agent)
    with pytest.raises(PermissionDenied):
        services.set_stage(budget, Stage.SUBMISSION, by=resident)


def test_review_rules(budget, districts, agent, resident):
    project = services.propose(budget, author=resident, title="Un préau", description="Pour l'école.",
                               district=districts[1])
    with pytest.raises(ValidationError, match="dépasse l'enveloppe"):
        services.review(project, by=agent, feasibility="feasible", cost=20_001, note="")
    with pytest.raises(ValidationError, match="Expliquez publiquement"):
        services.review(project, by=agent, feasibility="unfeasible", cost=None, note="  ")
    with pytest.raises(ValidationError, match="coût retenu"):
        services.review(project, by=agent, feasibility="feasible", cost=None, note="")
    with pytest.raises(PermissionDenied):
        services.review(project, by=resident, feasibility="feasible", cost=1000, note="")
    services.review(project, by=agent, feasibility="unfeasible", cost=None, note="Hors compétence.")
    project.refresh_from_db()
    assert project.review_note == "Hors compétence." and _status(project) == "unfeasible"


def test_proposals_only_during_submission(client, budget, agent, resident):
    services.set_stage(budget, Stage.REVIEW, by=agent)
    client.force_login(resident)
    response = client.post(reverse("participatory_budget:propose", args=[budget.component_id]),
                           {"title": "Trop tard", "description": "..."})
    assert response.status_code == 403
    assert "fermé" in response.content.decode()
    assert not Project.objects.exists()


def test_last_ballot_counts_and_both_are_in_the_ledger(voting, resident):
    budget, projects = voting
    verified_in(resident, "Le Bourg")
    bourg = budget.districts.get(name="Le Bourg")
    services.cast_ballot(budget, user=resident, district=bourg, choice=[projects["bancs"].ballot_id])
    services.cast_ballot(budget, user=resident, district=bourg,
                         choice=[projects["jardin"].ballot_id, projects["livres"].ballot_id])
    flush_pending(budget.subject_key)
    assert ParticipationRecord.objects.filter(subject_key=budget.subject_key).count() == 1
    ballot = Ballot.objects.get(budget=budget)
    assert ballot.choice == sorted([projects["jardin"].ballot_id, projects["livres"].ballot_id], key=int)
    casts = LedgerEntry.objects.filter(log__key=budget.subject_key, kind="cast").order_by("seq")
    assert [json.loads(e.data)["choice"] for e in casts] == [[projects["bancs"].ballot_id], ballot.choice]
    budget.stage = Stage.RESULTS
    budget.save()
    results = publish_results(budget.pk).results
    counted = {p["id"]: p["supporters"] for a in results["areas"].values() for p in a["projects"]}
    assert counted[projects["bancs"].pk] == 0 and counted[projects["jardin"].pk] == 1


def test_results_cannot_be_reopened_to_vote(voting, agent):
    budget, _projects = voting
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    with pytest.raises(ValidationError, match="ne peut pas rouvrir"):
        services.set_stage(budget, Stage.VOTING, by=agent)


def test_settings_form(client, budget, districts, agent):
    client.force_login(agent)
    url = reverse("participatory_budget:settings", args=[budget.component_id])
    data = {
        "citywide_envelope": "10000", "currency": "EUR", "vote_type": "ranked", "max_projects": "3", "points": "10",
        "rule": "mes", "categories": "",
        "districts-TOTAL_FORMS": "2", "districts-INITIAL_FORMS": "2", "districts-MIN_NUM_FORMS": "0",
        "districts-MAX_NUM_FORMS": "50",
        "districts-0-id": districts[0].pk, "districts-0-name": "Le Bourg", "districts-0-envelope": "50000",
        "districts-1-id": districts[1].pk, "districts-1-name": "Les Hameaux", "districts-1-envelope": "25000",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ne s&#x27;applique pas à un vote par classement" in response.content.decode()
    data["rule"] = "greedy"
    assert client.post(url, data).status_code == 302
    budget.refresh_from_db()
    assert (budget.vote_type, budget.citywide_envelope, budget.districts.get(name="Les Hameaux").envelope) == (
        "ranked", 10_000, 25_000)


@pytest.mark.django_db(transaction=True)
def test_the_voter_gets_a_receipt_that_the_ledger_knows(client, voting, resident):
    budget, projects = voting
    verified_in(resident, "Le Bourg")
    client.force_login(resident)
    bourg = budget.districts.get(name="Le Bourg")
    response = client.post(reverse("participatory_budget:vote", args=[budget.component_id]),
                           {"district": bourg.pk, "project": [projects["bancs"].ballot_id]})
    page = response.content.decode()
    receipt = page.split('<code class="receipt">')[1].split("</code>")[0]
    assert receipt.startswith("pvr1.")
    check = client.get(reverse("participation:receipt"), {"receipt": receipt})
    assert check.status_code == 200 and 'class="receipt-status counted"' in check.content.decode()


def test_the_vote_reports_when_it_closed(voting, agent):
    from core.participation.registry import get_subject

    budget, _p = voting
    assert get_subject(budget.subject_key).info.closed_at is None
    services.set_stage(budget, Stage.RESULTS, by=agent)
    closed = get_subject(budget.subject_key).info.closed_at
    assert closed == StageChange.objects.get(budget=budget, stage="results").at


def test_a_refused_review_comes_back_with_its_reason(client, budget, agent, resident):
    project = services.propose(budget, author=resident, title="Un préau", description="Pour l'école.")
    client.force_login(agent)
    response = client.post(reverse("participatory_budget:review", args=[project.pk]),
                           {"feasibility": "unfeasible", "cost": "", "note": ""})
    assert response.status_code == 400
    assert "Expliquez publiquement" in response.content.decode()
    project.refresh_from_db()
    assert project.feasibility == "pending"
    client.force_login(resident)
    assert client.post(reverse("participatory_budget:review", args=[project.pk]),
                       {"feasibility": "feasible", "cost": "10"}).status_code == 403
