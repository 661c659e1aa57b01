"""Export and erasure of everything about one person, through every ``personal_data`` hook."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from core.account_data import user_fields
from core.models import ErasureRecord, User
from core.participation.models import ParticipationRecord
from core.privacy import claimed_models, erase_user, export_user_data, sections
from plugins.participatory_budget.models import Ballot, Project
from plugins.petitions.models import Petition, Signature
from tests.core.privacy.conftest import PERSON_EMAIL


def _references(user_pk: int) -> dict[str, int]:
    """Rows of any model that still point to the account ``user_pk``."""
    found = {}
    for model in apps.get_models():
        for field in user_fields(model):
            count = model._default_manager.filter(**{f"{field.attname}": user_pk}).count()
            if count:
                found[f"{model._meta.label}.{field.name}"] = count
    return found


def _rows_by_model(user) -> set[str]:
    return {
        model._meta.label for model in apps.get_models()
        if any(model._default_manager.filter(**{field.name: user}).exists() for field in user_fields(model))
    }


def test_the_fixture_covers_every_claimed_model(everything):
    claimed = claimed_models() - {get_user_model()._meta.label, "petitions.Signature"}
    assert claimed - _rows_by_model(everything) == set()
    assert Signature.objects.filter(email=PERSON_EMAIL).exists()


def test_export_has_a_non_empty_entry_for_every_claimed_model(everything):
    export = export_user_data(everything)
    json.dumps(export)  # JSON-ready
    assert set(export) == {"core", "petitions", "participatory_budget", "qa_elus"}
    for slug, section in sections():
        entry = export[slug][section.key]
        assert entry["models"] == list(section.models) and entry["description"]
    core, petitions = export["core"], export["petitions"]["petitions"]["data"]
    account = core["account"]["data"]
    assert account["account"]["email"] == PERSON_EMAIL and account["account"]["display_name"] == "Camille Martin"
    assert account["email_addresses"] == [{"email": PERSON_EMAIL, "verified": True, "primary": True}]
    assert account["memberships"][0]["role"] == "agent"
    contributions = core["contributions"]["data"]
    assert contributions["contributions"][0]["title"] == "Des bancs sur la place"
    assert contributions["status_changes"][0]["new_status"] == "answered"
    assert contributions["official_answers"][0]["body"] == "Nous les installerons."
    assert core["comments"]["data"]["comments"][0]["body"] == "<p>Oui !</p>"
    moderation = core["moderation"]["data"]
    assert moderation["reports"][0]["message"] == "Hors sujet"
    assert moderation["moderation_decisions"][0]["action"] == "hide"
    notifications = core["notifications"]["data"]
    assert notifications["follows"][0]["contribution"] == "Des bancs sur la place"
    assert notifications["notifications"][0]["title"] == "Nouveau statut"
    assert notifications["preferences"] is not None
    participation = core["participation"]["data"]
    assert participation["participations"][0]["channel"] == "paper"
    assert participation["records_handled_as_agent"] == {"entered_by": 1, "withdrawn_by": 1, "invalidated_by": 1}
    identity = core["identity"]["data"]
    assert identity["verifications"][0]["method"] == "email"
    assert identity["census_claims"] and identity["conflicts"] and identity["codes"]
    assert petitions["petitions"][0]["title"] == "Un éclairage économe"
    assert petitions["sponsorships"][0]["petition"] == "Un éclairage économe"
    assert petitions["signatures"][0]["name"] == "Camille Martin"
    budget = export["participatory_budget"]["participatory_budget"]["data"]
    assert budget["projects"][0]["title"] == "Un jardin partagé"
    assert budget["ballots"][0]["choice"] == [str(Project.objects.get().pk)]
    questions = export["qa_elus"]["qa_elus"]["data"]
    assert questions["questions"][0]["title"] == "Les horaires de la mairie"
    assert questions["answers_written"][0]["on_behalf_of"]
    assert questions["official_profiles"][0]["name"] == "Camille Martin"
    assert questions["delegations"][0]["official"]
    administration = core["administration"]["data"]
    # Every third-party model claimed by the core has the person's rows in the export.
    third_party = next(s for slug, s in sections() if s.key == "administration")
    assert set(administration) == set(third_party.models)


def test_erase_leaves_no_row_pointing_to_the_person(everything):
    pk = everything.pk
    assert _references(pk)
    record = erase_user(everything)
    assert _references(pk) == {}
    assert not User.objects.filter(pk=pk).exists()
    assert not Signature.objects.filter(email=PERSON_EMAIL).exists()
    # Public content stays without an author; the participation record stays, unlinked.
    assert Petition.objects.get().author is None
    assert Project.objects.get().author is None
    assert Ballot.objects.get().choice == [str(Project.objects.get().pk)]  # still counted
    assert not ParticipationRecord.objects.filter(user__isnull=False).exists()
    participation = ParticipationRecord.objects.get(subject_key="petitions:petition:999")
    assert participation.user is None and participation.entered_by is None
    assert participation.person_key == "a" * 64
    assert ErasureRecord.objects.get() == record
    assert set(record.plugin_slugs) == {"core", "petitions", "participatory_budget", "qa_elus"}
    assert PERSON_EMAIL not in json.dumps(record.plugin_slugs)


def test_every_section_erases_its_own_rows_before_the_account_goes(everything):
    # The account deletion would cascade; each section must not rely on it (except the
    # Django admin's log, left to the cascade on purpose: docs/privacy.md).
    ordered = sorted(sections(), key=lambda pair: pair[1].key == "account")  # as erase_user does
    for _slug, section in ordered:
        section.erase(everything)
    left = _references(everything.pk)
    assert left == {"admin.LogEntry.user": 1}
    assert not Signature.objects.filter(email=PERSON_EMAIL).exists()


def test_erase_is_all_or_nothing(everything, monkeypatch):
    from core.notifications import privacy as notifications

    def fail(user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(notifications, "erase", fail)
    before = _references(everything.pk)
    with pytest.raises(RuntimeError):
        erase_user(everything)
    assert _references(everything.pk) == before
    assert User.objects.filter(pk=everything.pk).exists()
    assert Signature.objects.filter(email=PERSON_EMAIL).exists()
    assert not ErasureRecord.objects.exists()
