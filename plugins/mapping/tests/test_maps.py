"""The map service: checking places, grouping them server-side, drawing the ``"map"`` slot."""

from __future__ import annotations

import math

from django.template import Context, Template
from django.test import RequestFactory

from core.plugins import MapLayer, MapPlace
from plugins.mapping.maps import MAX_MARKERS, cluster, render, valid
from plugins.mapping.testing import map_markers


def test_places_outside_the_globe_or_not_numbers_are_left_out():
    assert valid(MapPlace(45.19, 5.72, "Grenoble"))
    assert valid(MapPlace(-90, 180, "Bord"))
    for latitude, longitude in ((91, 0), (0, -180.5), (math.nan, 0), (0, math.inf), ("nord", 2), (None, 1)):
        assert not valid(MapPlace(latitude, longitude, "x")), (latitude, longitude)


def test_few_places_are_drawn_one_by_one():
    places = [MapPlace(45 + i / 100, 5, f"Lieu {i}") for i in range(MAX_MARKERS)]
    assert cluster(places) == places


def test_many_places_are_grouped_by_neighbourhood_keeping_their_weight():
    # 40 x 40 places on a regular grid plus a far-away one: at most MAX_MARKERS markers, every
    # signature counted once, the lonely place left alone with its own label and link.
    places = [MapPlace(45 + i / 1000, 5 + j / 1000, f"P{i}-{j}", weight=2) for i in range(40) for j in range(40)]
    places.append(MapPlace(46, 6, "Isolé", url="/isole/", weight=7))
    markers = cluster(places)
    assert len(markers) <= MAX_MARKERS
    assert sum(m.weight for m in markers) == 2 * 1600 + 7
    assert MapPlace(46, 6, "Isolé", url="/isole/", weight=7) in markers
    grouped = [m for m in markers if m.label != "Isolé"]
    assert all(m.label.endswith("lieux proches") and not m.url for m in grouped)
    assert all(45 <= m.latitude <= 45.04 and 5 <= m.longitude <= 5.04 for m in grouped)


def test_a_map_lists_its_places_and_hands_the_markers_to_the_script(settings):
    settings.PARVIS_MAP_TILE_URL = ""  # the default
    layer = MapLayer("Les projets", (
        MapPlace(45.188529, 5.724524, "Un jardin <b>partagé</b>", url="/projets/1/", detail="28 000 €"),
        MapPlace(200, 5, "Hors du globe"),
    ))
    html = render(layer)
    assert "<h2" in html and "Les projets" in html
    # The list is the map for readers without scripts or screens; labels are escaped.
    assert '<a href="/projets/1/">Un jardin &lt;b&gt;partagé&lt;/b&gt;</a> — 28 000 €' in html
    assert "Hors du globe" not in html
    assert map_markers(html) == [{"lat": 45.188529, "lon": 5.724524, "label": "Un jardin <b>partagé</b>",
                               "url": "/projets/1/", "detail": "28 000 €", "weight": 1}]
    assert "<b>" not in html  # escaped in the list and in the markers' JSON alike
    assert 'class="parvis-map" hidden' in html  # shown by the script, never empty without it
    assert "data-tiles" not in html  # no tile server configured: no request to a third party


def test_tiles_come_from_the_operator_setting(settings):
    settings.PARVIS_MAP_TILE_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    settings.PARVIS_MAP_TILE_ATTRIBUTION = "© contributeurs OpenStreetMap"
    html = render(MapLayer("Carte", (MapPlace(45, 5, "Ici"),)))
    assert 'data-tiles="https://tuiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© contributeurs OpenStreetMap"' in html


def test_nothing_is_drawn_without_a_place_and_places_given_as_a_function_are_asked_once():
    assert render(MapLayer("Vide", ())) == ""
    calls = []

    def places():
        calls.append(1)
        return [MapPlace(45, 5, "Ici")]

    assert "Ici" in render(MapLayer("Carte", places))
    assert calls == [1]


def test_the_map_slot_draws_the_layer_of_the_page(db):
    request = RequestFactory().get("/")
    request.organisation = None
    template = Template('{% load parvis %}{% slot "map" %}')
    drawn = template.render(Context({"request": request, "map": MapLayer("Carte", (MapPlace(45, 5, "Ici"),))}))
    assert "parvis-map" in drawn and "Ici" in drawn
    assert template.render(Context({"request": request})).strip() == ""
