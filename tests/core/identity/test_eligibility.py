"""check_eligibility: rules per space and component, accounts or plain attributes, clear French
messages and how to get verified."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from core.identity.models import EligibilityRule
from core.identity.services import (
    check_eligibility,
    record_verification,
    verify_in_person,
)
from core.models import Component
from core.plugins import Attributes, Eligibility

TODAY = timezone.localdate()


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


@pytest.fixture
def rule(space):
    return EligibilityRule.objects.create(space=space, label="résident de Saint-Aubin, 16 ans ou plus",
                                          residence_areas="Saint-Aubin-des-Prés\n35190", min_age=16)


@pytest.fixture
def component(space):
    phase = space.phases.get()
    return Component.objects.create(phase=phase, component_type="suggestions.box", title="Vote")


def test_a_space_without_rules_is_open_to_everyone(space, citizen):
    result = check_eligibility(citizen, space)
    assert result == Eligibility(ok=True, message="Cette participation est ouverte à toutes et à tous.")
    assert result


def test_an_unverified_person_is_told_what_is_missing_and_how_to_verify(space, rule, person, census):
    with override("fr"):
        result = check_eligibility(person, space)
    assert not result.ok
    assert [(m.proof, m.proven) for m in result.missing] == [("residence", False), ("age", False)]
    assert result.message == (
        "Vous ne pouvez pas participer pour l'instant : votre lieu de résidence n'est pas encore "
        "vérifié (il faut résider à : Saint-Aubin-des-Prés, 35190) ; votre âge n'est pas encore "
        "vérifié (il faut avoir 16 ans ou plus). Vous pouvez faire vérifier ce qui manque : voir "
        "les moyens proposés ci-dessous.")
    labels = dict(result.how_to_verify)
    assert labels["Liste des habitants ou des adhérents"] == "/identity/census/?organisation=saint-aubin"
    assert labels["Vérification au guichet"] == "/identity/code/"
    # A postal letter proves residence, not age: still offered, since residence is missing.
    assert "Code reçu par courrier" in labels
    assert "Adresse électronique confirmée" not in labels


def test_a_verified_resident_of_the_right_age_is_eligible(space, rule, person, commune):
    verify_in_person(None, commune, person, areas=["saint aubin des pres"], birth_date=years_ago(16))
    result = check_eligibility(person, space)
    assert result.ok and result.message == "Vous remplissez les conditions pour participer."


def test_too_young_by_one_day_and_the_date_of_judgement(space, rule, person, commune):
    verify_in_person(None, commune, person, areas=["35190"], birth_date=years_ago(16, days=-1))
    result = check_eligibility(person, space)
    assert not result.ok
    assert [(m.proof, m.proven) for m in result.missing] == [("age", True)]
    assert "il faut avoir 16 ans ou plus" in result.message
    assert "adressez-vous à la mairie" in result.message and result.how_to_verify == []
    assert check_eligibility(person, space, at=timezone.now() + timedelta(days=2)).ok


def test_resident_elsewhere_is_refused_with_the_accepted_places(space, rule, person, commune):
    verify_in_person(None, commune, person, areas=["Rennes", "35000"], birth_date=years_ago(40))
    result = check_eligibility(person, space)
    assert [(m.proof, m.proven) for m in result.missing] == [("residence", True)]
    assert "réservée aux personnes qui résident à : Saint-Aubin-des-Prés, 35190" in result.message


def test_expired_or_revoked_verifications_do_not_count(space, rule, person, commune):
    verification = verify_in_person(None, commune, person, areas=["35190"], birth_date=years_ago(30))
    assert check_eligibility(person, space).ok
    assert not check_eligibility(person, space, at=verification.expires_at + timedelta(seconds=1)).ok
    verification.revoked_at = timezone.now()
    verification.save()
    assert not check_eligibility(person, space).ok


def test_paper_entry_attributes_without_an_account(space, rule):
    assert check_eligibility(Attributes(birth_date=years_ago(20), areas={"35 190"}), space).ok
    result = check_eligibility(Attributes(birth_date=years_ago(20), areas="Rennes"), space)
    assert not result.ok and result.missing[0].proof == "residence"
    assert not check_eligibility(Attributes(areas={"35190"}), space).ok


def test_rules_of_a_space_are_alternatives(space, rule, association):
    EligibilityRule.objects.create(space=space, label="membre du collectif",
                                   membership_organisation=association)
    member = Attributes(memberships={association.pk})
    assert check_eligibility(member, space).ok
    result = check_eligibility(Attributes(), space)
    # The closest rule is explained: the membership rule lacks one thing, the other two.
    assert [m.proof for m in result.missing] == ["membership"]
    assert "réservée aux membres de Collectif Air" in result.message


def test_component_rules_apply_on_top_of_the_space_rules(space, rule, component):
    EligibilityRule.objects.create(component=component, min_age=18)
    seventeen = Attributes(birth_date=years_ago(17), areas={"35190"})
    assert check_eligibility(seventeen, space).ok
    result = check_eligibility(seventeen, component)
    assert not result.ok and result.missing[0].message == "il faut avoir 18 ans ou plus"
    assert check_eligibility(Attributes(birth_date=years_ago(18), areas={"35190"}), component).ok

    class Ballot:  # any object with a component (a petition, a vote...)
        pass

    ballot = Ballot()
    ballot.component = component
    assert not check_eligibility(seventeen, ballot).ok


def test_identity_level_rules(space, person, commune):
    EligibilityRule.objects.create(space=space, identity_level=3)
    result = check_eligibility(person, space)  # e-mail confirmed: level 1
    assert result.missing[0].proof == "identity"
    assert "votre identité doit être vérifiée" in result.message
    labels = dict(result.how_to_verify)
    assert "Vérification au guichet" in labels and "Liste des habitants ou des adhérents" not in labels
    record_verification(person, "census", proves={"identity"}, identity_level=2)
    assert not check_eligibility(person, space).ok
    verify_in_person(None, commune, person)
    assert check_eligibility(person, space).ok


def test_email_level_rule_is_met_by_a_confirmed_address(space, person, citizen):
    EligibilityRule.objects.create(space=space, identity_level=1)
    assert check_eligibility(person, space).ok
    result = check_eligibility(citizen, space)
    assert result.message.startswith("Vous ne pouvez pas participer pour l'instant : votre adresse "
                                     "électronique doit être confirmée.")
    assert ("Adresse électronique confirmée", "/accounts/email/") in result.how_to_verify


def test_the_message_is_translated(space, rule):
    with override("en"):
        result = check_eligibility(Attributes(), space)
    assert result.message  # falls back to French until the catalogue has it, never empty
    assert isinstance(result.message, str)


def test_a_wrong_target_is_a_programming_error(person):
    with pytest.raises(TypeError):
        check_eligibility(person, object())


def test_anonymous_visitors_have_proved_nothing(space, rule):
    from django.contrib.auth.models import AnonymousUser

    result = check_eligibility(AnonymousUser(), space)
    assert not result.ok and {m.proof for m in result.missing} == {"residence", "age"}


def test_naive_dates_are_accepted(space, rule):
    assert check_eligibility(Attributes(birth_date=date(2000, 1, 1), areas={"35190"}), space,
                             at=datetime(2020, 1, 1)).ok
