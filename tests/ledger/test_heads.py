"""Signed tree heads and keys."""

from __future__ import annotations

import base64
import dataclasses
import hashlib

import pytest

from core.ledger import (
    HeadError,
    SignedTreeHead,
    generate_key,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_b64,
    public_key_pem,
    sign_head,
    verify_head,
)

from .helpers import fixed_key

ROOT = hashlib.sha256(b"root").hexdigest()


def test_sign_and_verify():
    key = fixed_key()
    head = sign_head(
        key, "petitions:petition:42", 6000, bytes.fromhex(ROOT), "2025-03-01T09:00:00Z"
    )
    assert head.root == ROOT and head.key_id == key_id(key.public_key())
    assert verify_head(head, key.public_key())
    assert verify_head(head, [key.public_key(), generate_key().public_key()])
    assert verify_head(SignedTreeHead.from_dict(head.to_dict()), {head.key_id: key.public_key()})
    assert head.signed_message() == (
        b'parvis-ledger/tree-head/v1\n{"at":"2025-03-01T09:00:00Z","log":"petitions:petition:42",'
        b'"root":"' + ROOT.encode() + b'","size":6000}'
    )
    key.public_key().verify(base64.b64decode(head.signature), head.signed_message())


@pytest.mark.parametrize(
    "changes",
    [
        {"log": "petitions:petition:43"},
        {"size": 5999},
        {"root": hashlib.sha256(b"other").hexdigest()},
        {"at": "2025-03-01T09:00:01Z"},
    ],
)
def test_changed_fields_break_the_signature(changes):
    key = fixed_key()
    head = sign_head(key, "petitions:petition:42", 6000, ROOT, "2025-03-01T09:00:00Z")
    assert not verify_head(dataclasses.replace(head, **changes), key.public_key())


def test_wrong_key_and_damaged_signature():
    key = fixed_key()
    head = sign_head(key, "log:1", 1, ROOT, "2025-03-01T09:00:00Z")
    other = fixed_key(8).public_key()
    assert not verify_head(head, other)
    assert not verify_head(dataclasses.replace(head, key_id=key_id(other)), other)
    raw = bytearray(base64.b64decode(head.signature))
    raw[10] ^= 1
    assert not verify_head(
        dataclasses.replace(head, signature=base64.b64encode(raw).decode()), key.public_key()
    )
    assert not verify_head(dataclasses.replace(head, signature="not base64!"), key.public_key())


def test_key_formats_round_trip():
    key = fixed_key()
    public = key.public_key()
    assert len(key_id(public)) == 32
    for text in (public_key_b64(public), public_key_pem(public), public_key_pem(public).encode()):
        assert key_id(load_public_key(text)) == key_id(public)
    assert key_id(load_private_key(private_key_pem(key)).public_key()) == key_id(public)
    assert key_id(
        load_private_key(base64.b64encode(bytes([7]) * 32).decode()).public_key()
    ) == key_id(public)
    for bad in (
        "",
        "abc",
        base64.b64encode(b"x" * 31).decode(),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
    ):
        with pytest.raises(HeadError):
            load_public_key(bad)
    with pytest.raises(HeadError):
        load_private_key("nonsense")


def test_malformed_heads_are_rejected():
    head = sign_head(fixed_key(), "log:1", 1, ROOT, "2025-03-01T09:00:00Z").to_dict()
    for bad in (
        {**head, "size": -1},
        {**head, "size": "1"},
        {**head, "root": ROOT.upper()},
        {**head, "extra": 1},
        {**head, "at": "yesterday"},
        {**head, "key_id": "x"},
        [head],
    ):
        with pytest.raises(HeadError):
            SignedTreeHead.from_dict(bad)
