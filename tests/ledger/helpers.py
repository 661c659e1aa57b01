"""Deterministic sample logs for the ledger tests."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.ledger import (
    CHANNELS,
    Entry,
    LogState,
    Receipt,
    SignedTreeHead,
    format_time,
    write_export,
)

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ITEMS = ["park", "library", "bike-lanes", "playground", "trees"]


def fixed_key(byte: int = 7) -> Ed25519PrivateKey:
    """A reproducible signing key."""
    return Ed25519PrivateKey.from_private_bytes(bytes([byte]) * 32)


@dataclass
class Sample:
    log: str
    log_type: str
    key: Ed25519PrivateKey
    entries: list[Entry]
    heads: list[SignedTreeHead]
    receipts: dict[int, Receipt]
    text: str

    def document(self) -> dict:
        """A fresh decoded copy of the export, for tampering."""
        return json.loads(self.text)


def build_log(
    size: int = 300,
    log_type: str = "vote",
    head_every: int = 50,
    seed: int = 1,
    participants: int = 60,
    key: Ed25519PrivateKey | None = None,
) -> Sample:
    """A log of ``size`` entries mixing casts, re-casts, withdrawals and invalidations."""
    rng = random.Random(seed)
    key = key or fixed_key()
    log = f"{'budget:vote' if log_type == 'vote' else 'petitions:petition'}:{seed}"
    tokens = [rng.randbytes(32) for _ in range(participants)]
    state, entries, heads, receipts = LogState(log), [], [], {}
    active: dict[str, int] = {}
    for seq in range(size):
        at = format_time(START + timedelta(seconds=seq * 13))
        token = rng.choice(tokens)
        receipt = Receipt(log, seq, token, rng.randbytes(32))
        who = receipt.participant
        roll = rng.random()
        if who in active and roll < 0.15:
            entry = Entry(
                log=log,
                seq=seq,
                kind="withdrawn",
                participant=who,
                at=at,
                channel="web",
                receipt=receipt.commitment,
                refers_to=active.pop(who),
            )
        elif who in active and roll < 0.25:
            entry = Entry(
                log=log,
                seq=seq,
                kind="invalidated",
                participant=who,
                at=at,
                refers_to=active.pop(who),
                reason=rng.choice(["duplicate", "ineligible"]),
            )
        elif log_type == "petition" and who in active:
            entry = Entry(
                log=log,
                seq=seq,
                kind="withdrawn",
                participant=who,
                at=at,
                channel="paper",
                receipt=receipt.commitment,
                refers_to=active.pop(who),
            )
        else:
            choice = None
            if log_type == "vote":
                choice = (
                    rng.sample(ITEMS, rng.randint(0, 3))
                    if rng.random() < 0.7
                    else {item: rng.randint(1, 5) for item in rng.sample(ITEMS, 2)}
                )
            entry = Entry(
                log=log,
                seq=seq,
                kind="cast",
                participant=who,
                at=at,
                channel=rng.choice(CHANNELS),
                receipt=receipt.commitment,
                choice=choice,
            )
            active[who] = seq
        state.append(entry)
        entries.append(entry)
        if entry.kind != "invalidated":
            receipts[seq] = receipt
        if (seq + 1) % head_every == 0 or seq == size - 1:
            heads.append(state.head(key, at))
    out = io.StringIO()
    write_export(
        out,
        log=log,
        log_type=log_type,
        entries=entries,
        heads=heads,
        public_keys=[key.public_key()],
    )
    return Sample(log, log_type, key, entries, heads, receipts, out.getvalue())


def first_cast(sample: Sample, start: int) -> int:
    """The seq of the first cast entry at or after ``start``."""
    return next(e.seq for e in sample.entries[start:] if e.kind == "cast")
