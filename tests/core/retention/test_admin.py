"""The back-office snippet (instance administrators): same bounds as the front office."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from core.retention.models import PrivacySettings, RetentionDelay


def _data(commune, hours):
    return nested_form_data({
        "organisation": commune.pk, "publisher": "", "publication_director": "", "host": "",
        "privacy_contact": "", "additional_notices": "",
        "delays": inline_formset([{"rule": "petitions.ip_addresses", "hours": hours}]),
    })


def test_an_instance_administrator_sets_a_delay_within_bounds(client, superuser, commune):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_retention_privacysettings:add")
    response = client.post(url, _data(commune, 9999))
    assert response.status_code == 200
    assert "Choisissez une durée comprise entre 1 heure et 720 heures." in response.content.decode()
    assert not PrivacySettings.objects.exists()
    assert client.post(url, _data(commune, 24)).status_code == 302
    assert RetentionDelay.objects.get().hours == 24


def test_organisation_administrators_are_not_let_into_the_back_office(client, commune_admin, commune):
    client.force_login(commune_admin)
    response = client.post(reverse("wagtailsnippets_retention_privacysettings:add"), _data(commune, 24))
    assert response.status_code in {302, 403}
    assert not PrivacySettings.objects.exists()
