from __future__ import annotations

import pytest

from core.models import Component
from plugins.participatory_budget import services
from plugins.participatory_budget.models import District, Stage
from tests.conftest import make_user


@pytest.fixture
def budget(space):
    component = Component.objects.create(phase=space.phases.get(), component_type=services.COMPONENT_TYPE,
                                         title="Budget participatif 2026")
    budget = services.budget_for(component)
    budget.citywide_envelope = 30_000
    budget.categories = "Cadre de vie\nJeunesse"
    budget.save()
    return budget


@pytest.fixture
def districts(budget):
    return [District.objects.create(budget=budget, name="Le Bourg", envelope=50_000, areas="Le Bourg"),
            District.objects.create(budget=budget, name="Les Hameaux", envelope=20_000, areas="Les Hameaux")]


@pytest.fixture
def resident(db):
    return make_user("habitante@example.org", display_name="Alice Habitante")


def verified_in(user, *areas):
    from core.identity.methods import IN_PERSON
    from core.identity.verifications import record_verification
    from core.plugins import PROOF_RESIDENCE

    record_verification(user, IN_PERSON, proves=[PROOF_RESIDENCE], areas=list(areas))
    return user


@pytest.fixture
def voting(budget, districts, agent, resident):
    """A budget in its voting stage: three projects in Le Bourg, one in Les Hameaux, two city-wide."""
    projects = {}
    for key, title, district, cost in (
        ("bancs", "Des bancs ombragés", 0, 9_000), ("jardin", "Un jardin partagé", 0, 28_000),
        ("toilettes", "Des toilettes au parc", 0, 42_000), ("petanque", "Une piste de pétanque", 1, 7_000),
        ("livres", "Des boîtes à livres", None, 2_400), ("eau", "Des récupérateurs d'eau", None, 16_000),
    ):
        project = services.propose(budget, author=resident, title=title, description=f"{title} pour tous.",
                                   district=districts[district] if district is not None else None)
        services.review(project, by=agent, feasibility="feasible", cost=cost, note="Chiffré par les services.")
        projects[key] = project
    services.set_stage(budget, Stage.REVIEW, by=agent)
    services.set_stage(budget, Stage.VOTING, by=agent)
    budget.refresh_from_db()
    return budget, projects
