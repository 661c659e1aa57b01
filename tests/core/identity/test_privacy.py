"""Export, erase and retention of verification data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import time_machine
from django.utils import timezone

from core.identity.models import CensusEntry, CensusList, ConflictCase, OneTimeCode, Verification
from core.identity.services import (
    code_attributes,
    erase_personal_data,
    export_personal_data,
    issue_code,
    match_census,
    purge_expired,
    redeem_code,
)
from core.identity.tasks import purge_expired as purge_task


def test_export_lists_everything_kept_and_is_json(person, neighbour, commune, census, agent):
    match_census(person, commune, family_name="Martin", given_names="Camille",
                 birth_date=date(1990, 7, 14), ip="192.0.2.1")
    match_census(neighbour, commune, family_name="Martin", given_names="Camille",
                 birth_date=date(1990, 7, 14), ip="192.0.2.2")
    code, _row = issue_code("postal", commune, issued_by=agent, user=person,
                            attributes=code_attributes(areas=["35190"]))
    redeem_code(person, code, ip="192.0.2.1")
    data = export_personal_data(person)
    json.dumps(data)
    assert [v["method"] for v in data["verifications"]] == ["postal", "census"]
    census_export = data["verifications"][1]
    assert census_export["areas"] == ["Centre-bourg", "Saint-Aubin-des-Prés"]
    assert census_export["birth_date"] == "1990-07-14" and census_export["organisation"] == "Saint-Aubin"
    assert data["census_claims"][0]["area"] == "Centre-bourg"
    assert data["codes"][0]["kind"] == "postal" and data["codes"][0]["used_at"]
    assert export_personal_data(neighbour)["conflicts"][0]["method"] == "census"


def test_erase_forgets_verifications_claims_and_conflicts(person, neighbour, commune, census, agent):
    match_census(person, commune, family_name="Martin", given_names="Camille",
                 birth_date=date(1990, 7, 14), ip="192.0.2.1")
    match_census(neighbour, commune, family_name="Martin", given_names="Camille",
                 birth_date=date(1990, 7, 14), ip="192.0.2.2")
    issue_code("in_person", commune, issued_by=agent, user=person, attributes=code_attributes())
    erase_personal_data(person)
    assert not Verification.objects.filter(user=person).exists()
    assert not CensusEntry.objects.filter(claimed_by=person).exists()
    assert ConflictCase.objects.get().holder is None
    assert not OneTimeCode.objects.exists()
    assert export_personal_data(person) == {"verifications": [], "census_claims": [], "conflicts": [],
                                            "codes": []}
    erase_personal_data(neighbour)
    assert not ConflictCase.objects.exists()
    assert CensusEntry.objects.count() == 3  # the town's list itself stays until its purge


def test_purge_deletes_lists_past_their_date_and_old_codes_and_verifications(person, commune, census, agent, settings):
    settings.PARVIS_IDENTITY_EXPIRED_KEEP_DAYS = 30
    match_census(person, commune, family_name="Martin", given_names="Camille",
                 birth_date=date(1990, 7, 14), ip="192.0.2.1")
    issue_code("in_person", commune, issued_by=agent, attributes=code_attributes())
    assert purge_expired() == {"census_lists": 0, "census_entries": 0, "codes": 0, "verifications": 0}
    with time_machine.travel(census.purge_after + timedelta(seconds=1)):
        assert purge_task.delay().get() == {"census_lists": 1, "census_entries": 3, "codes": 1,
                                            "verifications": 0}
    assert not CensusList.objects.exists() and not CensusEntry.objects.exists()
    verification = Verification.objects.get()  # kept: it carries its own minimal copy
    with time_machine.travel(verification.expires_at + timedelta(days=31)):
        assert purge_expired()["verifications"] == 1
    assert purge_expired() == {"census_lists": 0, "census_entries": 0, "codes": 0, "verifications": 0}


def test_an_agent_may_shorten_but_not_extend_retention(commune, agent, settings):
    from core.identity.services import import_census
    from tests.core.identity.conftest import RESIDENTS_CSV

    settings.PARVIS_IDENTITY_CENSUS_RETENTION_DAYS = 100
    far = timezone.now() + timedelta(days=1000)
    census = import_census(commune, RESIDENTS_CSV.encode(), uploaded_by=agent, purge_after=far).census
    assert (census.purge_after - census.uploaded_at).days == 100
