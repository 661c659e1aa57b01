"""CSV import of paper sheets: a corpus of bad files gives row errors and imports nothing."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.participation import paper_import
from core.participation.identity import person_key_from_identity
from core.participation.models import LedgerEntry, ParticipationRecord, PendingLedgerEntry
from core.participation.registry import get_subject
from core.participation.services import participate

HEADER = "family_name;given_names;birth_date;sheet_reference;projects"
GOOD = [
    "Lefèvre;Jean-Éric;29/02/1980;F-001;park|trees",
    "Durand;Zoé;1992-07-14;F-002;library",
    "N'Diaye;Aïssatou;01/01/2001;F-003;park",
]


def csv_bytes(lines, encoding="utf-8", delimiter=";") -> bytes:
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    return text.encode(encoding)


def check(vote, data):
    return paper_import.check_file(get_subject(vote), data)


def errors(report):
    return [(e.line, e.column, e.message) for e in report.errors]


@pytest.mark.parametrize("data", [
    csv_bytes([HEADER, *GOOD]),
    codecs.BOM_UTF8 + csv_bytes([HEADER, *GOOD]),
    csv_bytes([HEADER, *GOOD], encoding="cp1252"),
    csv_bytes([HEADER, *GOOD], delimiter=","),
    csv_bytes(["Nom;Prénoms;Date de naissance;Référence de la feuille;Projets choisis", *GOOD]),
], ids=["utf8", "utf8-bom", "cp1252", "comma", "french-headers"])
def test_valid_files_in_every_accepted_form(vote, data):
    report = check(vote, data)
    assert report.ok, errors(report)
    assert [row.cleaned_data["family_name"] for row in report.rows] == ["Lefèvre", "Durand", "N'Diaye"]
    assert report.rows[0].person_key == person_key_from_identity("Lefevre", "Jean Eric", "1980-02-29")


def test_import_is_all_rows_in_one_go_with_who_and_which_sheet(vote, agent, probe):
    subject = get_subject(vote)
    report = paper_import.check_file(subject, csv_bytes([HEADER, *GOOD]))
    assert paper_import.import_rows(subject, report.rows, agent=agent) == 3
    records = ParticipationRecord.objects.order_by("sheet_reference")
    assert [(r.channel, r.entered_by, r.sheet_reference) for r in records] == [
        ("paper", agent, "F-001"), ("paper", agent, "F-002"), ("paper", agent, "F-003")]
    assert LedgerEntry.objects.count() == 3 and not PendingLedgerEntry.objects.exists()
    assert len(probe.paper_entries) == 3


CORPUS = {
    "formula cells": (
        [HEADER, "=HYPERLINK(\"http://evil\");Jean;29/02/1980;F-1;park",
         "Martin;+33 6;01/01/1990;F-2;park", "Petit;Anne;01/01/1990;-F-3;park",
         "Roux;@SUM(A1);01/01/1990;F-4;park", "Blanc;\tTab;01/01/1990;F-5;park", *GOOD],
        [(2, "family_name", "commence par « = »"), (3, "given_names", "commence par « + »"),
         (4, "sheet_reference", "commence par « - »"), (5, "given_names", "commence par « @ »"),
         (6, "given_names", "commence par « tab »")],
    ),
    "duplicates in the file": (
        [HEADER, *GOOD, "LEFEVRE;jean eric;1980-02-29;F-009;library"],
        [(5, "—", "Même personne qu'à la ligne 2.")],
    ),
    "wrong column count and bad values": (
        [HEADER, "Durand;Zoé;F-002;library", "Martin;Léa;31/02/1990;F-7;park",
         "Martin;Léa;01/02/1990;;park", "Martin;Paul;01/02/1990;F-8;swimming-pool", *GOOD[:1]],
        [(2, "—", "4 colonnes au lieu de 5."), (3, "birth_date", "Saisissez une date valide."),
         (4, "sheet_reference", "Champ requis."), (5, "projects", "Sélectionnez un choix valide.")],
    ),
    "unknown and missing columns": (
        ["family_name;given_names;telephone;sheet_reference;projects", *GOOD],
        [(1, "telephone", "Colonne inconnue."), (1, "birth_date", "Colonne obligatoire absente.")],
    ),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_files_give_row_errors_and_import_nothing(vote, agent, case):
    lines, expected = CORPUS[case]
    client = Client()
    client.force_login(agent)
    url = reverse("participation:paper_import", args=[vote])
    upload = SimpleUploadedFile("feuilles.csv", csv_bytes(lines), "text/csv")
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "Aucune ligne n'a été importée" in html
    report = check(vote, csv_bytes(lines))
    found = errors(report)
    for line, column, fragment in expected:
        assert any(n == line and c == column and fragment in m for n, c, m in found), (line, column, fragment, found)
    assert len(found) == len(expected), found
    assert not ParticipationRecord.objects.exists() and not LedgerEntry.objects.exists()


def test_people_who_already_took_part_online_are_reported_and_nothing_is_imported(vote, agent):
    participate(subject_key=vote, person_key=person_key_from_identity("Durand", "Zoé", "1992-07-14"),
                channel="web", choice=["park"])
    report = check(vote, csv_bytes([HEADER, *GOOD]))
    assert errors(report)[0][:2] == (3, "—")
    assert "Cette personne a déjà participé le" in errors(report)[0][2] and "(en ligne)" in errors(report)[0][2]
    client = Client()
    client.force_login(agent)
    client.post(reverse("participation:paper_import", args=[vote]),
                {"file": SimpleUploadedFile("f.csv", csv_bytes([HEADER, *GOOD]))})
    assert ParticipationRecord.objects.count() == 1


@pytest.mark.parametrize("data,message", [
    (b"", "Le fichier est vide."),
    (b"\r\n \r\n", "Le fichier est vide."),
    (csv_bytes([HEADER]), "aucune ligne après l'en-tête"),
    (HEADER.encode("utf-16"), "UTF-16"),
    (csv_bytes([HEADER]) + b"Dur\x81and;Zo\x8d;01/01/1990;F;park\r\n", "Encodage du fichier non reconnu"),
    (b"a" * (paper_import.MAX_BYTES + 1), "dépasse 5 Mo"),
], ids=["empty", "blank-lines", "header-only", "utf16", "not-cp1252", "too-big"])
def test_unreadable_files(vote, data, message):
    report = check(vote, data)
    assert not report.rows or not report.ok
    assert [e.line for e in report.errors] == [0]
    assert message in report.errors[0].message


def test_too_many_rows(vote, monkeypatch):
    monkeypatch.setattr(paper_import, "MAX_ROWS", 2)
    report = check(vote, csv_bytes([HEADER, *GOOD]))
    assert errors(report) == [(0, "—", "Le fichier compte plus de 2 lignes : découpez-le.")]


def test_a_race_during_the_import_rolls_everything_back(vote, agent):
    subject = get_subject(vote)
    report = paper_import.check_file(subject, csv_bytes([HEADER, *GOOD]))
    # Someone takes part online between the check and the import.
    participate(subject_key=vote, person_key=report.rows[2].person_key, channel="web", choice=["park"])
    with pytest.raises(paper_import.AlreadyParticipated):
        paper_import.import_rows(subject, report.rows, agent=agent)
    assert list(ParticipationRecord.objects.values_list("channel", flat=True)) == ["web"]
    assert PendingLedgerEntry.objects.count() + LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("data,message", [
    (b"", "Le fichier est vide."),
    (b"a" * (paper_import.MAX_BYTES + 10), "Le fichier dépasse 5 Mo : découpez-le."),
], ids=["empty", "too-big"])
def test_upload_of_an_empty_or_huge_file_explains_why(vote, agent, data, message):
    client = Client()
    client.force_login(agent)
    response = client.post(reverse("participation:paper_import", args=[vote]),
                           {"file": SimpleUploadedFile("f.csv", data, "text/csv")})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ParticipationRecord.objects.exists()
