"""participate / withdraw / invalidate: records, the unique constraint, outbox and receipts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from core.ledger import Receipt
from core.participation.identity import person_key_from_email, person_key_from_identity
from core.participation.models import (
    LedgerEntry,
    ParticipationRecord,
    PendingLedgerEntry,
)
from core.participation.services import (
    AlreadyParticipated,
    ParticipationError,
    SubjectClosed,
    channel_counts,
    flush_pending,
    invalidate,
    participant_token,
    participate,
    withdraw,
)

CAMILLE = person_key_from_email("camille@example.org")
BRUNO = person_key_from_email("bruno@example.org")


def entries(subject_key):
    """The ledger, once the outbox is appended (the test's transaction never commits)."""
    flush_pending(subject_key)
    return list(LedgerEntry.objects.filter(log__key=subject_key).order_by("seq"))


@pytest.mark.django_db(transaction=True)
def test_participate_outside_a_transaction_appends_and_returns_the_receipt(petition, citizen):
    result = participate(subject_key=petition, person_key=CAMILLE, channel="web", user=citizen)
    record = ParticipationRecord.objects.get()
    assert (record.subject_key, record.person_key, record.channel, record.user) == (
        petition, CAMILLE, "web", citizen)
    assert not PendingLedgerEntry.objects.exists()
    [entry] = entries(petition)
    receipt = Receipt.decode(result.receipt)
    assert (receipt.log, receipt.seq) == (petition, 0)
    assert entry.receipt == receipt.commitment and entry.participant == receipt.participant
    assert receipt.token == participant_token(CAMILLE, petition)
    assert "camille" not in entry.data and CAMILLE not in entry.data


def test_inside_a_transaction_the_entry_waits_in_the_outbox(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            result = participate(subject_key=petition, person_key=CAMILLE, channel="paper")
            pending = PendingLedgerEntry.objects.get()
            assert (pending.kind, pending.channel, pending.receipt) == ("cast", "paper", result.commitment)
            assert result.receipt is None and not LedgerEntry.objects.exists()
    assert len(callbacks) == 1
    assert not PendingLedgerEntry.objects.exists()
    assert Receipt.decode(result.receipt).seq == 0


def test_unique_constraint_forbids_two_records_even_without_the_service(petition):
    ParticipationRecord.objects.create(subject_key=petition, person_key=CAMILLE, channel="web")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationRecord.objects.create(subject_key=petition, person_key=CAMILLE, channel="paper")


def test_second_participation_on_another_channel_is_refused_with_channel_and_date(petition, agent):
    participate(subject_key=petition, person_key=CAMILLE, channel="paper", entered_by=agent,
                sheet_reference="F-12")
    ParticipationRecord.objects.update(created_at=datetime(2027, 3, 3, 10, tzinfo=UTC))
    with translation.override("fr"), pytest.raises(AlreadyParticipated) as error:
        participate(subject_key=petition, person_key=CAMILLE, channel="web")
    assert str(error.value) == "Vous avez déjà participé le 3 mars 2027 (sur papier, saisi en mairie)."
    assert error.value.message_for_agent == (
        "Cette personne a déjà participé le 3 mars 2027 (sur papier, saisi en mairie).")
    assert (error.value.channel, error.value.record.sheet_reference) == ("paper", "F-12")
    assert ParticipationRecord.objects.count() == 1
    assert PendingLedgerEntry.objects.count() + LedgerEntry.objects.count() == 1


def test_already_participated_messages_for_each_channel(petition):
    sentences = {}
    for index, channel in enumerate(["web", "assisted", "partner"]):
        key = person_key_from_email(f"p{index}@example.org")
        participate(subject_key=petition, person_key=key, channel=channel)
        with translation.override("fr"), pytest.raises(AlreadyParticipated) as error:
            participate(subject_key=petition, person_key=key, channel="paper")
        sentences[channel] = str(error.value)
    assert "(en ligne)" in sentences["web"]
    assert "(en mairie, avec l'aide d'un agent)" in sentences["assisted"]
    assert "(auprès d'un partenaire)" in sentences["partner"]


def test_closed_subject_is_refused(closed_petition):
    with pytest.raises(SubjectClosed):
        participate(subject_key=closed_petition, person_key=CAMILLE, channel="web")
    assert not ParticipationRecord.objects.exists()


def test_choice_must_match_the_log_type(petition, vote):
    with pytest.raises(ValueError, match="no choice"):
        participate(subject_key=petition, person_key=CAMILLE, channel="web", choice=["park"])
    with pytest.raises(ValueError, match="needs a choice"):
        participate(subject_key=vote, person_key=CAMILLE, channel="web")
    with pytest.raises(ValueError, match="twice"):
        participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["park", "park"])
    with pytest.raises(ValueError, match="channel"):
        participate(subject_key=petition, person_key=CAMILLE, channel="fax")
    assert not ParticipationRecord.objects.exists()


def test_replace_on_the_web_adds_a_new_ballot_that_supersedes_the_first(vote, citizen):
    first = participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["park"])
    with pytest.raises(AlreadyParticipated):
        participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["trees"])
    second = participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["trees"],
                         replace=True)
    assert ParticipationRecord.objects.count() == 1
    cast_0, cast_1 = entries(vote)
    assert cast_0.participant == cast_1.participant and cast_1.kind == "cast"
    assert Receipt.decode(first.receipt).seq == 0 and Receipt.decode(second.receipt).seq == 1
    assert '"choice":["trees"]' in cast_1.data


