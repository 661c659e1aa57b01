"""The budgets in the public API: read-only, the organisation's own, no author."""

from __future__ import annotations

import pytest

from plugins.participatory_budget import services
from plugins.participatory_budget.models import Stage
from plugins.participatory_budget.results import publish_results

from .conftest import verified_in

pytestmark = pytest.mark.django_db


def test_budgets_projects_and_results(client, voting, agent, resident, commune, association):
    budget, p = voting
    host = commune.site.hostname if getattr(commune, "site", None) else "testserver"
    listed = client.get("/api/v1/budgets/", HTTP_HOST=host).json()
    assert [b["id"] for b in listed["results"]] == [budget.pk]
    detail = client.get(f"/api/v1/budgets/{budget.pk}", HTTP_HOST=host).json()
    assert {d["name"] for d in detail["districts"]} == {"Le Bourg", "Les Hameaux"} and detail["stage"] == "voting"
    projects = client.get(f"/api/v1/budgets/{budget.pk}/projects?page_size=100", HTTP_HOST=host)
    assert projects.status_code == 200 and len(projects.json()["results"]) == len(p)
    assert resident.email not in projects.content.decode()
    assert client.get(f"/api/v1/budgets/{budget.pk}/results", HTTP_HOST=host).status_code == 404
    verified_in(resident, "Le Bourg")
    services.cast_ballot(budget, user=resident, district=budget.districts.get(name="Le Bourg"),
                         choice=[p["bancs"].ballot_id])
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    results = client.get(f"/api/v1/budgets/{budget.pk}/results", HTTP_HOST=host).json()
    funded = {row["id"] for area in results["areas"] for row in area["projects"] if row["funded"]}
    assert p["bancs"].pk in funded and results["ballots"] == 1
    assert client.get("/api/v1/budgets/?colour=red", HTTP_HOST=host).status_code == 400
    assert client.get("/api/v1/budgets/999999", HTTP_HOST=host).json()["error"]["code"]
