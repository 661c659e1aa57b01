"""The hook with a located dataset (GeoJSON), disabled plugins, the back-office settings."""

from __future__ import annotations

import json
import types

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import PluginSetting, Role
from core.opendata.models import OpenDataSettings
from core.opendata.registry import check_dataset
from core.plugin_host import get_manager
from core.plugins import OpenDataAggregate, OpenDataColumn, OpenDataSet, hookimpl
from core.testing import make_user
from tests.core.opendata.test_exports import body

PLUGIN = "opendata_samples"
POINTS = [
    {"name": "Fontaine du lavoir", "n": 12, "where": {"type": "Point", "coordinates": [2.3522, 48.8566]}},
    {"name": "Banc du port", "n": 3, "where": {"type": "Point", "coordinates": [-1.55, 47.22]}},
    {"name": "Hors du monde", "n": 15, "where": {"type": "Point", "coordinates": [48.85, 200.0]}},
]


@hookimpl
def open_data_sets():
    return [OpenDataSet(
        key="map-points", title="Points de la carte", description="Des points localisés.",
        columns=(OpenDataColumn("name", "string", "Nom"), OpenDataColumn("n", "integer", "Votes")),
        rows=lambda space: iter(POINTS), geometry="where",
        aggregate=OpenDataAggregate(counts=("n",)),
    )]


@pytest.fixture
def located(commune):
    module = types.ModuleType(PLUGIN)
    module.open_data_sets = open_data_sets
    manager = get_manager()
    manager.register(module, name=PLUGIN)
    commune._enabled_plugins = commune.enabled_plugins() | {PLUGIN}
    yield
    manager.unregister(module)


def test_a_located_dataset_is_valid_geojson_with_longitude_first(client, commune, space, located, monkeypatch):
    monkeypatch.setattr("core.opendata.views._organisation", lambda request, slug: _with(request, commune))
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": space.slug, "dataset": f"{PLUGIN}.map-points", "fmt": "geojson"})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection" and data["licence"]["id"] == "etalab-2.0"
    features = data["features"]
    assert [f["type"] for f in features] == ["Feature"] * 3
    # RFC 7946: [longitude, latitude]; an out-of-range position is published without geometry.
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [2.3522, 48.8566]}
    assert features[2]["geometry"] is None
    for feature in features:
        assert set(feature["properties"]) == {"name", "n", "suppressed"}  # not the raw geometry key
    # Three counts, one below k: it and the next smallest are hidden (no group: one total).
    assert [f["properties"]["n"] for f in features] == [None, None, 15]
    catalogue = client.get(reverse("opendata:catalogue_json", kwargs={"organisation": commune.slug})).json()
    located_entry = next(d for d in catalogue["dataset"] if d["key"] == f"{PLUGIN}.map-points")
    assert [d["format"] for d in located_entry["distribution"]] == ["csv", "json", "geojson"]


def _with(request, organisation):
    request.organisation = organisation
    return organisation


@pytest.mark.parametrize(("change", "message"), [
    ({"key": "Bad Key"}, "the key must match"),
    ({"columns": (OpenDataColumn("x", "money"),)}, "has type 'money'"),
    ({"scope": "component"}, "needs a component_type"),
    ({"aggregate": OpenDataAggregate(counts=("x",))}, "is not an integer column"),
    ({"columns": (OpenDataColumn("suppressed", "boolean"),)}, "not 'suppressed'"),
])
def test_wrong_declarations_are_refused_with_a_clear_message(change, message):
    fields = {"key": "ok", "title": "T", "description": "D", "columns": (OpenDataColumn("x", "string"),),
              "rows": lambda target: []}
    with pytest.raises(ValueError, match=message):
        check_dataset(OpenDataSet(**{**fields, **change}))


def test_a_disabled_plugin_publishes_nothing(client, commune, seeded):
    PluginSetting.objects.create(organisation=commune, plugin="petitions", enabled=False)
    catalogue = client.get(reverse("opendata:catalogue_json", kwargs={"organisation": commune.slug})).json()
    assert {d["key"] for d in catalogue["dataset"]} == {"phases", "contributions", "participation",
                                                         "qa_elus.questions", "qa_elus.answers", "qa_elus.statistics"}
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "dataset": "petitions.petitions", "fmt": "csv"})
    assert client.get(url).status_code == 404


def test_participation_counts_come_per_subject_and_channel(client, commune, seeded):
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "dataset": "participation", "fmt": "json"})
    rows = json.loads(body(client.get(url)))["rows"]
    mixed = seeded.petitions["mixed"]
    counts = {row["channel"]: row["participations"] for row in rows if row["subject"] == mixed.subject_key}
    assert counts == {"web": 56, "paper": 0, "assisted": 0, "partner": 0}
    assert {row["title"] for row in rows} >= {"Pétition mixed", "Pétition lonely"}


def _admin_client(client, user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return client


def test_an_organisation_admin_sets_the_licence_of_their_organisation_only(client, commune, association):
    admin = make_user("admin@saint-aubin.example", organisation=commune, role=Role.ADMIN)
    theirs = OpenDataSettings.objects.create(organisation=association)
    _admin_client(client, admin)
    listing = client.get(reverse("wagtailsnippets_opendata_opendatasettings:list"))
    assert listing.status_code == 200
    edit_theirs = reverse("wagtailsnippets_opendata_opendatasettings:edit", args=[theirs.pk])
    assert client.get(edit_theirs).status_code in {302, 403, 404}
    add = reverse("wagtailsnippets_opendata_opendatasettings:add")
    response = client.post(add, {"organisation": association.pk, "licence": "ODbL-1.0", "min_cell_size": 10})
    assert response.status_code == 200  # refused: not an organisation they administer
    response = client.post(add, {"organisation": commune.pk, "licence": "ODbL-1.0", "min_cell_size": 4})
    assert response.status_code == 200  # refused: below the floor
    response = client.post(add, {"organisation": commune.pk, "licence": "ODbL-1.0", "min_cell_size": 15})
    assert response.status_code == 302
    mine = OpenDataSettings.objects.get(organisation=commune)
    assert (mine.licence, mine.k) == ("ODbL-1.0", 15)


def test_people_without_an_administrator_role_cannot_open_the_settings(client, commune):
    agent = make_user("agent2@saint-aubin.example", organisation=commune, role=Role.AGENT)
    _admin_client(client, agent)
    response = client.get(reverse("wagtailsnippets_opendata_opendatasettings:list"))
    assert response.status_code in {302, 403}
