"""Budgets and host names: a budget's pages live on its organisation's host; on another
organisation's host they redirect there, as the API answers 404 there."""

from __future__ import annotations

import pytest

from core.models import Component
from core.testing import give_site as site_for
from plugins.participatory_budget import services
from tests.conftest import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instance_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://parvis.example"


@pytest.fixture
def association_budget(association, resident):
    space = make_space(association, "air-pur")
    component = Component.objects.create(phase=space.phases.get(), component_type=services.COMPONENT_TYPE,
                                         title="Budget de l'association")
    budget = services.budget_for(component)
    budget.citywide_envelope = 5_000
    budget.save()
    project = services.propose(budget, author=resident, title="Des capteurs d'air", description="Mesurer.")
    return budget, project


def test_a_budget_of_another_organisation_redirects_to_its_host_and_the_api_does_not_know_it(
        client, association_budget, budget, commune, association):
    asso_budget, project = association_budget
    commune_host = {"HTTP_HOST": site_for(commune, "saint-aubin.example")}
    asso_host = {"HTTP_HOST": site_for(association, "air.example")}
    component_id = asso_budget.component_id

    for path in (f"/participatory_budget/c/{component_id}/", f"/participatory_budget/c/{component_id}/results/",
                 f"/participatory_budget/projects/{project.pk}/"):
        response = client.get(path, **commune_host)
        assert (response.status_code, response["Location"]) == (302, f"https://air.example{path}")
        page = client.get(path, **asso_host)
        assert page.status_code == 200 and "Collectif Air" in page.content.decode()
    assert client.get(f"/api/v1/budgets/{asso_budget.pk}", **commune_host).status_code == 404
    assert client.get(f"/api/v1/budgets/{asso_budget.pk}", **asso_host).status_code == 200
    # The commune's own budget stays on the commune's host.
    assert client.get(budget.get_absolute_url(), **commune_host).status_code == 200
    assert client.get(budget.get_absolute_url(), **asso_host).status_code == 302


def test_a_budget_form_posted_on_another_organisation_host_is_not_found(client, association_budget, commune,
                                                                        association, foreign_agent):
    asso_budget, _project = association_budget
    commune_host = site_for(commune, "saint-aubin.example")
    site_for(association, "air.example")
    client.force_login(foreign_agent)
    response = client.post(f"/participatory_budget/c/{asso_budget.component_id}/stage/", {"stage": "review"},
                           HTTP_HOST=commune_host)
    assert response.status_code == 404
    asso_budget.refresh_from_db()
    assert asso_budget.stage == "submission"
