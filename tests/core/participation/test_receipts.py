"""Receipt checks on the database agree with core.ledger's check on the export."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from core.ledger import Receipt, check_receipt, load_export
from core.participation.models import ParticipationRecord
from core.participation.receipts import receipt_status
from core.participation.services import (
    export,
    flush_pending,
    invalidate,
    participate,
    publish_head,
    withdraw,
)

from .helpers import person


def cast(subject_key, index, choice=None, **kwargs):
    result = participate(subject_key=subject_key, person_key=person(index), channel="web",
                         choice=choice, **kwargs)
    flush_pending(subject_key)
    return result.receipt


def test_each_fate_of_a_ballot(vote):
    superseded = cast(vote, 1, ["park"])
    counted = cast(vote, 1, ["trees"], replace=True)
    withdrawn = cast(vote, 2, ["park"])
    invalidated = cast(vote, 3, ["library"])
    withdrawal = withdraw(ParticipationRecord.objects.get(person_key=person(2)), by=None)
    invalidate(vote, ParticipationRecord.objects.get(person_key=person(3)), reason_code="fraud", by=None)
    flush_pending(vote)
    states = {name: receipt_status(text) for name, text in [
        ("counted", counted), ("superseded", superseded), ("withdrawn", withdrawn),
        ("invalidated", invalidated), ("withdrawal", withdrawal.receipt)]}
    assert {name: (s.state, s.seq, s.by_seq) for name, s in states.items()} == {
        "counted": ("counted", 1, None), "superseded": ("superseded", 0, 1),
        "withdrawn": ("withdrawn", 2, 4), "invalidated": ("invalidated", 3, 5),
        "withdrawal": ("recorded", 4, 2),
    }
    assert states["invalidated"].reason == "fraud"
    with translation.override("fr"):
        assert "fraude ou contrainte établie" in states["invalidated"].message
        assert "remplacé par un bulletin plus récent (entrée 1)" in states["superseded"].message
    # The same answers from the public export with core.ledger.
    publish_head(vote)
    document = load_export(export(vote))
    assert check_receipt(document, counted).status == "counted"
    assert check_receipt(document, superseded).status.startswith("superseded by entry 1")
    assert check_receipt(document, invalidated).status == "invalidated by entry 5 (reason: fraud)"


def test_pending_unknown_and_invalid(petition):
    with transaction.atomic():
        waiting = participate(subject_key=petition, person_key=person(1), channel="web")
    # The test's own transaction never commits: the entry is still in the outbox. Its receipt,
    # rebuilt with the seq it will get, is reported as pending.
    text = Receipt(petition, 0, waiting.token, waiting.nonce).encode()
    assert receipt_status(text).state == "pending"
    flush_pending(petition)
    assert receipt_status(text).state == "counted"
    forged = Receipt(petition, 0, waiting.token, b"\x01" * 32).encode()
    assert receipt_status(forged).state == "unknown"
    other_log = Receipt("probe:petition:999", 0, waiting.token, waiting.nonce).encode()
    assert receipt_status(other_log).state == "unknown"
    assert receipt_status("bonjour").state == "invalid"
    assert receipt_status("pvr1.x.1.y.z").state == "invalid"
