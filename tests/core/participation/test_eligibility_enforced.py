"""participate() enforces the eligibility rules of the subject's target on every channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.identity.models import EligibilityRule
from core.identity.services import verify_in_person
from core.models import Component
from core.participation.identity import person_key_from_email
from core.participation.models import ParticipationRecord, PendingLedgerEntry
from core.participation.services import NotEligible, participate
from core.plugins import Attributes
from tests.conftest import make_user

ADULT = timezone.localdate() - timedelta(days=365 * 30)


def component_of(subject_key: str) -> Component:
    return Component.objects.get(pk=int(subject_key.rsplit(":", 1)[1]))


@pytest.fixture
def rule(petition):
    return EligibilityRule.objects.create(component=component_of(petition),
                                          label="résident de Saint-Aubin, 16 ans ou plus",
                                          residence_areas="Saint-Aubin-des-Prés", min_age=16)


@pytest.fixture
def resident(commune):
    user = make_user("resident@example.org")
    verify_in_person(None, commune, user, areas=["Saint-Aubin-des-Prés"], birth_date=ADULT)
    return user


def key(email: str) -> str:
    return person_key_from_email(email)


def nothing_written() -> bool:
    return not ParticipationRecord.objects.exists() and not PendingLedgerEntry.objects.exists()


def test_web_an_eligible_account_takes_part(petition, rule, resident):
    participation = participate(subject_key=petition, person_key=key(resident.email), channel="web",
                                user=resident)
    assert participation.record.user == resident
    assert ParticipationRecord.objects.count() == 1


def test_web_an_ineligible_account_is_refused_with_the_message_and_nothing_written(
        petition, rule, citizen):
    with pytest.raises(NotEligible) as refused:
        participate(subject_key=petition, person_key=key(citizen.email), channel="web", user=citizen)
    assert isinstance(refused.value, ValidationError)
    assert str(refused.value).startswith("Vous ne pouvez pas participer pour l'instant :")
    assert "votre lieu de résidence n'est pas encore vérifié" in str(refused.value)
    assert refused.value.messages == [str(refused.value)]
    assert refused.value.eligibility is not None and not refused.value.eligibility.ok
    assert nothing_written()


def test_web_without_an_account_is_refused(petition, rule):
    with pytest.raises(NotEligible, match="connectez-vous"):
        participate(subject_key=petition, person_key=key("anonyme@example.org"), channel="web")
    assert nothing_written()


@pytest.mark.parametrize("channel", ["paper", "assisted"])
def test_paper_needs_the_agents_attestation(petition, rule, agent, channel):
    with pytest.raises(NotEligible, match="vérifié que la personne les remplit"):
        participate(subject_key=petition, person_key=key("papier@example.org"), channel=channel,
                    entered_by=agent, sheet_reference="F-1")
    assert nothing_written()
    participate(subject_key=petition, person_key=key("papier@example.org"), channel=channel,
                entered_by=agent, sheet_reference="F-1", eligibility_attested=True)
    assert ParticipationRecord.objects.get().channel == channel


def test_paper_with_attributes_is_judged_on_them(petition, rule, agent):
    young = Attributes(areas={"saint aubin des pres"}, birth_date=timezone.localdate())
    with pytest.raises(NotEligible, match="16 ans ou plus"):
        participate(subject_key=petition, person_key=key("jeune@example.org"), channel="paper",
                    entered_by=agent, sheet_reference="F-2", attributes=young)
    assert nothing_written()


def test_partner_needs_the_attributes_it_verified(petition, rule):
    with pytest.raises(NotEligible, match="partenaire"):
        participate(subject_key=petition, person_key=key("p@example.org"), channel="partner",
                    eligibility_attested=True)
    elsewhere = Attributes(areas={"Rennes"}, birth_date=ADULT)
    with pytest.raises(NotEligible, match="réservée aux personnes qui résident à : Saint-Aubin"):
        participate(subject_key=petition, person_key=key("p@example.org"), channel="partner",
                    attributes=elsewhere)
    assert nothing_written()
    resident = Attributes(areas={"Saint-Aubin-des-Prés"}, birth_date=ADULT)
    participate(subject_key=petition, person_key=key("p@example.org"), channel="partner",
                attributes=resident)
    assert ParticipationRecord.objects.get().channel == "partner"


def test_space_rules_apply_to_the_components_of_the_space(petition, space, citizen):
    EligibilityRule.objects.create(space=space, identity_level=2)
    with pytest.raises(NotEligible, match="votre identité doit être vérifiée"):
        participate(subject_key=petition, person_key=key(citizen.email), channel="web", user=citizen)
    assert nothing_written()


def test_no_rules_nothing_changes(petition, vote, agent):
    participate(subject_key=petition, person_key=key("a@example.org"), channel="web")
    participate(subject_key=petition, person_key=key("b@example.org"), channel="paper",
                entered_by=agent, sheet_reference="F-3")
    participate(subject_key=petition, person_key=key("c@example.org"), channel="partner")
    assert ParticipationRecord.objects.count() == 3


# --- The agents' pages --------------------------------------------------------------------


def agent_client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


SHEET = {"email": "papier@example.org", "sheet_reference": "F-001"}


def test_paper_entry_shows_the_conditions_and_requires_the_attestation(petition, rule, agent):
    client, url = agent_client(agent), reverse("participation:paper_entry", args=[petition])
    html = client.get(url).content.decode()
    assert "résident de Saint-Aubin, 16 ans ou plus" in html
    assert "J&#x27;ai vérifié que la personne remplit les conditions : résident de Saint-Aubin" in html
    refused = client.post(url, SHEET).content.decode()
    assert "Vérifiez que la personne remplit les conditions" in refused
    assert nothing_written()
    client.post(url, {**SHEET, "eligibility_checked": "on"})
    record = ParticipationRecord.objects.get()
    assert (record.channel, record.entered_by) == ("paper", agent)


def test_paper_entry_without_rules_has_no_attestation(petition, agent):
    client, url = agent_client(agent), reverse("participation:paper_entry", args=[petition])
    assert "eligibility_checked" not in client.get(url).content.decode()
    client.post(url, SHEET)
    assert ParticipationRecord.objects.count() == 1


CSV = "email;sheet_reference\na@example.org;F-1\nb@example.org;F-2\n"


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("feuilles.csv", CSV.encode(), "text/csv")


def test_csv_import_requires_the_global_attestation_all_or_nothing(petition, rule, agent):
    client, url = agent_client(agent), reverse("participation:paper_import", args=[petition])
    html = client.get(url).content.decode()
    assert "J&#x27;ai vérifié que chaque personne du fichier remplit les conditions" in html
    refused = client.post(url, {"file": upload()}).content.decode()
    assert "Vérifiez que la personne remplit les conditions" in refused
    assert nothing_written()
    html = client.post(url, {"file": upload(), "eligibility_checked": "on"}).content.decode()
    assert "2 feuilles importées." in html
    assert sorted(ParticipationRecord.objects.values_list("sheet_reference", flat=True)) == ["F-1", "F-2"]


def test_csv_import_without_attestation_imports_nothing_through_the_service(petition, rule, agent):
    from core.participation import paper_import
    from core.participation.registry import get_subject

    subject = get_subject(petition)
    report = paper_import.check_file(subject, CSV.encode())
    assert report.ok
    with pytest.raises(NotEligible):
        paper_import.import_rows(subject, report.rows, agent=agent)
    assert nothing_written()
