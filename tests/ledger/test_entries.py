"""Entries: canonical bytes, validation, pseudonyms and receipts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.ledger import (
    Entry,
    EntryError,
    Receipt,
    derive_token,
    format_time,
    leaf_hash,
    parse_time,
    participant_id,
    receipt_commitment,
    receipt_matches,
)

LOG = "budget:vote:7"
TOKEN = bytes(range(32))
NONCE = bytes(range(32, 64))
P = participant_id(TOKEN, LOG)
R = receipt_commitment(LOG, TOKEN, NONCE)


def cast(**changes) -> Entry:
    fields = dict(
        log=LOG,
        seq=3,
        kind="cast",
        participant=P,
        at="2025-03-01T09:00:00Z",
        channel="web",
        receipt=R,
        choice=["park", "trees"],
    )
    fields.update(changes)
    return Entry(**fields)


def test_canonical_bytes_are_sorted_compact_utf8():
    entry = cast(log="budget:vote:Évry", choice={"trees": 2, "park": 1})
    expected = (
        '{"at":"2025-03-01T09:00:00Z","channel":"web","choice":{"park":1,"trees":2},"kind":"cast",'
        '"log":"budget:vote:Évry","participant":"'
        + entry.participant
        + '","reason":null,"receipt":"'
        + R
        + '","refers_to":null,"seq":3}'
    ).encode("utf-8")
    assert entry.encode() == expected
    assert entry.leaf_hash() == hashlib.sha256(b"\x00" + expected).digest() == leaf_hash(expected)
    assert Entry.from_dict(entry.to_dict()) == entry


def test_pseudonyms_and_commitments_follow_the_documented_formulas():
    lp = len(LOG).to_bytes(4, "big") + LOG.encode()
    assert (
        P == hmac.new(TOKEN, b"parvis-ledger/participant/v1\x00" + lp, hashlib.sha256).hexdigest()
    )
    assert R == hashlib.sha256(b"parvis-ledger/receipt/v1\x00" + lp + TOKEN + NONCE).hexdigest()
    secret = b"k" * 32
    token = derive_token(secret, "user:12", LOG)
    subject = b"user:12"
    assert (
        token
        == hmac.new(
            secret,
            b"parvis-ledger/token/v1\x00" + lp + len(subject).to_bytes(4, "big") + subject,
            hashlib.sha256,
        ).digest()
    )
    other_log = derive_token(secret, "user:12", "budget:vote:8")
    assert other_log != token
    assert participant_id(token, LOG) != participant_id(other_log, "budget:vote:8")
    assert participant_id(TOKEN, LOG) != participant_id(TOKEN, "budget:vote:8")


def test_receipt_round_trip_and_matching():
    receipt = Receipt(LOG, 3, TOKEN, NONCE)
    text = receipt.encode()
    assert text.startswith("pvr1.") and Receipt.decode(text) == receipt
    entry = cast(receipt=receipt.commitment, participant=receipt.participant)
    assert receipt_matches(entry, text)
    assert receipt_matches(entry.to_dict(), receipt)
    assert not receipt_matches(entry, Receipt(LOG, 3, TOKEN, bytes(32)))
    assert not receipt_matches(entry, Receipt(LOG, 4, TOKEN, NONCE))
    assert not receipt_matches(entry, Receipt("budget:vote:8", 3, TOKEN, NONCE))
    fresh = Receipt.new(LOG, 3, TOKEN)
    assert fresh.nonce != Receipt.new(LOG, 3, TOKEN).nonce and len(fresh.nonce) == 32
    for bad in [
        "",
        "pvr1.x.1.y",
        "pvr2." + text[5:],
        text.replace(".3.", ".x."),
        text[:-3] + "!!!",
        text[:-10],
    ]:
        with pytest.raises(ValueError):
            Receipt.decode(bad)


def test_times_are_utc_and_truncated_to_seconds():
    moment = datetime(2025, 3, 1, 10, 0, 5, 999999, tzinfo=timezone(timedelta(hours=1)))
    assert format_time(moment) == "2025-03-01T09:00:05Z"
    assert parse_time("2025-03-01T09:00:05Z") == datetime(2025, 3, 1, 9, 0, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        format_time(datetime(2025, 3, 1))
    for bad in [
        "2025-03-01T09:00:05",
        "2025-03-01T09:00:05.1Z",
        "2025-13-01T09:00:05Z",
        "2025-03-01 09:00:05Z",
        "\u0662\u0660\u0662\u0665-03-01T09:00:05Z",
    ]:
        with pytest.raises(ValueError):
            parse_time(bad)


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "vote"},
        {"seq": -1},
        {"seq": True},
        {"seq": 3.0},
        {"log": ""},
        {"log": "a\nb"},
        {"participant": P.upper()},
        {"at": "2025-03-01T09:00:00+00:00"},
        {"channel": "fax"},
        {"channel": None},
        {"receipt": None},
        {"receipt": R[:-1]},
        {"choice": "park"},
        {"choice": ["park", "park"]},
        {"choice": {"park": 0}},
        {"choice": {"park": 1.5}},
        {"choice": [""]},
        {"refers_to": 1},
        {"reason": "duplicate"},
        {"kind": "withdrawn", "choice": None, "refers_to": 3},
        {"kind": "withdrawn", "choice": None, "refers_to": None},
        {"kind": "withdrawn", "choice": ["park"], "refers_to": 1},
        {"kind": "invalidated", "choice": None, "refers_to": 1, "reason": "duplicate"},
        {
            "kind": "invalidated",
            "choice": None,
            "channel": None,
            "receipt": None,
            "refers_to": 1,
            "reason": "bored",
        },
    ],
)
def test_invalid_entries_are_rejected(changes):
    with pytest.raises(EntryError):
        cast(**changes)


def test_other_kinds_and_integer_item_ids():
    withdrawn = cast(kind="withdrawn", choice=None, refers_to=1)
    invalidated = cast(
        kind="invalidated", choice=None, channel=None, receipt=None, refers_to=1, reason="fraud"
    )
    assert withdrawn.to_dict()["refers_to"] == 1 and invalidated.to_dict()["reason"] == "fraud"
    assert cast(choice=[12, 7]).choice == ["12", "7"]
    assert cast(choice={12: 3}).choice == {"12": 3}
    assert cast(choice=[]).encode().count(b'"choice":[]') == 1


def test_from_dict_rejects_extra_missing_and_non_canonical_fields():
    data = cast().to_dict()
    with pytest.raises(EntryError):
        Entry.from_dict({**data, "name": "Alice"})
    with pytest.raises(EntryError):
        Entry.from_dict({k: v for k, v in data.items() if k != "at"})
    with pytest.raises(EntryError):
        Entry.from_dict({**data, "choice": [12, 7]})
    with pytest.raises(EntryError):
        Entry.from_dict([data])
