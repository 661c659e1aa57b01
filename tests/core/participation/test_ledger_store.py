"""The ledger in the database: appending the outbox, heads, export, verification, tampering."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from core.ledger import load_export, verify_export
from core.participation.models import (
    LedgerEntry,
    LedgerLog,
    LedgerPublicKey,
    ParticipationRecord,
    PendingLedgerEntry,
    SignedHead,
)
from core.participation.services import (
    export,
    flush_pending,
    invalidate,
    participate,
    publish_head,
    publish_heads,
    withdraw,
)
from core.participation.signing import key_path

from .helpers import ledger_triggers_disabled, person, sign


def test_flush_appends_in_outbox_order_without_gap_and_is_idempotent(petition):
    for i in range(5):
        participate(subject_key=petition, person_key=person(i), channel="web", append=False)
    receipts = list(PendingLedgerEntry.objects.order_by("pk").values_list("receipt", flat=True))
    assert flush_pending(petition, batch_size=2) == 5
    assert flush_pending(petition) == 0
    assert flush_pending() == 0
    stored = list(LedgerEntry.objects.order_by("seq").values_list("seq", "receipt"))
    assert stored == list(enumerate(receipts))
    log = LedgerLog.objects.get(key=petition)
    assert (log.size, log.log_type, log.chain_head) == (5, "petition", LedgerEntry.objects.get(seq=4).chain_hash)


def test_flush_of_every_subject(petition, vote):
    participate(subject_key=petition, person_key=person(1), channel="web", append=False)
    participate(subject_key=vote, person_key=person(1), channel="web", choice=["park"], append=False)
    assert flush_pending() == 2
    assert set(LedgerLog.objects.values_list("key", "size")) == {(petition, 1), (vote, 1)}


def test_a_pending_entry_breaking_the_counting_rules_is_kept_aside_not_appended(petition):
    sign(petition, 1)
    participant = LedgerEntry.objects.get().participant
    PendingLedgerEntry.objects.create(subject_key=petition, log_type="petition", kind="cast",
                                      channel="web", participant=participant, receipt="a" * 64)
    PendingLedgerEntry.objects.create(subject_key=petition, log_type="petition", kind="withdrawn",
                                      channel="web", participant="b" * 64, receipt="c" * 64)
    assert flush_pending(petition) == 0
    reasons = sorted(PendingLedgerEntry.objects.values_list("rejected_reason", flat=True))
    assert reasons == ["the participant has no counted ballot to remove",
                       "the participant's signature in entry 0 still counts"]
    assert LedgerEntry.objects.count() == 1


def test_publish_head_signs_the_root_stores_the_key_and_calls_the_hook(petition, probe, signing_key_file):
    sign(petition, 3)
    head = publish_head(petition)
    assert key_path() == signing_key_file and signing_key_file.stat().st_mode & 0o777 == 0o600
    assert (head.size, head.log.key) == (3, petition)
    [key] = LedgerPublicKey.objects.all()
    assert head.key_id == key.key_id
    assert probe.heads == [(petition, head.to_dict())]
    assert set(probe.heads[0][1]) == {"at", "key_id", "log", "root", "signature", "size"}
    # The same key signs the next head; nothing changed: publish_heads skips the log.
    assert publish_heads() == []
    sign(petition, 1, start=3)
    [second] = publish_heads()
    assert (second.size, second.key_id, second.at >= head.at) == (4, head.key_id, True)
    assert len(probe.heads) == 2


def test_export_verifies_and_recounts(vote):
    participate(subject_key=vote, person_key=person(1), channel="web", choice=["park", "trees"])
    participate(subject_key=vote, person_key=person(2), channel="paper", choice=["library"])
    participate(subject_key=vote, person_key=person(1), channel="web", choice=["library"], replace=True)
    flush_pending(vote)
    publish_head(vote)
    participate(subject_key=vote, person_key=person(3), channel="assisted", choice=["park"])
    flush_pending(vote)
    withdraw(ParticipationRecord.objects.get(person_key=person(3)), by=None, channel="assisted")
    invalidate(vote, 1, reason_code="ineligible", by=None)
    flush_pending(vote)
    publish_head(vote)
    document = json.loads(export(vote))
    report = verify_export(load_export(export(vote)))
    assert report.ok, report.summary()
    assert document["totals"] == {
        "total": 1, "by_channel": {"assisted": 0, "paper": 0, "partner": 0, "web": 1},
        "by_choice": {"library": 1}, "superseded": 1, "withdrawn": 1, "invalidated": {"ineligible": 1},
    }
    assert [h["size"] for h in document["heads"]] == [3, 6]


def _export_file(tmp_path, subject_key):
    path = tmp_path / "export.json"
    path.write_bytes(export(subject_key))
    return path


def test_parvis_verify_passes_on_the_export(petition, tmp_path, capsys):
    sign(petition, 4)
    publish_head(petition)
    call_command("verify", str(_export_file(tmp_path, petition)))  # exit status 0: no SystemExit
    assert capsys.readouterr().out.startswith("OK: entries, signed heads, running hashes and totals")


@pytest.mark.parametrize("sql", [
    "UPDATE participation_ledgerentry SET data = 'x' WHERE seq = 0",
    "DELETE FROM participation_ledgerentry WHERE seq = 1",
    "UPDATE participation_signedhead SET root = 'x'",
    "DELETE FROM participation_signedhead",
])
def test_the_database_refuses_to_change_or_remove_ledger_rows(petition, sql):
    """SQLite, the embedded default, refuses as PostgreSQL does (test_postgresql.py)."""
    sign(petition, 2)
    publish_head(petition)
    with pytest.raises(DatabaseError, match="the ledger is append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(seq=0).update(data="x")
    assert LedgerEntry.objects.count() == 2 and SignedHead.objects.count() == 1
    assert verify_export(load_export(export(petition))).ok


def test_changing_one_entry_by_sql_is_named_by_the_verifier(petition, tmp_path, capsys):
    sign(petition, 8)
    publish_head(petition)
    with ledger_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE participation_ledgerentry SET data = REPLACE(data, '\"channel\":\"web\"', "
            "'\"channel\":\"paper\"') WHERE seq = 5"
        )
    report = verify_export(load_export(export(petition)))
    assert not report.ok
    assert report.problems[0].message.startswith("entry 5: content does not match its running hash")
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify", str(_export_file(tmp_path, petition)))
    assert exit_status.value.code == 1
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.startswith("FAILED: entry 5: content does not match its running hash")


def test_deleting_one_entry_by_sql_is_named_by_the_verifier(petition):
    sign(petition, 8)
    publish_head(petition)
    with ledger_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM participation_ledgerentry WHERE seq = 3")
    report = verify_export(load_export(export(petition)))
    assert not report.ok
    assert report.problems[0].message.startswith("entry 3: missing (position 3 holds entry 4)")


def test_a_tampered_copy_of_the_export_fails(petition, tmp_path):
    sign(petition, 3)
    publish_head(petition)
    text = export(petition).decode()
    assert verify_export(load_export(text.encode())).ok
    tampered = text.replace('"channel":"web"', '"channel":"partner"', 1)
    report = verify_export(load_export(tampered.encode()))
    assert report.problems[0].message.startswith("entry 0: content does not match its running hash")
    copy = tmp_path / "copy.json"
    copy.write_text(tampered, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify", str(copy))
    assert exit_status.value.code == 1


def test_export_before_any_head_says_nothing_anchors_it(petition):
    sign(petition, 1)
    report = verify_export(load_export(export(petition)))
    assert not report.ok and any("no valid signed head" in p.message for p in report.problems)
    assert not SignedHead.objects.exists()
