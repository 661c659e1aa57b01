from __future__ import annotations

import pytest

from core.models import Component
from plugins.qa_elus.models import Official, QaSettings
from tests.conftest import make_user


@pytest.fixture
def box(space) -> Component:
    QaSettings.objects.create(organisation=space.organisations.get(), questions_per_month=2, questions_per_year=3,
                              answer_days=15)
    return Component.objects.create(phase=space.phases.get(), component_type="qa_elus.questions",
                                    title="Questions aux élus")


@pytest.fixture
def mayor(commune, official) -> Official:
    return Official.objects.create(organisation=commune, user=official, name="Jeanne Maire", role="Maire",
                                   opted_in=True)


@pytest.fixture
def asker(db):
    return make_user("asker@example.org", display_name="Léa Martin")


@pytest.fixture
def federation_settings(settings):
    settings.PARVIS_FEDERATION_BASE_URL = "http://testserver"
    return settings
