"""A third-party plugin, installed as its own distribution, works end to end."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page, Site

from core.models import Component, PluginSetting
from core.plugin_host import registry


def test_third_party_plugin_is_discovered_from_its_own_distribution():
    plugin = registry.discovered["suggestions"]
    assert plugin.distribution == "parvis-sample-plugin"
    assert plugin.loaded
    assert plugin.info.version == "1.2.0"


def test_its_urls_are_mounted_under_its_slug(client, commune):
    assert reverse("suggestions:index") == "/suggestions/"
    response = client.get("/suggestions/")
    assert response.status_code == 200
    assert "Boîte à idées" in response.content.decode()


def test_it_fills_a_template_slot_and_the_navigation(client, commune):
    response = client.get(commune.get_absolute_url())
    html = response.content.decode()
    assert '<section class="sample-slot">' in html
    assert "Une idée pour Saint-Aubin ?" in html
    assert 'href="/suggestions/"' in html


def test_its_component_can_be_placed_in_a_phase(client, space):
    phase = space.phases.get()
    component = Component(phase=phase, component_type="suggestions.box", title="Vos idées")
    component.full_clean()
    component.save()
    assert component.get_absolute_url() == f"/suggestions/c/{component.pk}/"
    page = client.get(space.get_absolute_url()).content.decode()
    assert f'href="/suggestions/c/{component.pk}/"' in page
    assert "<h1>Vos idées</h1>" in client.get(component.get_absolute_url()).content.decode()


def _site_for(organisation, hostname: str) -> None:
    organisation.site = Site.objects.create(
        hostname=hostname, port=80, root_page=Page.get_first_root_node()
    )
    organisation.save()


def test_disabled_for_one_organisation_it_contributes_nothing_there(client, commune, association):
    _site_for(commune, "saint-aubin.example")
    _site_for(association, "collectif.example")
    PluginSetting.objects.create(organisation=association, plugin="suggestions", enabled=False)

    assert client.get("/suggestions/", HTTP_HOST="saint-aubin.example").status_code == 200
    assert client.get("/suggestions/", HTTP_HOST="collectif.example").status_code == 404

    commune_home = client.get("/", HTTP_HOST="saint-aubin.example").content.decode()
    association_home = client.get("/", HTTP_HOST="collectif.example").content.decode()
    assert "sample-slot" in commune_home and 'href="/suggestions/"' in commune_home
    assert "sample-slot" not in association_home
    assert 'href="/suggestions/"' not in association_home


def test_a_component_of_a_plugin_disabled_everywhere_is_refused(space, commune):
    PluginSetting.objects.create(organisation=commune, plugin="suggestions", enabled=False)
    component = Component(phase=space.phases.get(), component_type="suggestions.box", title="x")
    with pytest.raises(ValidationError) as excinfo:
        component.full_clean()
    assert "component_type" in excinfo.value.message_dict
