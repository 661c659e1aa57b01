"""The participation pages' declarations for the every-page gates hold (permissions, queries)."""

from __future__ import annotations

import pytest

from core.participation.sample_pages import participation_pages
from tests.gates import harness

PAGES = {page.name: page for page in participation_pages()}


def test_every_participation_url_is_declared():
    routes = [r for r in harness.all_routes() if r.name and r.name.startswith("participation:")]
    assert len(routes) == 7
    assert harness.undeclared_routes(routes, PAGES.values()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_permissions_matrix_of_each_page(name):
    fx = harness.Fixtures()
    assert harness.permission_problems(PAGES[name], fx) == []


@pytest.mark.django_db
def test_ledger_page_query_budget_holds_at_1000_entries():
    fx = harness.Fixtures()
    assert harness.query_budget_problems(PAGES["participation:ledger"], fx) == []
