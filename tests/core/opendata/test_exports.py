"""The exports: licence and caching headers, formats, errors, confidentiality, query counts."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.opendata.models import OpenDataSettings
from core.spreadsheet import neutralise_cell
from plugins.petitions.models import Signature
from tests.core.opendata.conftest import (
    FOREIGN_TITLE,
    FORMULA_TITLE,
    HIDDEN_TITLE,
    SECRET_DOMAIN,
    SECRET_IP,
    SECRET_NAME,
    SECRET_PERSON_KEY,
    add_signatures,
    open_petition,
)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def every_export_url(client, organisation) -> list[str]:
    catalogue = client.get(reverse("opendata:catalogue_json", kwargs={"organisation": organisation.slug})).json()
    return [d["downloadURL"] for dataset in catalogue["dataset"] for d in dataset["distribution"]]


def test_the_catalogue_lists_every_dataset_of_every_public_space(client, commune, seeded):
    catalogue = client.get(reverse("opendata:catalogue_json", kwargs={"organisation": commune.slug})).json()
    keys = {(d["space"]["slug"], d["key"]) for d in catalogue["dataset"]}
    assert keys == {("centre-bourg", key) for key in
                    ("phases", "contributions", "participation", "petitions.petitions",
                     "petitions.signatures-by-postcode", "qa_elus.questions", "qa_elus.answers",
                     "qa_elus.statistics")}
    assert catalogue["license"]["id"] == "etalab-2.0"
    postcode = next(d for d in catalogue["dataset"] if d["key"] == "petitions.signatures-by-postcode")
    assert postcode["component"]["id"] == seeded.box.pk
    assert postcode["suppression"] == {"min_cell_size": 10, "counts": ["signatures"]}
    assert postcode["distribution"][0]["downloadURL"].endswith(
        f"/open-data/saint-aubin/centre-bourg/{seeded.box.pk}/petitions.signatures-by-postcode.csv")
    assert postcode["modified"] is None or postcode["modified"].startswith("20")
    page = client.get(reverse("opendata:catalogue", kwargs={"organisation": commune.slug})).content.decode()
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in page
    assert "/open-data/saint-aubin/centre-bourg/petitions.petitions.csv" in page
    assert HIDDEN_TITLE not in page and "espace-associatif" not in page


def test_the_licence_chosen_by_the_organisation_is_in_every_export(client, commune, seeded):
    OpenDataSettings.objects.create(organisation=commune, licence="ODbL-1.0", min_cell_size=12)
    for url in every_export_url(client, commune):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'rel="license"' in response["Link"] and "opendatacommons.org/licenses/odbl" in response["Link"]
        assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
        if not url.endswith(".csv"):
            assert json.loads(body(response))["licence"]["id"] == "ODbL-1.0"
    page = client.get(reverse("opendata:catalogue", kwargs={"organisation": commune.slug})).content.decode()
    assert "Open Database License (ODbL) 1.0" in page and "moins de 12 personnes" in page


def test_no_direct_identifier_appears_in_any_export(client, commune, seeded, agent):
    Signature.objects.filter(petition=seeded.petitions["mixed"]).update(show_name=True)
    texts = [body(client.get(url)) for url in every_export_url(client, commune)]
    assert len(texts) == 16  # 8 datasets, CSV and JSON
    everything = "\n".join(texts)
    for secret in (SECRET_NAME, SECRET_DOMAIN, SECRET_IP, SECRET_PERSON_KEY, agent.email, "@example.org",
                   "saint-aubin.example"):
        assert secret not in everything
    for text in texts:
        header = text.splitlines()[0].lower()
        for word in ("email", "name", "user", "author", "account", "person", "ip_address"):
            assert word not in header.split(","), header


def test_other_organisations_and_unpublished_spaces_never_appear(client, commune, association, seeded):
    everything = "\n".join(body(client.get(url)) for url in every_export_url(client, commune))
    assert FOREIGN_TITLE not in everything and HIDDEN_TITLE not in everything and "99999" not in everything
    for space in ("espace-associatif", "brouillon"):
        url = reverse("opendata:space_export", kwargs={
            "organisation": commune.slug, "space": space, "dataset": "petitions.petitions", "fmt": "json"})
        response = client.get(url)
        assert response.status_code == 404
        assert "n'est pas public pour cette organisation" in html.unescape(response.content.decode())
    # The foreign organisation's own catalogue has its space, and nothing of Saint-Aubin.
    theirs = "\n".join(body(client.get(url)) for url in every_export_url(client, association))
    assert FOREIGN_TITLE in theirs and "Pétition mixed" not in theirs


def test_a_component_of_another_space_is_not_found(client, commune, association, seeded):
    foreign_box = association.spaces.get().phases.get().components.get()
    url = reverse("opendata:component_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "component": foreign_box.pk,
        "dataset": "petitions.signatures-by-postcode", "fmt": "csv"})
    response = client.get(url)
    assert response.status_code == 404
    assert "Ce composant n'existe pas dans cet espace." in html.unescape(response.content.decode())


@pytest.mark.parametrize(("dataset", "fmt", "message"), [
    ("nothing", "csv", "Aucun jeu de données ne porte cet identifiant"),
    ("petitions.petitions", "xlsx", "Format inconnu"),
    ("petitions.petitions", "geojson", "n'est pas localisé"),
    ("petitions.signatures-by-postcode", "csv", "n'est pas publié à cette adresse"),
])
def test_unknown_dataset_or_format_is_a_404_with_a_message(client, commune, seeded, dataset, fmt, message):
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "dataset": dataset, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 404
    assert message in html.unescape(response.content.decode())


def test_an_unknown_organisation_is_a_404_with_a_message(client, db):
    response = client.get(reverse("opendata:catalogue", kwargs={"organisation": "nulle-part"}))
    assert response.status_code == 404
    assert "Aucune organisation ne porte cet identifiant." in html.unescape(response.content.decode())


def test_formula_cells_are_neutralised_in_csv(client, commune, seeded):
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "dataset": "petitions.petitions", "fmt": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(client.get(url)))))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    # Numbers and JSON keep their values: only CSV text cells are defused.
    assert {row["signatures_web"] for row in rows} >= {"0"}
    data = json.loads(body(client.get(url.replace(".csv", ".json"))))
    assert FORMULA_TITLE in {row["title"] for row in data["rows"]}


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_the_shared_function_defuses_every_formula_start(value):
    assert neutralise_cell(value) == "'" + value
    assert neutralise_cell("Place de la Mairie") == "Place de la Mairie"


def test_csv_is_utf8_with_an_optional_byte_order_mark(client, commune, seeded):
    url = reverse("opendata:space_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "dataset": "phases", "fmt": "csv"})
    plain, marked = client.get(url), client.get(url + "?bom=1")
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
    assert body(plain).startswith("space,space_title,")
    assert body(marked).startswith("\ufeffspace,space_title,")


def _queries(client, url) -> int:
    cache.clear()  # measure the work, not a page the cache middleware kept for visitors
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        body(response)  # the export is streamed: its queries run while it is read
    return len(ctx.captured_queries)


def test_query_counts_do_not_depend_on_the_amount_of_data(client, commune, seeded, agent):
    urls = [reverse("opendata:catalogue", kwargs={"organisation": commune.slug}),
            reverse("opendata:catalogue_json", kwargs={"organisation": commune.slug}),
            *every_export_url(client, commune)]
    before = {url: _queries(client, url) for url in urls}
    for i in range(30):
        petition = open_petition(seeded.box, agent, f"Pétition supplémentaire {i}")
        add_signatures(petition, {"75001": 11, f"750{i:02d}": 2})
    after = {url: _queries(client, url) for url in urls}
    assert after == before
