"""Petitions and host names: a petition's pages live on its organisation's host (elsewhere they
redirect there, as the API answers 404 there), and the e-mails link to that host."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from wagtail.models import Site

from core.models import Component
from core.testing import give_site as site_for
from plugins.petitions import services, tasks
from plugins.petitions.models import PetitionSettings
from tests.conftest import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instance_address(settings, monkeypatch):
    settings.WAGTAILADMIN_BASE_URL = "https://parvis.example"
    monkeypatch.setattr(tasks, "_woken_at", float("-inf"))


@pytest.fixture
def association_petition(association, foreign_agent):
    space = make_space(association, "air-pur")
    box = Component.objects.create(phase=space.phases.get(), component_type="petitions.petition_box", title="Air")
    PetitionSettings.objects.create(component=box, sponsors_required=0)
    return services.create_petition(box, author=foreign_agent, title="Moins de pollution au port",
                                    text="Mesurer l'air.", on_behalf_of_organisation=True)


def _confirmation_link(petition, email: str) -> str:
    services.sign(petition, name="Léa", email=email)
    tasks.send_confirmations()
    message = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"https?://\S+/petitions/confirm/\S+/", message.body).group(0)


# --- E-mails -------------------------------------------------------------------------------------


def test_the_confirmation_mail_links_to_the_petition_organisation_host(open_petition, association_petition,
                                                                        commune, association):
    site_for(commune, "saint-aubin.example")
    site_for(association, "air.example", port=8443)
    assert _confirmation_link(association_petition, "lea@example.org").startswith(
        "https://air.example:8443/petitions/confirm/")
    assert _confirmation_link(open_petition, "leo@example.org").startswith(
        "https://saint-aubin.example/petitions/confirm/")


def test_without_a_site_of_its_own_the_mail_links_to_the_instance_address(open_petition, commune):
    assert commune.site is None
    assert _confirmation_link(open_petition, "lea@example.org").startswith("https://parvis.example/petitions/confirm/")
    # The default site is the instance address, whatever its (often untouched) host name.
    commune.site = Site.objects.get(is_default_site=True)
    commune.save()
    assert _confirmation_link(open_petition, "leo@example.org").startswith("https://parvis.example/petitions/confirm/")


def test_the_already_signed_notice_links_to_the_organisation_host(association_petition, association,
                                                                   django_capture_on_commit_callbacks):
    site_for(association, "air.example")
    request = services.sign(association_petition, name="Léa", email="lea@example.org")
    services.confirm_signature(request.token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(association_petition, name="Léa", email="lea@example.org")
    assert f"http://air.example/petitions/{association_petition.pk}/" not in mail.outbox[-1].body
    assert f"https://air.example/petitions/{association_petition.pk}/" in mail.outbox[-1].body


# --- Pages on the wrong host ---------------------------------------------------------------------


def test_a_petition_asked_for_on_another_organisation_host_redirects_to_its_own(
        client, association_petition, open_petition, commune, association):
    commune_host = {"HTTP_HOST": site_for(commune, "saint-aubin.example")}
    asso_host = {"HTTP_HOST": site_for(association, "air.example")}
    url = association_petition.get_absolute_url()

    response = client.get(f"{url}?from=poster", **commune_host)
    assert response.status_code == 302
    assert response["Location"] == f"https://air.example{url}?from=poster"
    assert client.get(f"{url}count.json", **commune_host)["Location"] == f"https://air.example{url}count.json"
    box = association_petition.component
    assert client.get(f"/petitions/c/{box.pk}/", **commune_host)["Location"] == f"https://air.example/petitions/c/{box.pk}/"
    # The API of the commune's host does not know it either.
    assert client.get(f"/api/v1/petitions/{association_petition.pk}", **commune_host).status_code == 404

    page = client.get(url, **asso_host)
    assert page.status_code == 200 and association_petition.title in page.content.decode()
    assert client.get(f"/api/v1/petitions/{association_petition.pk}", **asso_host).status_code == 200
    # The commune's own petition is still served on its host.
    assert client.get(open_petition.get_absolute_url(), **commune_host).status_code == 200


def test_a_form_posted_on_another_organisation_host_is_not_found(client, association_petition, commune, association):
    commune_host = site_for(commune, "saint-aubin.example")
    site_for(association, "air.example")
    response = client.post(f"/petitions/{association_petition.pk}/sign/",
                           {"name": "Léa", "email": "lea@example.org", "consent": "on"}, HTTP_HOST=commune_host)
    assert response.status_code == 404
    assert not association_petition.signatures.exists()


def test_a_petition_of_an_unpublished_space_is_not_found_on_any_host(client, association_petition, commune,
                                                                      association):
    # A redirect to its own host would tell whose it is.
    commune_host = site_for(commune, "saint-aubin.example")
    site_for(association, "air.example")
    space = association_petition.component.phase.space
    space.is_published = False
    space.save()
    assert client.get(association_petition.get_absolute_url(), HTTP_HOST=commune_host).status_code == 404
    assert client.get(association_petition.get_absolute_url(), HTTP_HOST="air.example").status_code == 404
