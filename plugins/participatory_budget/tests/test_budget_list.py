"""A budget is in the list of budgets as soon as it is placed in a phase, not once its page was
first opened: its record is created with the component (back-office or core service), and a
data migration creates the records of budgets placed before."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from core.models import Component
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Budget, Stage

pytestmark = pytest.mark.django_db
INDEX = "/participatory_budget/"


def test_a_budget_placed_in_the_back_office_is_listed_at_once(client, superuser, space):
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_core_component:add"), {
        "phase": space.phases.get().pk, "component_type": services.COMPONENT_TYPE,
        "title": "Budget participatif 2027", "sort_order": 0,
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    component = Component.objects.get(title="Budget participatif 2027")
    budget = Budget.objects.get(component=component)
    assert [change.stage for change in budget.stage_changes.all()] == [Stage.SUBMISSION]
    client.logout()
    assert "Budget participatif 2027" in client.get(INDEX).content.decode()


def test_a_budget_placed_through_the_core_service_is_listed_at_once(client, space):
    from core.components import place_component

    component = place_component(space.phases.get(), services.COMPONENT_TYPE, "Budget des écoles")
    assert Budget.objects.filter(component=component).exists()
    assert "Budget des écoles" in client.get(INDEX).content.decode()
    # Other types get nothing from the budget plugin.
    box = place_component(space.phases.get(), "petitions.petition_box", "Pétitions")
    assert not Budget.objects.filter(component=box).exists()


def test_the_migration_creates_the_records_of_budgets_placed_before(client, space):
    from core.components import place_component

    component = Component.objects.create(phase=space.phases.get(), component_type=services.COMPONENT_TYPE,
                                         title="Budget précédent")
    already = place_component(space.phases.get(), services.COMPONENT_TYPE, "Budget déjà ouvert")
    assert "Budget précédent" not in client.get(INDEX).content.decode()
    migration = import_module("plugins.participatory_budget.migrations.0003_budget_records")
    migration.create_missing_budgets(apps, None)
    migration.create_missing_budgets(apps, None)  # run twice: nothing more
    assert Budget.objects.filter(component__in=[component, already]).count() == 2
    assert [c.stage for c in Budget.objects.get(component=component).stage_changes.all()] == [Stage.SUBMISSION]
    assert "Budget précédent" in client.get(INDEX).content.decode()
