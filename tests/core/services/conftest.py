from __future__ import annotations

import pytest

from core.contributions.services import register_contribution
from tests.conftest import make_user


@pytest.fixture
def author(db):
    return make_user("auteur@example.org", display_name="Alice Auteur")


@pytest.fixture
def other_citizen(db):
    return make_user("voisin@example.org", display_name="Bruno Voisin")


@pytest.fixture
def suggestion(space, author):
    return register_contribution(
        plugin="suggestions", kind="suggestion", space=space, author=author,
        title="Des bancs sur la place", summary="Pour se reposer à l'ombre des tilleuls.",
    )
