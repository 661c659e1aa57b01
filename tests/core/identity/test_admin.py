"""Agents edit eligibility rules in the Wagtail admin."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from core.identity.models import EligibilityRule


def test_a_rule_is_created_in_the_admin(superuser, space):
    client = Client()
    client.force_login(superuser)
    url = reverse("wagtailsnippets_identity_eligibilityrule:add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"label": "habitants de 16 ans ou plus", "space": space.pk,
                                 "component": "", "residence_areas": "Saint-Aubin\n35190",
                                 "min_age": "16", "membership_organisation": "", "identity_level": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = EligibilityRule.objects.get()
    assert (rule.space, rule.min_age, rule.area_list) == (space, 16, ["Saint-Aubin", "35190"])
    listing = client.get(reverse("wagtailsnippets_identity_eligibilityrule:list"))
    assert "habitants de 16 ans ou plus" in listing.content.decode()


def test_a_rule_needs_exactly_one_target(superuser, space):
    client = Client()
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_identity_eligibilityrule:add"), {
        "label": "sans cible", "space": "", "component": "", "residence_areas": "", "min_age": "",
        "membership_organisation": "", "identity_level": "0"})
    assert response.status_code == 200
    assert "Choisissez un espace ou un composant" in response.content.decode()
    assert not EligibilityRule.objects.exists()
