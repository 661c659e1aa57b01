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
    assert "<title>Participation citoyenne — Saint-Aubin</title>" in html
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


def test_error_pages_are_the_instance_s_own_in_french_and_english(client, commune, citizen):
    response = client.get("/pas-de-page-ici/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in html and "Page introuvable" in html and "Aller au contenu" in html
    english = client.get("/pas-de-page-ici/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Page not found" in english
    client.force_login(citizen)
    # Confirming one's identity by an e-mailed code is switched off: refused to everyone.
    response = client.get("/accounts/reauthenticate/code/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    from django.template.loader import render_to_string

    server_error = render_to_string("500.html")
    assert '<html lang="fr">' in server_error and "Erreur du serveur" in server_error


def test_pages_are_french_by_default_and_english_on_request(client, commune):
    french = client.get("/").content.decode()
    assert '<html lang="fr">' in french and "Aller au contenu" in french
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Skip to content" in english


def test_language_switch_works_without_javascript(client, commune):
    html = client.get("/").content.decode()
    assert 'href="/language/?language=en&amp;next=/"' in html
    response = client.get("/language/", {"language": "en", "next": "/o/saint-aubin/"})
    assert response.status_code == 302 and response["Location"] == "/o/saint-aubin/"
    assert "Skip to content" in client.get("/").content.decode()


def test_language_switch_refuses_open_redirects_and_unknown_languages(client, commune):
    for target in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        response = client.get("/language/", {"language": "fr", "next": target})
        assert response["Location"] == "/"
    client.get("/language/", {"language": "xx", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


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


def test_organisation_of_a_host_is_cached_when_configured(client, commune, settings):
    from wagtail.models import Page, Site

    commune.site = Site.objects.create(hostname="saint-aubin.example", port=80, root_page=Page.get_first_root_node())
    commune.save()
    settings.PARVIS_ORGANISATION_CACHE_SECONDS = 60
    with CaptureQueriesContext(connection) as cold:
        client.get("/", HTTP_HOST="saint-aubin.example")
    with CaptureQueriesContext(connection) as warm:
        client.get("/", HTTP_HOST="saint-aubin.example")
    assert len(warm.captured_queries) == len(cold.captured_queries) - 2
    assert "Saint-Aubin" in client.get("/", HTTP_HOST="saint-aubin.example").content.decode()
