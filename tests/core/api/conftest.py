from __future__ import annotations

import pytest

from core.models import Component
from plugins.petitions import services
from plugins.petitions.models import PetitionSettings


@pytest.fixture
def box(space) -> Component:
    component = Component.objects.create(
        phase=space.phases.get(), component_type="petitions.petition_box", title="Pétitions de Saint-Aubin"
    )
    PetitionSettings.objects.create(component=component, answer_threshold=3, debate_threshold=5)
    return component


@pytest.fixture
def open_petition(box, agent):
    return services.create_petition(
        box, author=agent, title="Un éclairage public économe la nuit", text="Éteindre entre 1 h et 5 h.",
        category="Environnement", territory="Centre-bourg", on_behalf_of_organisation=True,
    )
