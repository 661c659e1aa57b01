"""Projects on the map: agents place them during the review, the budget page and the results
draw them through the mapping plugin's ``"map"`` slot, the export carries their coordinates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.models import PluginSetting
from plugins.mapping.testing import map_markers
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Project, Stage
from plugins.participatory_budget.results import publish_results
from plugins.participatory_budget.tally import loads

from .test_results import _vote_all

pytestmark = pytest.mark.django_db




class Queries:
    """Counts the queries run inside ``with Queries() as queries:`` (``len(queries)``)."""

    def __init__(self):
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self):
        return len(self.sql)


def _locate(project, latitude, longitude):
    Project.objects.filter(pk=project.pk).update(latitude=Decimal(latitude), longitude=Decimal(longitude))


def test_the_agent_places_a_project_during_the_review(client, budget, agent, resident):
    project = services.propose(budget, author=resident, title="Un préau", description="Pour l'école.")
    url = reverse("participatory_budget:review", args=[project.pk])
    client.force_login(agent)
    assert "parvis-map" not in client.get(project.get_absolute_url()).content.decode()  # not placed yet
    response = client.post(url, {"feasibility": "feasible", "cost": "9000", "note": "",
                                 "latitude": "45.188529", "longitude": ""})
    assert response.status_code == 400
    assert "la latitude et la longitude, ou aucune des deux" in response.content.decode()
    response = client.post(url, {"feasibility": "feasible", "cost": "9000", "note": "",
                                 "latitude": "91", "longitude": "5.7"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.feasibility == "pending" and project.latitude is None  # nothing half saved
    response = client.post(url, {"feasibility": "feasible", "cost": "9000", "note": "",
                                 "latitude": "45.188529", "longitude": "5.724524"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("45.188529"), Decimal("5.724524"))
    # The form comes back filled in, so that a second review does not lose the place.
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'value="45.188529"' in page and 'value="5.724524"' in page
    # Its own page shows where it is.
    assert map_markers(page) == [{"lat": 45.188529, "lon": 5.724524, "label": "Un préau", "url": "",
                               "detail": "", "weight": 1}]
    assert "Où se trouve le projet" in page
    # A resident cannot place projects.
    client.force_login(resident)
    assert client.post(url, {"feasibility": "feasible", "cost": "9000",
                             "latitude": "1", "longitude": "1"}).status_code == 403


def test_the_service_refuses_half_a_place_or_a_place_off_the_globe(budget, agent, resident):
    from django.core.exceptions import ValidationError

    project = services.propose(budget, author=resident, title="Un préau", description="Pour l'école.")
    with pytest.raises(ValidationError, match="ou aucune des deux"):
        services.review(project, by=agent, feasibility="feasible", cost=10, note="", latitude=Decimal(45))
    with pytest.raises(ValidationError, match="aucun lieu"):
        services.review(project, by=agent, feasibility="feasible", cost=10, note="",
                        latitude=Decimal(45), longitude=Decimal(190))


def test_the_budget_page_draws_its_located_projects_in_constant_queries(client, voting):
    budget, projects = voting
    url = budget.get_absolute_url()
    _locate(projects["bancs"], "45.1", "5.7")
    client.get(url)  # caches warmed
    with Queries() as one:
        page = client.get(url).content.decode()
    assert [m["label"] for m in map_markers(page)] == ["Des bancs ombragés"]
    assert f'<a href="{projects["bancs"].get_absolute_url()}">Des bancs ombragés</a> — 9' in page
    for number, project in enumerate(projects.values()):
        _locate(project, f"45.{number}", f"5.{number}")
    with Queries() as all_six:
        page = client.get(url).content.decode()
    assert len(map_markers(page)) == 6
    assert len(all_six) == len(one)
    # Filters apply to the map as to the list.
    page = client.get(url, {"district": "citywide"}).content.decode()
    assert sorted(m["label"] for m in map_markers(page)) == ["Des boîtes à livres", "Des récupérateurs d'eau"]


def test_without_the_mapping_plugin_there_is_no_map_and_no_query_for_it(client, voting):
    from wagtail.models import Page, Site

    budget, projects = voting
    _locate(projects["bancs"], "45.1", "5.7")
    organisation = budget.component.phase.space.organisations.get()
    organisation.site = Site.objects.create(hostname="commune.example", port=80, root_page=Page.get_first_root_node())
    organisation.save()
    url = budget.get_absolute_url()
    client.get(url, HTTP_HOST="commune.example")
    with Queries() as enabled:
        page = client.get(url, HTTP_HOST="commune.example").content.decode()
    assert "parvis-map" in page
    PluginSetting.objects.create(organisation=organisation, plugin="mapping", enabled=False)
    client.get(url, HTTP_HOST="commune.example")
    with Queries() as disabled:
        page = client.get(url, HTTP_HOST="commune.example").content.decode()
    assert "parvis-map" not in page and "Des bancs ombragés" in page
    assert len(disabled) == len(enabled) - 1


def test_results_draw_the_funded_projects_and_the_export_carries_coordinates(client, voting, agent):
    budget, projects = voting
    _locate(projects["bancs"], "45.188529", "5.724524")
    _locate(projects["toilettes"], "45.19", "5.73")  # not funded: 42,000 no longer fits
    _vote_all(budget, projects)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    page = client.get(reverse("participatory_budget:results", args=[budget.component_id])).content.decode()
    assert [m["label"] for m in map_markers(page)] == ["Des bancs ombragés"]
    bourg = budget.districts.get(name="Le Bourg").pk
    exported = loads(client.get(reverse("participatory_budget:export_pb", args=[budget.component_id, bourg])).content.decode())
    bancs = exported.projects[str(projects["bancs"].ballot_id)]
    assert (bancs.extra["latitude"], bancs.extra["longitude"]) == ("45.188529", "5.724524")
    assert exported.projects[str(projects["jardin"].ballot_id)].extra["latitude"] == ""
