"""The notification pages pass the every-page gates (permissions, queries, hostile input).

The gates in tests/gates/ visit what the ``sample_pages`` hook declares; this runs the same
gates over the declarations of core/notifications/sample_pages.py directly.
"""

from __future__ import annotations

import pytest

from core.notifications.sample_pages import notification_pages
from tests.gates import harness

PAGES = notification_pages()


def test_every_notification_url_is_declared():
    routes = [r for r in harness.all_routes() if r.name and r.name.startswith("notifications:")]
    assert len(routes) == 6
    assert harness.undeclared_routes(routes, PAGES) == []
    assert harness.stale_declarations(harness.all_routes(), PAGES) == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_permissions_matrix(page):
    assert harness.permission_problems(page, harness.Fixtures()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if p.list_of], ids=lambda page: page.id)
def test_query_budget(page):
    assert harness.query_budget_problems(page, harness.Fixtures()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if p.form], ids=lambda page: page.id)
def test_hostile_input_and_redirects(page):
    fx = harness.Fixtures()
    assert harness.hostile_problems(page, fx) + harness.redirect_problems(page, fx) == []
