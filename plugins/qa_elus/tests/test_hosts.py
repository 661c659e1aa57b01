"""Questions and host names: an organisation's questions live on its host (elsewhere they
redirect there), not at all where the organisation turned the plugin off, and the e-mails link
to its host."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import PluginSetting
from core.testing import give_site as site_for
from plugins.qa_elus import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _instance_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://parvis.example"


def _question(box, asker, mayor, moderator):
    return services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                         text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)


def test_an_organisation_questions_on_another_host_redirect_to_its_own(client, box, mayor, asker, moderator,
                                                                       commune, association):
    question = _question(box, asker, mayor, moderator)
    site_for(commune, "saint-aubin.example")
    elsewhere = {"HTTP_HOST": site_for(association, "air.example")}
    for url in (question.get_absolute_url(), reverse("qa_elus:questions", args=[commune.slug]),
                reverse("qa_elus:component", args=[box.pk]), reverse("qa_elus:ranking", args=[commune.slug]),
                mayor.get_absolute_url()):
        response = client.get(url, **elsewhere)
        assert response.status_code == 302, url
        assert response["Location"] == f"https://saint-aubin.example{url}"
    home = client.get(question.get_absolute_url(), HTTP_HOST="saint-aubin.example")
    assert home.status_code == 200 and "Quand rouvre le stade ?" in home.content.decode()
    # Changes asked for on the wrong host are refused rather than redirected.
    client.force_login(asker)
    assert client.post(reverse("qa_elus:follow_up", args=[question.pk]), {"text": "Et alors ?"},
                       **elsewhere).status_code == 404


def test_the_pages_of_an_organisation_that_turned_the_plugin_off_are_not_found(client, box, mayor, asker,
                                                                               moderator, commune):
    question = _question(box, asker, mayor, moderator)
    assert client.get(question.get_absolute_url()).status_code == 200
    PluginSetting.objects.create(organisation=commune, plugin="qa_elus", enabled=False)
    for url in (question.get_absolute_url(), reverse("qa_elus:questions", args=[commune.slug]),
                reverse("qa_elus:component", args=[box.pk]), reverse("qa_elus:ranking", args=[commune.slug]),
                mayor.get_absolute_url()):
        assert client.get(url).status_code == 404, url


def test_the_e_mails_link_to_the_organisation_host(box, mayor, asker, moderator, official, commune,
                                                   django_capture_on_commit_callbacks):
    site_for(commune, "saint-aubin.example")
    with django_capture_on_commit_callbacks(execute=True):
        question = _question(box, asker, mayor, moderator)
    to_official = next(m for m in mail.outbox if official.email in m.to)
    assert f"https://saint-aubin.example{question.get_absolute_url()}" in to_official.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.ask(box, author=asker, official=mayor, title="Autre", text="Autre question",
                               display_name="Léa M.")
        services.reject(refused, by=moderator, reason=services.rejection_reasons(commune)[0])
    to_asker = next(m for m in mail.outbox if asker.email in m.to)
    assert f"https://saint-aubin.example{refused.get_absolute_url()}" in to_asker.body


def test_the_index_leaves_out_organisations_that_turned_the_plugin_off(client, mayor, commune):
    assert commune.name in client.get(reverse("qa_elus:index")).content.decode()
    PluginSetting.objects.create(organisation=commune, plugin="qa_elus", enabled=False)
    assert commune.name not in client.get(reverse("qa_elus:index")).content.decode()
