"""Host names of organisations: absolute addresses on an organisation's own host, and its pages
served only there (another organisation's host redirects; the instance's host serves the
organisations without a site of their own)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Site

from core.hosts import absolute_url, origin_of
from core.notifications.models import Notification
from core.notifications.services import follow, notify_followers
from core.testing import give_site as site_for
from tests.conftest import make_space, make_user

pytestmark = pytest.mark.django_db

SITE_NAME = '<p class="site-name"><a href="/">{}</a></p>'


@pytest.fixture(autouse=True)
def _instance_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://parvis.example/"


# --- Absolute addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(("port", "origin"), [(80, "https://air.example"), (443, "https://air.example"),
                                              (8000, "https://air.example:8000")])
def test_an_organisation_with_its_own_site_gets_its_host_and_port(association, port, origin):
    site_for(association, "air.example", port)
    space = make_space(association, "air-pur")
    assert origin_of(association) == origin_of(space) == origin
    assert absolute_url("/spaces/air-pur/", space) == f"{origin}/spaces/air-pur/"


def test_without_a_site_of_its_own_or_with_the_default_site_it_is_the_instance_address(commune):
    assert absolute_url("/o/saint-aubin/", commune) == "https://parvis.example/o/saint-aubin/"
    commune.site = Site.objects.get(is_default_site=True)  # Wagtail's "localhost", often left as is
    commune.save()
    assert absolute_url("/o/saint-aubin/", commune) == "https://parvis.example/o/saint-aubin/"
    assert absolute_url("/compte/donnees/") == "https://parvis.example/compte/donnees/"
    assert absolute_url("https://ailleurs.example/x", commune) == "https://ailleurs.example/x"


def test_a_shared_space_lives_on_the_host_of_its_first_organisation_with_a_site(commune, association):
    site_for(association, "air.example")
    space = make_space(commune, "intercommunal")
    space.organisations.add(association)
    space.save()
    assert absolute_url("/spaces/intercommunal/", space) == "https://air.example/spaces/intercommunal/"


def test_notifications_link_to_the_host_of_the_space_in_the_inbox_and_the_mail(
        commune, association, django_capture_on_commit_callbacks):
    site_for(association, "air.example")
    follower = make_user("suit@example.org")
    association_space, commune_space = make_space(association, "air-pur"), make_space(commune, "centre-bourg")
    for space in (association_space, commune_space):
        follow(follower, space)
        with django_capture_on_commit_callbacks(execute=True):
            notify_followers(space, "core.space_message", title=f"Nouvelles de {space.slug}",
                             url=space.get_absolute_url())
    urls = list(Notification.objects.order_by("pk").values_list("url", flat=True))
    # The commune has no site of its own: the link stays a path, on the instance's address.
    assert urls == ["https://air.example/spaces/air-pur/", "/spaces/centre-bourg/"]
    assert "https://air.example/spaces/air-pur/" in mail.outbox[0].body
    assert "https://parvis.example/spaces/centre-bourg/" in mail.outbox[1].body


def test_the_open_data_catalogue_gives_addresses_on_the_organisation_host(client, association):
    host = site_for(association, "air.example")
    catalogue = client.get(reverse("opendata:catalogue_json", kwargs={"organisation": association.slug}),
                           HTTP_HOST=host).json()
    assert catalogue["homepage"] == "https://air.example/open-data/collectif-air/"


# --- Pages on the right host ---------------------------------------------------------------------


def test_a_space_and_an_organisation_page_redirect_to_their_organisation_host(client, commune, association):
    commune_host = {"HTTP_HOST": site_for(commune, "saint-aubin.example")}
    asso_host = {"HTTP_HOST": site_for(association, "air.example")}
    make_space(association, "air-pur")
    make_space(commune, "centre-bourg")
    for path in ("/spaces/air-pur/?tab=2", "/o/collectif-air/", "/o/collectif-air/accessibilite/",
                 "/contributions/spaces/air-pur/activity/", "/moderation/o/collectif-air/charter/"):
        response = client.get(path, **commune_host)
        assert (response.status_code, response["Location"]) == (302, f"https://air.example{path}")
    page = client.get("/spaces/air-pur/", **asso_host)
    assert page.status_code == 200 and SITE_NAME.format("Collectif Air") in page.content.decode()
    assert client.get("/spaces/centre-bourg/", **commune_host).status_code == 200
    # The API agrees: not found on the commune's host, found on the association's.
    assert client.get("/api/v1/spaces/air-pur", **commune_host).status_code == 404
    assert client.get("/api/v1/spaces/air-pur", **asso_host).status_code == 200


def test_the_instance_host_lists_everyone_and_serves_the_organisations_without_a_site(client, commune, association):
    site_for(association, "air.example")
    make_space(association, "air-pur")
    make_space(commune, "centre-bourg")
    home = client.get("/").content.decode()  # "testserver": the default site, no organisation's
    assert "Saint-Aubin" in home and "Collectif Air" in home
    assert client.get("/spaces/centre-bourg/").status_code == 200
    response = client.get("/spaces/air-pur/")
    assert (response.status_code, response["Location"]) == (302, "https://air.example/spaces/air-pur/")


def test_on_a_default_site_owned_by_one_organisation_another_without_a_site_keeps_its_branding(
        client, commune, association):
    commune.site = Site.objects.get(is_default_site=True)
    commune.save()
    make_space(association, "air-pur")
    page = client.get("/spaces/air-pur/")
    assert page.status_code == 200
    assert SITE_NAME.format("Collectif Air") in page.content.decode()
    assert SITE_NAME.format("Saint-Aubin") in client.get("/").content.decode()


def test_another_organisation_host_sends_pages_of_an_organisation_without_a_site_to_the_instance(
        client, commune, association):
    commune_host = site_for(commune, "saint-aubin.example")
    make_space(association, "air-pur")
    response = client.get("/spaces/air-pur/", HTTP_HOST=commune_host)
    assert (response.status_code, response["Location"]) == (302, "https://parvis.example/spaces/air-pur/")
