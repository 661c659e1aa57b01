"""Gate: every URL pattern of the core, of the account pages and of every plugin is declared.

The other gates only visit what is declared, so a page nobody declared would escape all of
them: this gate fails instead, naming the pattern and where to declare it.
"""

from __future__ import annotations

import pytest
from django.urls import path

from core.plugins import ROLES, FormSample, SamplePage, statuses
from tests.gates import harness


def test_every_url_pattern_is_declared():
    problems = harness.undeclared_routes(harness.all_routes(), harness.pages())
    assert not problems, "URL patterns without a sample_pages declaration:\n" + "\n".join(problems)


def test_every_declaration_names_an_existing_url_pattern():
    problems = harness.stale_declarations(harness.all_routes(), harness.pages())
    assert not problems, "\n".join(problems)


def test_the_core_the_accounts_and_every_loaded_plugin_declare_pages():
    from core.plugin_host import loaded_plugins

    by_slug = {}
    for slug, page in harness.declared_pages():
        by_slug.setdefault(slug, []).append(page.name)
    assert {"core:home", "core:space", "account_login", "account_signup"} <= set(by_slug["core"])
    assert "suggestions:index" in by_slug["suggestions"]
    routes = harness.all_routes()
    for plugin in loaded_plugins():
        has_urls = any(r.name and r.name.startswith(f"{plugin.slug}:") for r in routes)
        if has_urls:
            assert plugin.slug in by_slug, f"plugin {plugin.slug} has URLs but declares no pages"


def test_the_exclusions_are_only_wagtail_and_non_pages():
    routes = harness.all_routes()
    reasons = {harness.excluded(route) for route in routes} - {None}
    assert reasons <= {reason for _regex, reason in harness.EXCLUDED}
    kept = [route.route for route in routes if not harness.excluded(route)]
    assert "accounts/login/" in kept and "" in kept and "i18n/setlang/" in kept
    assert not any(route.startswith("admin/") for route in kept)


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params())
def test_each_declared_url_resolves_to_its_pattern(page):
    fx = harness.Fixtures()
    fx.prepare(page)
    url = page.url(fx)
    assert harness.resolves_to(url, page.name), f"{page.id}: {url} is not a URL of {page.name}"
    assert set(page.get) <= set(ROLES)
    if page.form is not None:
        assert page.form.role in ROLES
        assert page.form.submit, f"{page.id}: the form needs the text of its submit button"
        assert set(page.form.typed_fields(fx)) <= set(page.form.data(fx)), (
            f"{page.id}: typed fields must be keys of the valid data"
        )


# --- Seeded violations: the gate must fail -------------------------------------------------------


def _undeclared_view(request):  # pragma: no cover - never requested
    raise AssertionError


def test_seeded_undeclared_url_fails_the_gate():
    routes = list(harness.walk([path("nouvelle-page/", _undeclared_view, name="nouvelle_page")]))
    problems = harness.undeclared_routes(routes, harness.pages())
    assert problems == [
        "nouvelle_page (/nouvelle-page/, tests.gates.test_declarations._undeclared_view) is not "
        "declared by any sample_pages hook"
    ]


def test_seeded_unnamed_url_fails_the_gate():
    routes = list(harness.walk([path("sans-nom/", _undeclared_view)]))
    problems = harness.undeclared_routes(routes, harness.pages())
    assert len(problems) == 1 and "has no name" in problems[0]


def test_seeded_stale_declaration_fails_the_gate():
    ghost = SamplePage(name="core:disparue", url=lambda fx: "/disparue/")
    assert harness.stale_declarations(harness.all_routes(), [ghost]) == [
        "core:disparue is declared but no URL pattern has that name"
    ]


def test_unknown_roles_are_refused_when_declaring():
    with pytest.raises(ValueError, match="unknown roles"):
        statuses(200, citizen=403)
    with pytest.raises(ValueError, match="unknown roles"):
        SamplePage(name="core:home", url=lambda fx: "/", get={"visitor": 200})
    page = SamplePage(name="core:home", url=lambda fx: "/", post=statuses(302, anonymous=403),
                      form=FormSample(data=lambda fx: {"q": "x"}, submit="Envoyer"))
    assert page.expected("GET", "admin") == 200 and page.expected("POST", "anonymous") == 403
    assert page.auditor() == "anonymous"
