"""Small-cell suppression: over every dataset of a seeded organisation, and the rule itself."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.opendata.models import MIN_CELL_SIZE_FLOOR, OpenDataSettings
from core.opendata.registry import datasets_for
from core.opendata.suppression import protect
from core.plugins import OpenDataAggregate
from tests.core.opendata.test_exports import body, every_export_url

AGGREGATE = OpenDataAggregate(counts=("n",), group_by=("g",))


def _rows(*groups: tuple[str, list[int]]):
    return [{"g": g, "label": f"{g}{i}", "n": n} for g, values in groups for i, n in enumerate(values)]


@pytest.mark.parametrize("k", [10, 12])
def test_no_aggregate_cell_below_k_is_visible_in_any_dataset(client, commune, seeded, k):
    OpenDataSettings.objects.create(organisation=commune, min_cell_size=k)
    datasets = datasets_for(commune)
    checked = 0
    for url in every_export_url(client, commune):
        if not url.endswith(".json"):
            continue
        data = json.loads(body(client.get(url)))
        aggregate = datasets[data["dataset"]].dataset.aggregate
        if aggregate is None:
            continue
        assert data["min_cell_size"] == k
        for row in data["rows"]:
            for count in aggregate.counts:
                assert row[count] is None or row[count] == 0 or row[count] >= k, row
                if row[count] is None:
                    assert row["suppressed"] is True
            checked += 1
    assert checked  # the seeded organisation has aggregate rows


def test_totals_cannot_reveal_a_hidden_cell(client, commune, seeded):
    url = reverse("opendata:component_export", kwargs={
        "organisation": commune.slug, "space": "centre-bourg", "component": seeded.box.pk,
        "dataset": "petitions.signatures-by-postcode", "fmt": "json"})
    rows = json.loads(body(client.get(url)))["rows"]
    for key, postcodes in seeded.postcodes.items():
        petition = seeded.petitions[key]
        mine = [row for row in rows if row["petition"] == petition.pk]
        total = sum(postcodes.values())  # public: the petition's number of online signatures
        hidden = [row for row in mine if row["suppressed"]]
        shown = sum(row["signatures"] for row in mine if not row["suppressed"])
        if hidden:
            assert len(hidden) >= 2 and total - shown >= 10, (key, mine)
    mixed = {row["postcode"]: row["signatures"] for row in rows if row["petition"] == seeded.petitions["mixed"].pk}
    # 3 and 1 are hidden, and 12 too: 56 - 40 = 16 hides which is which.
    assert mixed == {"75001": 40, "75002": None, "75003": None, "69001": None}
    # A single postcode below k would be given away by the total: the row is withheld.
    assert not [row for row in rows if row["petition"] == seeded.petitions["lonely"].pk]
    large = {row["postcode"]: row["signatures"] for row in rows if row["petition"] == seeded.petitions["large"].pk}
    assert large == {"44000": 25, "44100": 15}
    # No total row is added.
    assert all(row["postcode"] for row in rows)


def test_primary_then_secondary_suppression():
    out = list(protect(_rows(("a", [50, 12, 3, 1])), AGGREGATE, 10))
    assert [row["n"] for row in out] == [50, None, None, None]
    assert [row["suppressed"] for row in out] == [False, True, True, True]


def test_a_single_small_cell_takes_a_second_one_with_it():
    out = list(protect(_rows(("a", [30, 20, 4])), AGGREGATE, 10))
    assert [row["n"] for row in out] == [30, None, None]


def test_groups_that_cannot_be_protected_withhold_their_small_rows():
    out = list(protect(_rows(("a", [4]), ("b", [3, 2]), ("c", [0, 11])), AGGREGATE, 10))
    assert [(row["g"], row["n"]) for row in out] == [("c", 0), ("c", 11)]


def test_groups_are_protected_independently_and_zeros_are_published():
    out = list(protect(_rows(("a", [10, 0]), ("b", [7, 8, 9])), AGGREGATE, 10))
    assert [(row["g"], row["n"], row["suppressed"]) for row in out] == [
        ("a", 10, False), ("a", 0, False), ("b", None, True), ("b", None, True), ("b", None, True)]


def test_the_minimum_cell_size_never_goes_below_the_floor(commune):
    settings = OpenDataSettings(organisation=commune, min_cell_size=MIN_CELL_SIZE_FLOOR - 2)
    with pytest.raises(ValidationError):
        settings.full_clean()
    assert settings.k == MIN_CELL_SIZE_FLOOR
    with pytest.raises(IntegrityError), transaction.atomic():
        settings.save()
