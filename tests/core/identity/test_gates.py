"""The every-page gates run over the identity pages' declarations (core/identity/sample_pages.py):
permissions matrix, hostile input in every form field, query budgets."""

from __future__ import annotations

import pytest

from core.identity.sample_pages import identity_pages
from tests.gates import harness

PAGES = {page.id: page for page in identity_pages()}


def test_every_identity_url_is_declared():
    routes = [r for r in harness.all_routes() if r.name and r.name.startswith("identity:")]
    assert len(routes) == 11
    assert harness.undeclared_routes(routes, PAGES.values()) == []
    assert harness.stale_declarations(harness.all_routes(), PAGES.values()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_permissions_matrix(name):
    assert harness.permission_problems(PAGES[name], harness.Fixtures()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.form))
def test_hostile_input(name):
    assert harness.hostile_problems(PAGES[name], harness.Fixtures()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.list_of))
def test_query_budget(name):
    small, large = harness.query_counts(PAGES[name], harness.Fixtures(), small=10, large=300)
    assert small == large
