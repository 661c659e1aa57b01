"""The legal pages of an organisation and its administrators' settings page."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from core.models import PluginSetting
from core.retention.models import PrivacySettings, RetentionDelay
from core.retention.sample_pages import _settings_data
from tests.conftest import make_user

ROLES = ("anonymous", "participant", "moderator", "agent", "official", "foreign_admin", "admin")


@pytest.fixture
def people(commune, citizen, moderator, agent, official, foreign_admin, commune_admin):
    return {"anonymous": None, "participant": citizen, "moderator": moderator, "agent": agent,
            "official": official, "foreign_admin": foreign_admin, "admin": commune_admin}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class Fixtures:
    def __init__(self, organisation):
        self.organisation = organisation


def _data(commune, **changes):
    data = _settings_data(Fixtures(commune))
    data.update(changes)
    return data


def _settings_url(commune):
    return reverse("retention:settings", args=[commune.slug])


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organisations_administrators_edit_the_settings(people, commune, role):
    client = _client(people[role])
    url = _settings_url(commune)
    expected_get = {"anonymous": 302, "admin": 200}.get(role, 403)
    assert client.get(url).status_code == expected_get
    response = client.post(url, _data(commune, publication_director="Quelqu'un"))
    assert response.status_code == (302 if role in ("anonymous", "admin") else 403)
    saved = PrivacySettings.objects.filter(organisation=commune, publication_director="Quelqu'un").exists()
    assert saved == (role == "admin")
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_a_superuser_edits_the_settings_too(commune, superuser):
    response = _client(superuser).post(_settings_url(commune), _data(commune, publisher="Mairie"))
    assert response.status_code == 302
    assert PrivacySettings.objects.get(organisation=commune).publisher == "Mairie"


def test_the_settings_form_needs_the_csrf_token(commune, commune_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commune_admin)
    response = client.post(_settings_url(commune), _data(commune))
    assert response.status_code == 403
    assert not PrivacySettings.objects.exists()


def test_delays_are_saved_and_shown_in_the_privacy_notice(commune, commune_admin):
    client = _client(commune_admin)
    response = client.post(_settings_url(commune), _data(
        commune, delay_petitions__ip_addresses="12", delay_petitions__signer_identities="120"))
    assert response.status_code == 302
    stored = dict(RetentionDelay.objects.filter(settings__organisation=commune).values_list("rule", "hours"))
    # Only what differs from the defaults is stored.
    assert stored == {"petitions.ip_addresses": 12, "petitions.signer_identities": 120 * 24}
    page = Client().get(reverse("retention:privacy_notice", args=[commune.slug])).content.decode()
    assert "12 heures" in page and "120 jours" in page and "60 jours" in page  # the core's default
    form_page = client.get(_settings_url(commune)).content.decode()
    assert 'value="12"' in form_page


@pytest.mark.parametrize(("value", "message"), [
    ("0", "Choisissez une durée comprise entre 1 heure et 720 heures."),
    ("721", "Choisissez une durée comprise entre 1 heure et 720 heures."),
    ("douze", "Indiquez un nombre entier."),
    ("", "Indiquez une durée."),
])
def test_a_delay_out_of_bounds_is_refused_clearly(commune, commune_admin, value, message):
    response = _client(commune_admin).post(_settings_url(commune),
                                           _data(commune, delay_petitions__ip_addresses=value))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PrivacySettings.objects.exists()


def test_a_too_long_legal_text_is_refused_not_truncated(commune, commune_admin):
    response = _client(commune_admin).post(_settings_url(commune), _data(commune, publisher="x" * 1001))
    assert response.status_code == 200
    assert "1000" in response.content.decode()
    assert not PrivacySettings.objects.exists()


def test_the_privacy_notice_is_generated_from_the_plugins_in_use(commune):
    from core.privacy import sections

    url = reverse("retention:privacy_notice", args=[commune.slug])
    page = Client().get(url).content.decode()
    petitions = next(s for slug, s in sections() if slug == "petitions")
    participation = next(s for slug, s in sections() if s.key == "participation")
    assert str(petitions.description).replace("'", "&#x27;") in page
    assert str(participation.description).replace("'", "&#x27;") in page
    assert "Signatures non confirmées" in page and "7 jours" in page and "48 heures" in page
    assert reverse("core:my_data") in page and reverse("core:delete_account") in page
    assert "Saint-Aubin" in page

    PluginSetting.objects.create(organisation=commune, plugin="petitions", enabled=False)
    page = Client().get(url).content.decode()
    assert "Signatures non confirmées" not in page
    assert str(petitions.description).replace("'", "&#x27;") not in page


def test_the_notice_names_the_privacy_contact(commune, commune_admin):
    _client(commune_admin).post(_settings_url(commune), _data(commune, privacy_contact="dpo@saint-aubin.example"))
    page = Client().get(reverse("retention:privacy_notice", args=[commune.slug])).content.decode()
    assert "dpo@saint-aubin.example" in page


def test_the_register_downloads_are_for_agents_and_administrators(people, commune):
    for name in ("retention:register_csv", "retention:register_json"):
        url = reverse(name, args=[commune.slug])
        for role in ROLES:
            expected = {"anonymous": 302, "agent": 200, "admin": 200}.get(role, 403)
            assert _client(people[role]).get(url).status_code == expected, (name, role)


def test_the_register_as_csv_and_json(commune, agent):
    client = _client(agent)
    data = json.loads(client.get(reverse("retention:register_json", args=[commune.slug])).content)
    assert data["controller"]["name"] == "Saint-Aubin"
    by_slug = {p["slug"]: p for p in data["processings"]}
    assert {"core", "petitions"} <= set(by_slug)
    assert {r["rule"]: r["delay"] for r in by_slug["petitions"]["retention"]}["petitions.ip_addresses"] == "48 heures"
    assert data["security_measures"]
    response = client.get(reverse("retention:register_csv", args=[commune.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="registre-traitements-saint-aubin.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert {row["processing"] for row in rows} >= {"Pétitions", "Comptes, contributions et émargements"}
    assert all(row["controller"] == "Saint-Aubin" for row in rows)


def test_a_formula_in_the_settings_is_neutralised_in_the_csv(commune, commune_admin, agent):
    _client(commune_admin).post(_settings_url(commune), _data(commune, privacy_contact="=HYPERLINK(\"x\")"))
    text = _client(agent).get(reverse("retention:register_csv", args=[commune.slug])).content.decode()
    assert ";'=HYPERLINK" in text.replace('"', "")


def test_the_public_register_page_offers_downloads_to_agents_only(commune, citizen, agent):
    url = reverse("retention:register", args=[commune.slug])
    download = reverse("retention:register_csv", args=[commune.slug])
    assert download not in _client(citizen).get(url).content.decode()
    page = _client(agent).get(url).content.decode()
    assert download in page and "Mesures de sécurité" in page


def test_legal_notices_have_defaults_then_what_the_administrators_wrote(commune, commune_admin):
    url = reverse("retention:legal_notice", args=[commune.slug])
    page = Client().get(url).content.decode()
    assert "Le maire ou le président de Saint-Aubin." in page
    _client(commune_admin).post(_settings_url(commune), _data(
        commune, publisher="Mairie de Saint-Aubin\n1 place <b>de la Mairie</b>",
        publication_director="Mme Durand, maire"))
    page = Client().get(url).content.decode()
    assert "Mairie de Saint-Aubin<br>1 place &lt;b&gt;de la Mairie&lt;/b&gt;" in page
    assert "Mme Durand, maire" in page


def test_the_footer_links_to_the_legal_pages(commune):
    page = Client().get(reverse("core:accessibility", args=[commune.slug])).content.decode()
    for name in ("retention:privacy_notice", "retention:legal_notice", "retention:register"):
        assert reverse(name, args=[commune.slug]) in page


def test_an_unknown_organisation_is_a_404(db):
    for name in ("retention:privacy_notice", "retention:legal_notice", "retention:register"):
        assert Client().get(reverse(name, args=["nulle-part"])).status_code == 404


def test_the_pages_speak_english_too(commune):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(reverse("retention:privacy_notice", args=[commune.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_settings_from_another_organisation_do_not_leak(commune, association, foreign_admin):
    make_user("x@example.org")
    _client(foreign_admin).post(reverse("retention:settings", args=[association.slug]),
                                _data(association, delay_petitions__ip_addresses="5"))
    page = Client().get(reverse("retention:privacy_notice", args=[commune.slug])).content.decode()
    assert "48 heures" in page and "5 heures" not in page
    assert RetentionDelay.objects.get().settings.organisation == association
    assert timedelta(hours=5) == RetentionDelay.objects.get().delay
