from __future__ import annotations

import pytest

from core.contributions.services import register_contribution
from core.models import Role
from tests.conftest import make_user


@pytest.fixture
def author(db):
    return make_user("auteur@example.org", display_name="Alice Auteur")


@pytest.fixture
def other_citizen(db):
    return make_user("voisin@example.org", display_name="Bruno Voisin")


@pytest.fixture
def moderator(commune):
    return make_user("moderation@saint-aubin.example", organisation=commune, role=Role.MODERATOR)


@pytest.fixture
def agent(commune):
    return make_user("agent@saint-aubin.example", organisation=commune, role=Role.AGENT)


@pytest.fixture
def official(commune):
    return make_user("elue@saint-aubin.example", organisation=commune, role=Role.OFFICIAL)


@pytest.fixture
def foreign_admin(association):
    """An administrator of another organisation: no right over the commune's spaces."""
    return make_user("admin@collectif.example", organisation=association, role=Role.ADMIN)


@pytest.fixture
def suggestion(space, author):
    return register_contribution(
        plugin="suggestions", kind="suggestion", space=space, author=author,
        title="Des bancs sur la place", summary="Pour se reposer à l'ombre des tilleuls.",
    )
