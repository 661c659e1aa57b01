"""Census files: encodings, delimiters, columns, and every kind of bad row is reported."""

from __future__ import annotations

from datetime import date

import pytest

from core.identity.census_file import parse_census
from core.identity.normalise import identity_hash

GOOD = "nom;prénoms;date de naissance;secteur\nMartin;Camille;14/07/1990;Centre\nLefèvre;Inès;1975-11-21;35190\n"


def test_utf8_semicolon_file_is_read_and_names_are_hashed():
    report = parse_census(GOOD.encode())
    assert report.ok
    assert [(r.line, r.birth_date, r.area) for r in report.rows] == [
        (2, date(1990, 7, 14), "Centre"), (3, date(1975, 11, 21), "35190")]
    assert report.rows[0].identity_hash == identity_hash("MARTIN", "camille", date(1990, 7, 14))
    assert "Martin" not in repr(report.rows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_1252_files_read_the_same(encoding):
    report = parse_census(GOOD.encode(encoding))
    assert report.ok
    assert report.rows[1].identity_hash == identity_hash("Lefevre", "Ines", date(1975, 11, 21))


def test_comma_delimited_file_with_english_headers_and_extra_columns():
    text = "family_name,given_names,birth_date,postcode,adresse\nMartin,Camille,14/07/1990,35190,3 rue X\n"
    report = parse_census(text.encode())
    assert report.ok
    assert report.rows[0].area == "35190"
    assert report.ignored_columns == ["adresse"]


def test_wrong_columns_are_refused_with_the_expected_ones():
    report = parse_census(b"name;surname;dob\nMartin;Camille;14/07/1990\n")
    assert not report.ok and not report.rows
    line, message = report.errors[0]
    assert line == 1
    assert "Colonnes attendues" in message and "date de naissance" in message


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+33", "-2+3", "@SUM(A1)"])
def test_formula_cells_are_refused(cell):
    text = f"nom;prénoms;date de naissance;secteur\n{cell};Camille;14/07/1990;Centre\n"
    report = parse_census(text.encode())
    assert not report.ok
    assert report.errors[0][0] == 2 and "formules" in report.errors[0][1]


def test_duplicates_and_bad_dates_are_reported_per_line_and_nothing_is_kept():
    text = GOOD + "MARTIN;camille;14/07/1990;Centre\nDupont;Léa;31/02/2001;Centre\nDurand;;01/01/2000;Centre\n"
    report = parse_census(text.encode())
    assert not report.ok
    assert [line for line, _m in report.errors] == [4, 5, 6]
    assert "Doublon de la ligne 2" in report.errors[0][1]
    assert "illisible" in report.errors[1][1]
    assert "obligatoires" in report.errors[2][1]


def test_binary_empty_and_undecodable_files_are_refused():
    assert "CSV" in parse_census(b"\x00\x01\x02PK\x03\x04").errors[0][1]
    assert "vide" in parse_census(b"").errors[0][1]
    assert "CSV" in parse_census("nom;prénoms\n".encode("utf-16")).errors[0][1]


def test_huge_files_and_too_many_rows_are_refused(settings):
    settings.PARVIS_IDENTITY_CENSUS_MAX_BYTES = 1024
    report = parse_census(GOOD.encode() + b"x" * 2000)
    assert "trop volumineux" in report.errors[0][1] and not report.rows
    settings.PARVIS_IDENTITY_CENSUS_MAX_BYTES = 10**6
    settings.PARVIS_IDENTITY_CENSUS_MAX_ROWS = 1
    report = parse_census(GOOD.encode())
    assert not report.ok and "Trop de lignes" in report.errors[0][1]


def test_residents_list_needs_an_area_but_a_members_list_does_not():
    text = "nom;prénoms;date de naissance\nMartin;Camille;14/07/1990\n"
    assert not parse_census(text.encode()).ok
    assert parse_census(text.encode(), area_required=False).ok


def test_many_errors_are_capped_in_the_report():
    text = "nom;prénoms;date de naissance;secteur\n" + "X;Y;pas une date;Centre\n" * 80
    report = parse_census(text.encode())
    assert len(report.errors) == 50 and report.more_errors == 30
