"""Gate: the permissions matrix, URL x role x method, derived from the declarations.

Each declared page is requested with GET and POST (its valid form data, when it has a form)
as every role of ``core.plugins.ROLES``; each cell must answer the status the declaration
expects. A page without a form must answer a POST like its GET, or 405.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from core.models import Membership, Role
from core.plugins import ROLES, SamplePage, statuses
from core.urls import urlpatterns as site_urlpatterns
from tests.gates import harness


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params())
def test_permissions_matrix(page, gate_report):
    fx = harness.Fixtures()
    cells = harness.permission_matrix(page, fx)
    gate_report("permissions", [cell.__dict__ | {"ok": cell.ok} for cell in cells])
    assert len(cells) == 2 * len(ROLES)
    wrong = [f"{c.method} {c.url} as {c.role}: expected {c.expected}, got {c.got}"
             for c in cells if not c.ok]
    assert not wrong, f"{page.id}:\n" + "\n".join(wrong)


# --- Seeded violations: a view that leaks to the wrong role must fail the matrix ----------------


def _moderators_only(request):
    """Meant for moderators and administrators of the organisation; checks only sign-in."""
    if not request.user.is_authenticated:
        return HttpResponse(status=302, headers={"Location": "/accounts/login/"})
    return HttpResponse("Liste des signalements")


def _moderators_only_fixed(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=302, headers={"Location": "/accounts/login/"})
    held = set(Membership.objects.filter(user=request.user).values_list("organisation__slug", "role"))
    if not held & {("saint-aubin", Role.MODERATOR), ("saint-aubin", Role.ADMIN)}:
        raise PermissionDenied
    return HttpResponse("Liste des signalements")


urlpatterns = [
    path("signalements/", _moderators_only, name="seeded_leak"),
    path("signalements-ok/", _moderators_only_fixed, name="seeded_ok"),
    # The site's own URLs, which its pages (the 403 page among them) link to.
    *site_urlpatterns,
]

MODERATORS = statuses(403, anonymous=302, moderator=200, admin=200)


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.test_permissions")
def test_seeded_view_leaking_to_the_wrong_role_fails_the_matrix():
    leak = SamplePage(name="seeded_leak", url=lambda fx: "/signalements/", get=MODERATORS)
    problems = harness.permission_problems(leak, harness.Fixtures())
    assert sorted(p.split(" as ")[1].split(":")[0] for p in problems if p.startswith("GET")) == [
        "agent", "foreign_admin", "official", "other_participant", "participant",
    ]
    assert any("foreign_admin: expected 403, got 200" in p for p in problems)
    # A POST that a page without a form answers unlike its GET is caught too.
    assert any(p.startswith("POST") and "as participant" in p for p in problems)


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.test_permissions")
def test_the_same_view_checking_roles_passes_the_matrix():
    fixed = SamplePage(name="seeded_ok", url=lambda fx: "/signalements-ok/", get=MODERATORS)
    assert harness.permission_problems(fixed, harness.Fixtures()) == []
