"""Census lists: all-or-nothing import, matching, one identity per account, conflicts."""

from __future__ import annotations

from datetime import date

from core.identity.models import CensusEntry, CensusList, ConflictCase, Verification
from core.identity.services import import_census, match_census, resolve_conflict
from tests.core.identity.conftest import CSV_HEADER, RESIDENTS_CSV

IP = "192.0.2.10"


def match(user, commune, family="Martin", given="Camille", born=date(1990, 7, 14), ip=IP):
    return match_census(user, commune, family_name=family, given_names=given, birth_date=born, ip=ip)


def test_import_stores_hashes_areas_and_birth_dates_never_names(census):
    entries = list(census.entries.order_by("pk"))
    assert [(e.area, e.birth_date) for e in entries] == [
        ("Centre-bourg", date(1990, 7, 14)), ("Les Prés", date(2012, 3, 2)), ("35190", date(1975, 11, 21))]
    assert census.row_count == 3 and census.area_name == "Saint-Aubin-des-Prés"
    stored = " ".join(f"{e.identity_hash} {e.area}" for e in entries)
    assert "Martin" not in stored and "Camille" not in stored
    assert census.purge_after > census.uploaded_at


def test_a_file_with_one_bad_row_stores_nothing(commune, agent, census):
    bad = RESIDENTS_CSV + "=cmd|' /C calc'!A0;X;01/01/2000;Centre\n"
    result = import_census(commune, bad.encode(), uploaded_by=agent)
    assert result.census is None
    assert result.report.errors == [(5, "Une cellule commence par « = » : les formules sont refusées.")]
    assert CensusList.objects.get() == census  # the previous list is still in place
    assert CensusEntry.objects.count() == 3


def test_matching_verifies_with_residence_and_age_only(person, commune, census):
    result = match(person, commune, family="MARTIN", given="camille")
    assert result.status == "verified" and result.ok
    verification = Verification.objects.get(user=person)
    assert verification.method == "census"
    assert set(verification.proves) == {"identity", "residence", "age"}
    assert verification.areas == ["Centre-bourg", "Saint-Aubin-des-Prés"]
    assert verification.birth_date == date(1990, 7, 14)
    assert verification.organisation == commune and verification.identity_level == 2
    assert verification.expires_at is not None
    assert CensusEntry.objects.get(claimed_by=person).area == "Centre-bourg"


def test_no_match_is_refused_clearly_and_nothing_is_verified(person, commune, census):
    result = match(person, commune, born=date(1990, 7, 15))
    assert result.status == "no_match"
    assert "Aucune personne de la liste ne correspond" in result.message
    assert not Verification.objects.exists()


def test_second_account_claiming_the_same_identity_is_refused_and_queued(person, neighbour, commune, census):
    assert match(person, commune).status == "verified"
    result = match(neighbour, commune)
    assert result.status == "conflict" and not result.ok
    assert "déjà rattachée à un autre compte" in result.message
    assert not Verification.objects.filter(user=neighbour).exists()
    case = ConflictCase.objects.get()
    assert (case.claimant, case.holder, case.organisation) == (neighbour, person, commune)
    # Trying again does not pile up cases.
    match(neighbour, commune, ip="192.0.2.11")
    assert ConflictCase.objects.count() == 1


def test_one_account_cannot_claim_two_people(person, commune, census):
    assert match(person, commune).ok
    result = match(person, commune, family="Lefèvre", given="Inès", born=date(1975, 11, 21))
    assert result.status == "other_identity"
    assert Verification.objects.filter(user=person).count() == 1


def test_matching_again_is_idempotent(person, commune, census):
    assert match(person, commune).status == "verified"
    assert match(person, commune).status == "already"
    assert Verification.objects.filter(user=person).count() == 1


def test_census_matching_is_rate_limited_per_account(person, commune, census, settings):
    settings.PARVIS_IDENTITY_MAX_FAILURES_PER_ACCOUNT = 3
    for day in range(1, 4):
        assert match(person, commune, born=date(1990, 1, day), ip=f"192.0.2.{day}").status == "no_match"
    # Even the right answer is refused now, from any address.
    assert match(person, commune, ip="198.51.100.7").status == "limited"
    assert not Verification.objects.exists()


def test_census_matching_is_rate_limited_per_ip(person, neighbour, commune, census, settings):
    settings.PARVIS_IDENTITY_MAX_FAILURES_PER_IP = 2
    match(person, commune, born=date(1990, 1, 1))
    match(neighbour, commune, born=date(1990, 1, 2))
    result = match(neighbour, commune, family="Lefèvre", given="Inès", born=date(1975, 11, 21))
    assert result.status == "limited" and "Trop d'essais" in result.message


def test_a_new_list_replaces_the_old_one_and_keeps_claims_and_open_conflicts(person, neighbour, commune, agent, census):
    match(person, commune)
    match(neighbour, commune)
    new = CSV_HEADER + "Martin;Camille;14/07/1990;Les Prés\nNouveau;Jean;01/01/1980;Centre-bourg\n"
    result = import_census(commune, new.encode(), uploaded_by=agent)
    assert result.census is not None
    assert list(CensusList.objects.all()) == [result.census]
    entry = CensusEntry.objects.get(claimed_by=person)
    assert entry.census == result.census and entry.area == "Les Prés"
    assert ConflictCase.objects.get().entry == entry
    assert match(neighbour, commune, ip="192.0.2.99").status == "conflict"


def test_members_list_proves_membership(person, association, agent):
    members = "nom;prénoms;date de naissance\nMartin;Camille;14/07/1990\n"
    assert import_census(association, members.encode(), uploaded_by=agent, kind="members").census
    assert match(person, association).ok
    verification = Verification.objects.get(user=person)
    assert set(verification.proves) == {"identity", "age", "membership"}
    assert verification.areas == [] and verification.organisation == association


def test_resolving_a_conflict_by_transfer_moves_the_verification(person, neighbour, commune, agent, census):
    match(person, commune)
    match(neighbour, commune)
    resolve_conflict(ConflictCase.objects.get(), "transfer", by=agent)
    assert not Verification.objects.active().filter(user=person).exists()
    assert Verification.objects.active().get(user=neighbour).areas == ["Centre-bourg", "Saint-Aubin-des-Prés"]
    assert CensusEntry.objects.get(claimed_by=neighbour).area == "Centre-bourg"
    case = ConflictCase.objects.get()
    assert (case.resolution, case.resolved_by) == ("transfer", agent) and case.resolved_at


def test_resolving_a_conflict_by_revoking_blocks_online_matching(person, neighbour, commune, agent, census):
    match(person, commune)
    match(neighbour, commune)
    resolve_conflict(ConflictCase.objects.get(), "revoke", by=agent)
    assert not Verification.objects.active().exists()
    result = match(person, commune, ip="192.0.2.50")
    assert result.status == "blocked" and "accueil" in result.message


def test_keep_resolution_leaves_the_first_account_verified(person, neighbour, commune, agent, census):
    match(person, commune)
    match(neighbour, commune)
    resolve_conflict(ConflictCase.objects.get(), "keep", by=agent)
    assert Verification.objects.active().get().user == person
