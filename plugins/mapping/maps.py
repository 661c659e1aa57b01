"""The map service: what the ``"map"`` template slot draws for any page.

A page hands a :class:`~core.plugins.MapLayer` (a title and places) to the slot; this module
checks the places, groups them when there are too many to draw one by one (server-side
clustering: the browser of a cheap phone never receives thousands of markers), and renders the
map with its list of places, which is also what readers without JavaScript or a screen get.
"""

from __future__ import annotations

import math
from itertools import count

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from core.plugins import MapLayer, MapPlace, PostcodePlace

#: At most this many markers are drawn; beyond it, nearby places are grouped.
MAX_MARKERS = 200

_ids = count(1)


def valid(place: MapPlace) -> bool:
    """Whether a place has coordinates a map can draw (finite, in range)."""
    try:
        latitude, longitude = float(place.latitude), float(place.longitude)
    except (TypeError, ValueError):
        return False
    return math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180


def cluster(places: list[MapPlace], limit: int = MAX_MARKERS) -> list[MapPlace]:
    """The places, with nearby ones grouped into one marker each when there are more than
    ``limit``: the area they cover is cut into a grid of about ``limit`` cells; a cell holding
    several places becomes one place at their weighted centre, weighing their total, labelled
    with their number. The order of first appearance is kept."""
    if len(places) <= limit:
        return list(places)
    south, north = min(p.latitude for p in places), max(p.latitude for p in places)
    west, east = min(p.longitude for p in places), max(p.longitude for p in places)
    side = max(1, math.isqrt(limit))
    height = (north - south) / side or 1.0
    width = (east - west) / side or 1.0
    cells: dict[tuple[int, int], list[MapPlace]] = {}
    for place in places:
        key = (min(side - 1, int((place.latitude - south) / height)), min(side - 1, int((place.longitude - west) / width)))
        cells.setdefault(key, []).append(place)
    grouped = []
    for members in cells.values():
        if len(members) == 1:
            grouped.append(members[0])
            continue
        weight = sum(p.weight for p in members)
        share = weight or len(members)
        grouped.append(MapPlace(
            latitude=sum(p.latitude * (p.weight if weight else 1) for p in members) / share,
            longitude=sum(p.longitude * (p.weight if weight else 1) for p in members) / share,
            label=ngettext("%(count)d lieu proche", "%(count)d lieux proches", len(members)) % {"count": len(members)},
            detail=", ".join(p.label for p in members[:5]) + ("…" if len(members) > 5 else ""),
            weight=weight,
        ))
    return grouped


def placed(places: list[MapPlace | PostcodePlace]) -> list[MapPlace]:
    """The places, those known by postcode put where the table of postcode positions says (one
    query for all of them); a postcode it does not know is left out."""
    by_postcode = [p for p in places if isinstance(p, PostcodePlace)]
    if not by_postcode:
        return places
    from plugins.mapping.positions import normalise_postcode, positions_of

    known = positions_of(p.postcode for p in by_postcode)
    result = []
    for place in places:
        if isinstance(place, PostcodePlace):
            position = known.get(normalise_postcode(place.postcode))
            if position is None:
                continue
            place = MapPlace(position.latitude, position.longitude, place.label or f"{position.postcode} {position.name}",
                             place.url, place.detail, place.weight)
        result.append(place)
    return result


def render(layer: MapLayer) -> str:
    """The HTML of a map: a heading, the map (drawn by the browser when it runs scripts) and
    the list of its places. Empty when no place can be drawn."""
    places = [p for p in placed(layer.all_places()) if valid(p)]
    if not places:
        return ""
    places = [MapPlace(float(p.latitude), float(p.longitude), p.label, p.url, p.detail, p.weight) for p in places]
    markers = cluster(places)
    number = next(_ids)
    return render_to_string("mapping/map.html", {
        "layer": layer,
        "places": places,
        "map_id": f"parvis-map-{number}",
        "markers_id": f"parvis-map-{number}-markers",
        "markers": [
            {"lat": round(p.latitude, 6), "lon": round(p.longitude, 6), "label": p.label, "url": p.url,
             "detail": p.detail, "weight": p.weight}
            for p in markers
        ],
        "tile_url": settings.PARVIS_MAP_TILE_URL,
        "tile_attribution": settings.PARVIS_MAP_TILE_ATTRIBUTION,
    })
