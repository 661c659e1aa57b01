"""The table of postcode positions: loading it (GeoNames dump or CSV), and maps of places known
only by postcode."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.plugins import MapLayer, MapPlace, PostcodePlace
from plugins.mapping.maps import placed, render
from plugins.mapping.models import PostcodePosition
from plugins.mapping.positions import PositionFileError, load_positions

pytestmark = pytest.mark.django_db

# The GeoNames postal code dump's layout: tab-separated, no header, 12 columns.
GEONAMES = [
    "FR\t35400\tSaint-Malo\tBretagne\t53\tIlle-et-Vilaine\t35\tSaint-Malo\t355\t48.6400\t-2.0100\t5",
    "FR\t35400\tSaint-Jouan-des-Guérets\tBretagne\t53\tIlle-et-Vilaine\t35\tSaint-Malo\t355\t48.6000\t-1.9700\t5",
    "FR\t35800\tDinard\tBretagne\t53\tIlle-et-Vilaine\t35\tSaint-Malo\t355\t48.6300\t-2.0600\t5",
    "FR\t35000\tRennes\tBretagne\t53\tIlle-et-Vilaine\t35\tRennes\t352\tnord\t-1.6800\t5",
    "FR\t35\ttrop court",
]


def test_a_geonames_dump_gives_one_position_per_postcode_at_the_centre_of_its_communes():
    report = load_positions(GEONAMES)
    assert (report.postcodes, report.lines) == (2, 3)
    assert report.errors == ["ligne 4 : latitude ou longitude illisible", "ligne 5 : colonnes manquantes"]
    saint_malo = PostcodePosition.objects.get(postcode="35400")
    assert saint_malo.name == "Saint-Malo, Saint-Jouan-des-Guérets"
    assert (saint_malo.latitude, saint_malo.longitude) == pytest.approx((48.62, -1.99))


def test_a_csv_file_with_a_header_and_semicolons_replaces_the_table():
    load_positions(GEONAMES)
    report = load_positions(["code_postal;nom_commune;latitude;longitude", "29200;Brest;48,39;-4,49", "", "29200;Brest;;"])
    assert report.postcodes == 1 and report.errors == ["ligne 4 : latitude ou longitude illisible"]
    assert list(PostcodePosition.objects.values_list("postcode", "name")) == [("29200", "Brest")]
    assert PostcodePosition.objects.get().latitude == pytest.approx(48.39)


@pytest.mark.parametrize("lines", [
    [],
    ["postcode,latitude,longitude", "35400,48.6,-2.0"],  # no name column
    ["postcode,name,latitude,longitude", "35400,Saint-Malo,148.6,-2.0"],  # off the globe
])
def test_a_file_without_a_readable_position_changes_nothing(lines):
    load_positions(GEONAMES)
    with pytest.raises(PositionFileError):
        load_positions(lines)
    assert PostcodePosition.objects.count() == 2


def test_the_command_loads_a_file_and_says_what_it_skipped(tmp_path, capsys):
    dump = tmp_path / "FR.txt"
    dump.write_text("\n".join(GEONAMES), encoding="utf-8")
    call_command("load_postcode_positions", str(dump))
    out, err = capsys.readouterr()
    assert "2 postcodes placed from 3 lines; 2 lines skipped." in out and "ligne 4" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("postcode,name,latitude,longitude\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Aucune position lisible"):
        call_command("load_postcode_positions", str(empty))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_postcode_positions", str(tmp_path / "missing.txt"))
    assert PostcodePosition.objects.count() == 2


def test_places_known_by_postcode_are_placed_in_one_query_and_unknown_ones_left_out():
    load_positions(GEONAMES)
    places = [PostcodePlace("35 400", weight=12, detail="12 signatures"), PostcodePlace("99999", weight=7),
              MapPlace(45.0, 5.0, "Grenoble"), PostcodePlace("35800", weight=3, label="Dinard (côte)")]
    with CaptureQueriesContext(connection) as queries:
        result = placed(places)
    assert len(queries) == 1
    assert [(p.label, p.weight, p.detail) for p in result] == [
        ("35400 Saint-Malo, Saint-Jouan-des-Guérets", 12, "12 signatures"), ("Grenoble", 1, ""), ("Dinard (côte)", 3, ""),
    ]
    assert result[0].latitude == pytest.approx(48.62)
    many = [PostcodePlace(f"{35000 + i}") for i in range(300)]
    with CaptureQueriesContext(connection) as queries:
        placed(many)
    assert len(queries) == 1
    html = render(MapLayer("Signatures", places))
    assert "Saint-Malo" in html and "99999" not in html
