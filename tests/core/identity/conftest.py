"""Fixtures of the identity tests: people in every role, census files, a clean cache."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from tests.conftest import make_user

CSV_HEADER = "nom;prénoms;date de naissance;secteur\n"
RESIDENTS_CSV = CSV_HEADER + (
    "Martin;Camille Anne;14/07/1990;Centre-bourg\n"
    "Durand;Louis;02/03/2012;Les Prés\n"
    "Lefèvre;Inès;21/11/1975;35190\n"
)


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters and cached provider documents live in the cache."""
    cache.clear()
    yield
    cache.clear()


def confirmed(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def person(db):
    return confirmed(make_user("personne@example.org"))


@pytest.fixture
def neighbour(db):
    return confirmed(make_user("voisin@example.org"))


@pytest.fixture
def census(commune, agent):
    from core.identity.services import import_census

    result = import_census(commune, RESIDENTS_CSV.encode(), uploaded_by=agent,
                           area_name="Saint-Aubin-des-Prés")
    assert result.census is not None, result.report.errors
    return result.census
