"""Public pages: homes, spaces, languages, query counts independent of size."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Organisation, Phase, Space
from tests.conftest import make_space


def test_instance_home_lists_organisations_and_their_open_spaces(client, commune, association):
    make_space(commune, "ouvert")
    make_space(commune, "brouillon", published=False)
    make_space(association, "termine", ends_in_days=-2)
    html = client.get("/").content.decode()
    assert "Saint-Aubin" in html and "Collectif Air" in html
    assert "Espace ouvert" in html
    assert "Espace brouillon" not in html
    assert "Espace termine" not in html


def test_organisation_home_lists_only_its_spaces(client, commune, association):
    make_space(commune, "a-nous")
    make_space(association, "a-eux")
    html = client.get(commune.get_absolute_url()).content.decode()
    assert "<title>Saint-Aubin — Saint-Aubin</title>" in html
    assert "Espace a-nous" in html and "Espace a-eux" not in html


def test_space_page_shows_phases_with_the_current_one_marked(client, space):
    Phase.objects.create(space=space, title="Vote", starts_at=timezone.now() + timedelta(days=40))
    html = client.get(space.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in html
    assert html.count('aria-current="step"') == 1
    assert "Vote" in html


def test_unpublished_space_is_not_found(client, commune):
    space = make_space(commune, "cache", published=False)
    assert client.get(space.get_absolute_url()).status_code == 404


def test_pages_are_french_by_default_and_english_on_request(client, commune):
    french = client.get("/").content.decode()
    assert '<html lang="fr">' in french and "Aller au contenu" in french
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Skip to content" in english


def test_language_switch_works_without_javascript(client, commune):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Skip to content" in client.get("/").content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_home_query_count_does_not_grow_with_spaces(client, commune, association):
    for i in range(3):
        make_space(commune, f"petit-{i}")
    small_instance = _queries(client, "/")
    small_org = _queries(client, commune.get_absolute_url())
    for i in range(40):
        make_space(commune if i % 2 else association, f"grand-{i}")
    Organisation.objects.create(name="Troisième", slug="troisieme")
    assert _queries(client, "/") == small_instance
    assert _queries(client, commune.get_absolute_url()) == small_org


def test_space_page_query_count_does_not_grow_with_phases(client, space):
    few = _queries(client, space.get_absolute_url())
    now = timezone.now()
    for i in range(30):
        Phase.objects.create(space=space, title=f"Phase {i}", starts_at=now + timedelta(days=60 + i))
    assert Space.objects.get(pk=space.pk).phases.count() == 31
    assert _queries(client, space.get_absolute_url()) == few
