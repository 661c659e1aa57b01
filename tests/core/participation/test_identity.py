"""Person keys: the same person gets the same key whatever the way their identity is typed."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from core.participation.identity import (
    normalise_name,
    person_key_from_email,
    person_key_from_identity,
)


def test_email_key_ignores_case_spaces_and_unicode_forms():
    key = person_key_from_email("Camille.Martin@Example.org")
    assert key == person_key_from_email("  camille.martin@EXAMPLE.ORG ")
    assert key == person_key_from_email("ｃａｍｉｌｌｅ.martin@example.org")  # full-width: NFKC
    assert len(key) == 64 and int(key, 16) >= 0


def test_email_key_keeps_dots_and_plus_tags():
    # Only some providers ignore them: merging them would merge different people.
    key = person_key_from_email("camille.martin@example.org")
    assert person_key_from_email("camillemartin@example.org") != key
    assert person_key_from_email("camille.martin+mairie@example.org") != key


def test_email_key_refuses_something_else():
    with pytest.raises(ValueError):
        person_key_from_email("pas une adresse")


def test_identity_key_ignores_accents_case_hyphens_and_spaces():
    key = person_key_from_identity("Lefèvre", "Jean-Éric", date(1980, 2, 29))
    assert key == person_key_from_identity("  LEFEVRE ", "jean   eric", "1980-02-29")
    assert key == person_key_from_identity("lefevre", "Jean Éric", "1980-02-29")
    assert person_key_from_identity("Lefèvre", "Jean-Éric", date(1980, 3, 1)) != key
    assert person_key_from_identity("Lefèvre", "Jean-Éric", date(1980, 2, 29), "35000") != key


def test_identity_key_ligatures_and_postcode_spaces():
    assert normalise_name("Œuvray  d'Ærø") == "oeuvray d aero"
    assert person_key_from_identity("A", "B", "2000-01-01", "35 000") == person_key_from_identity(
        "a", "b", "2000-01-01", "35000"
    )


def test_identity_key_needs_names():
    with pytest.raises(ValueError):
        person_key_from_identity(" ", "Jean", "2000-01-01")


def test_email_and_identity_keys_never_collide_and_depend_on_the_secret():
    key = person_key_from_email("a@example.org")
    with override_settings(PARVIS_PARTICIPATION_SECRET="another secret"):
        assert person_key_from_email("a@example.org") != key
