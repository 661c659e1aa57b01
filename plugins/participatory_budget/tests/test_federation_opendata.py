"""The budget's public objects beyond its pages: ActivityPub documents and open data."""

from __future__ import annotations

import csv
import io
import json

import pytest

from federation.models import Activity
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Stage
from plugins.participatory_budget.results import publish_results

from .conftest import verified_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(voting, agent, resident):
    budget, p = voting
    verified_in(resident, "Le Bourg")
    services.cast_ballot(budget, user=resident, district=budget.districts.get(name="Le Bourg"),
                         choice=[p["bancs"].ballot_id, p["eau"].ballot_id])
    services.set_stage(budget, Stage.RESULTS, by=agent)
    return publish_results(budget.pk), p


def test_results_are_a_closed_question_published_by_the_space_group(client, counted):
    budget, p = counted
    activity = Activity.objects.filter(payload__type="Create").order_by("-pk").first()
    assert activity is not None
    question = activity.payload["object"]
    assert question["type"] == "Question" and question["closed"]
    options = {o["name"]: o for o in question["anyOf"]}
    assert options[p["bancs"].title]["replies"]["totalItems"] == 1 and options[p["bancs"].title]["funded"] is True
    response = client.get(question["id"], HTTP_ACCEPT="application/activity+json")
    assert response.status_code == 200 and json.loads(response.content)["type"] == "Question"
    project = client.get(f"/federation/objects/participatory_budget/project/{p['bancs'].pk}",
                         HTTP_ACCEPT="application/activity+json")
    assert project.status_code == 200 and json.loads(project.content)["type"] == "Page"


def test_projects_open_data_without_authors(client, counted, commune, resident):
    budget, p = counted
    space = budget.component.phase.space
    url = f"/open-data/{commune.slug}/{space.slug}/{budget.component_id}/participatory_budget.projects.csv"
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(body))}
    assert rows[p["bancs"].pk]["funded"] in ("true", "True", "1") and rows[p["bancs"].pk]["votes"] == "1"
    assert resident.email not in body and "Alice" not in body