def test_replace_does_not_override_a_paper_ballot_nor_a_petition(vote, petition):
    participate(subject_key=vote, person_key=CAMILLE, channel="paper", choice=["park"])
    with pytest.raises(AlreadyParticipated):
        participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["trees"], replace=True)
    participate(subject_key=petition, person_key=CAMILLE, channel="web")
    with pytest.raises(AlreadyParticipated):
        participate(subject_key=petition, person_key=CAMILLE, channel="web", replace=True)


def test_withdraw_adds_an_entry_and_allows_taking_part_again(petition, citizen):
    participate(subject_key=petition, person_key=CAMILLE, channel="web", user=citizen)
    record = ParticipationRecord.objects.get()
    result = withdraw(record, by=citizen)
    record.refresh_from_db()
    assert record.withdrawn_at is not None and record.withdrawn_by == citizen
    cast, withdrawn = entries(petition)
    assert (withdrawn.kind, withdrawn.refers_to, withdrawn.participant) == ("withdrawn", 0, cast.participant)
    assert Receipt.decode(result.receipt).seq == 1
    with pytest.raises(ParticipationError):
        withdraw(record, by=citizen)
    assert channel_counts(petition)["web"] == 0
    again = participate(subject_key=petition, person_key=CAMILLE, channel="paper")
    assert ParticipationRecord.objects.count() == 1
    record.refresh_from_db()
    assert record.withdrawn_at is None and record.channel == "paper"
    flush_pending(petition)
    assert Receipt.decode(again.receipt).seq == 2
    assert channel_counts(petition) == {"web": 0, "paper": 1, "assisted": 0, "partner": 0}


def test_invalidate_a_record_adds_an_entry_with_its_public_reason(petition, commune_admin):
    participate(subject_key=petition, person_key=CAMILLE, channel="paper")
    record = ParticipationRecord.objects.get()
    with pytest.raises(ValueError):
        invalidate(petition, record, reason_code="because", by=commune_admin)
    invalidate(petition, record, reason_code="ineligible", by=commune_admin)
    record.refresh_from_db()
    assert (record.invalidation_reason, record.invalidated_by) == ("ineligible", commune_admin)
    cast, invalidated = entries(petition)
    assert (invalidated.kind, invalidated.refers_to, '"reason":"ineligible"' in invalidated.data) == (
        "invalidated", 0, True)
    assert LedgerEntry.objects.count() == 2  # nothing deleted
    with pytest.raises(AlreadyParticipated):  # an invalidated person cannot simply sign again
        participate(subject_key=petition, person_key=CAMILLE, channel="web")


def test_invalidate_by_seq_finds_the_record(vote, commune_admin):
    participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["park"])
    bruno = person_key_from_identity("Martin", "Bruno", "1970-01-01")
    participate(subject_key=vote, person_key=bruno, channel="paper", choice=["library"])
    participate(subject_key=vote, person_key=CAMILLE, channel="web", choice=["trees"], replace=True)
    with pytest.raises(ParticipationError):  # entry 0 was superseded by entry 2
        invalidate(vote, 0, reason_code="fraud", by=commune_admin)
    record = invalidate(vote, 1, reason_code="duplicate", by=commune_admin)
    assert record.person_key == bruno and record.invalidation_reason == "duplicate"
    assert entries(vote)[-1].refers_to == 1
    assert channel_counts(vote) == {"web": 1, "paper": 0, "assisted": 0, "partner": 0}
