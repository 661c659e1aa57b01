"""Ledger entries, their canonical encoding, participant pseudonyms and receipts.

An entry is a JSON object with exactly these keys::

    at, channel, choice, kind, log, participant, receipt, reason, refers_to, seq

Its canonical encoding is JSON with keys sorted, no whitespace, UTF-8, integers only,
and strings free of control characters (so the only escapes are ``\\"`` and ``\\\\``).
The leaf hash of an entry is ``SHA-256(0x00 || canonical bytes)``.

Pseudonyms and receipts (``lp(x)`` is a 4-byte big-endian length followed by the UTF-8
bytes of ``x``):

* ``token``: 32 secret bytes per participant and log, known to the operator and the
  participant only (:func:`new_token` or :func:`derive_token`).
* ``participant`` (public, in every entry):
  ``HMAC-SHA256(key=token, msg="parvis-ledger/participant/v1" || 0x00 || lp(log))``, hex.
  Stable within one log, unlinkable across logs without the tokens.
* ``receipt`` (public commitment, in cast and withdrawn entries):
  ``SHA-256("parvis-ledger/receipt/v1" || 0x00 || lp(log) || token || nonce)``, hex,
  with a fresh 32-byte random ``nonce`` per entry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .merkle import leaf_hash

__all__ = [
    "CHANNELS",
    "KINDS",
    "LOG_TYPES",
    "REASONS",
    "Entry",
    "EntryError",
    "Receipt",
    "canonical_json",
    "derive_token",
    "format_time",
    "new_token",
    "parse_time",
    "participant_id",
    "receipt_commitment",
    "receipt_matches",
]

KINDS = ("cast", "withdrawn", "invalidated")
CHANNELS = ("web", "paper", "assisted", "partner")
LOG_TYPES = ("vote", "petition")
#: Public reason codes for ``invalidated`` entries.
REASONS = (
    "duplicate",  # the same person took part twice
    "ineligible",  # not entitled to take part (age, residence, membership...)
    "identity_unverified",  # identity could not be confirmed
    "invalid_ballot",  # ballot content breaks the rules (e.g. over budget)
    "late",  # recorded after the closing time
    "fraud",  # established fraud or coercion
    "legal_order",  # removal required by a court or a legal decision
)
FIELDS = (
    "at",
    "channel",
    "choice",
    "kind",
    "log",
    "participant",
    "receipt",
    "reason",
    "refers_to",
    "seq",
)
TOKEN_SIZE = NONCE_SIZE = 32
MAX_SAFE_INT = 2**53 - 1

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


class EntryError(ValueError):
    """An entry (or one of its fields) breaks the ledger format."""


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, non-ASCII left unescaped."""
    return _ENCODER.encode(value).encode("utf-8")


def format_time(moment: datetime) -> str:
    """ISO 8601 UTC, truncated to seconds: ``2025-03-01T09:30:00Z`` (needs an aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse a timestamp written by :func:`format_time`; raise ``ValueError`` otherwise."""
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a UTC timestamp of the form YYYY-MM-DDTHH:MM:SSZ: {text!r}")
    return datetime(*map(int, match.groups()), tzinfo=UTC)


def _lp(text: str) -> bytes:
    data = text.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def _check_bytes(value: bytes, size: int, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != size:
        raise ValueError(f"{what} must be {size} bytes")


def new_token() -> bytes:
    """A fresh random participant token (32 bytes), to be kept secret by the operator."""
    return os.urandom(TOKEN_SIZE)


def derive_token(secret_key: bytes, subject: str, log: str) -> bytes:
    """Derive a participant's token for one log from an operator secret.

    ``HMAC-SHA256(secret_key, "parvis-ledger/token/v1" || 0x00 || lp(log) || lp(subject))``
    where ``subject`` is the operator's stable reference for the person (never published).
    """
    message = b"parvis-ledger/token/v1\x00" + _lp(log) + _lp(subject)
    return hmac.new(secret_key, message, hashlib.sha256).digest()


def participant_id(token: bytes, log: str) -> str:
    """The public per-log pseudonym of the participant holding ``token`` (64 hex chars)."""
    _check_bytes(token, TOKEN_SIZE, "token")
    message = b"parvis-ledger/participant/v1\x00" + _lp(log)
    return hmac.new(token, message, hashlib.sha256).hexdigest()


def receipt_commitment(log: str, token: bytes, nonce: bytes) -> str:
    """The receipt commitment stored in an entry (64 hex chars)."""
    _check_bytes(token, TOKEN_SIZE, "token")
    _check_bytes(nonce, NONCE_SIZE, "nonce")
    return hashlib.sha256(b"parvis-ledger/receipt/v1\x00" + _lp(log) + token + nonce).hexdigest()


def _text(value: Any, field: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise EntryError(f"{field} must be a non-empty string of at most {max_length} characters")
    if _FORBIDDEN.search(value):
        raise EntryError(f"{field} contains a control character")
    return value


def _int(value: Any, field: str, minimum: int = 0) -> int:
    if type(value) is not int or not minimum <= value <= MAX_SAFE_INT:
        raise EntryError(f"{field} must be an integer of at least {minimum}")
    return value


def _normalise_choice(choice: Any) -> list[str] | dict[str, int]:
    if isinstance(choice, list | tuple):
        items = [_text(str(item) if type(item) is int else item, "choice item") for item in choice]
        if len(set(items)) != len(items):
            raise EntryError("choice lists an item twice")
        return items
    if isinstance(choice, dict):
        result: dict[str, int] = {}
        for key, points in choice.items():
            item = _text(str(key) if type(key) is int else key, "choice item")
            if item in result:
                raise EntryError("choice lists an item twice")
            result[item] = _int(points, f"points for {item!r}", minimum=1)
        return result
    raise EntryError("choice must be null, a list of item ids or an object of item ids to points")


@dataclass(frozen=True)
class Entry:
    """One ledger entry. Construction validates every field (see ``docs/ledger.md``).

    ``choice`` is ``None`` for petitions and for non-``cast`` entries, a list of item ids
    (each counts 1) or an object mapping item ids to positive integer points for votes.
    Integer item ids are converted to strings.
    """

    log: str
    seq: int
    kind: str
    participant: str
    at: str
    channel: str | None = None
    choice: list[str] | dict[str, int] | None = None
    receipt: str | None = None
    refers_to: int | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        _text(self.log, "log")
        _int(self.seq, "seq")
        if self.kind not in KINDS:
            raise EntryError(f"kind must be one of {', '.join(KINDS)}")
        if not isinstance(self.participant, str) or not _HEX64.fullmatch(self.participant):
            raise EntryError("participant must be 64 lowercase hex characters")
        try:
            parse_time(self.at)
        except ValueError as exc:
            raise EntryError(f"at: {exc}") from None
        cast, invalidated = self.kind == "cast", self.kind == "invalidated"
        if invalidated:
            if self.channel is not None or self.receipt is not None:
                raise EntryError("an invalidated entry has no channel and no receipt")
        else:
            if self.channel not in CHANNELS:
                raise EntryError(f"channel must be one of {', '.join(CHANNELS)}")
            if not isinstance(self.receipt, str) or not _HEX64.fullmatch(self.receipt):
                raise EntryError("receipt must be 64 lowercase hex characters")
        if self.choice is not None:
            if not cast:
                raise EntryError(f"a {self.kind} entry has no choice")
            object.__setattr__(self, "choice", _normalise_choice(self.choice))
        if cast:
            if self.refers_to is not None:
                raise EntryError("a cast entry refers to no other entry")
        elif _int(self.refers_to, "refers_to") >= self.seq:
            raise EntryError("refers_to must name an earlier entry")
        if invalidated:
            if self.reason not in REASONS:
                raise EntryError(f"reason must be one of {', '.join(REASONS)}")
        elif self.reason is not None:
            raise EntryError("only invalidated entries have a reason")

    def to_dict(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict (all ten keys)."""
        choice = self.choice
        if isinstance(choice, dict):
            choice = dict(choice)
        elif isinstance(choice, list):
            choice = list(choice)
        return {
            "at": self.at,
            "channel": self.channel,
            "choice": choice,
            "kind": self.kind,
            "log": self.log,
            "participant": self.participant,
            "receipt": self.receipt,
            "reason": self.reason,
            "refers_to": self.refers_to,
            "seq": self.seq,
        }

    def encode(self) -> bytes:
        """Canonical bytes of the entry (the Merkle leaf data)."""
        return canonical_json(self.to_dict())

    def leaf_hash(self) -> bytes:
        """``SHA-256(0x00 || canonical bytes)``."""
        return leaf_hash(self.encode())

    @classmethod
    def from_dict(cls, data: Any) -> Entry:
        """Validate a decoded JSON object; raise :class:`EntryError` if it is not an entry."""
        if not isinstance(data, dict):
            raise EntryError("an entry must be a JSON object")
        keys = set(data)
        if keys != set(FIELDS):
            missing, extra = sorted(set(FIELDS) - keys), sorted(keys - set(FIELDS))
            raise EntryError(
                "wrong fields"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(extra)}" if extra else "")
            )
        entry = cls(**data)
        if entry.to_dict() != data:  # e.g. integer item ids, which are stored as strings
            raise EntryError("entry is not in canonical form")
        return entry


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("bad base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Receipt:
    """What a participant keeps: enough to recompute and locate their entry.

    Text form: ``pvr1.<log>.<seq>.<token>.<nonce>``, with the log id, token and nonce in
    unpadded base64url and the seq in decimal. It is private to the participant:
    whoever holds it can show which entry is theirs.
    """

    log: str
    seq: int
    token: bytes
    nonce: bytes

    @classmethod
    def new(cls, log: str, seq: int, token: bytes) -> Receipt:
        """A receipt with a fresh random nonce for the entry ``seq`` of ``log``."""
        return cls(log, seq, token, os.urandom(NONCE_SIZE))

    @property
    def commitment(self) -> str:
        """The value of the entry's ``receipt`` field."""
        return receipt_commitment(self.log, self.token, self.nonce)

    @property
    def participant(self) -> str:
        """The value of the entry's ``participant`` field."""
        return participant_id(self.token, self.log)

    def encode(self) -> str:
        """The text form given to the participant."""
        return f"pvr1.{_b64(self.log.encode('utf-8'))}.{self.seq}.{_b64(self.token)}.{_b64(self.nonce)}"

    @classmethod
    def decode(cls, text: str) -> Receipt:
        """Parse the text form; raise ``ValueError`` if it is not a receipt."""
        parts = text.strip().split(".")
        if len(parts) != 5 or parts[0] != "pvr1" or not re.fullmatch(r"[0-9]{1,16}", parts[2]):
            raise ValueError(
                "not a Parvis ledger receipt (expected pvr1.<log>.<seq>.<token>.<nonce>)"
            )
        try:
            log = _unb64(parts[1]).decode("utf-8")
            token, nonce = _unb64(parts[3]), _unb64(parts[4])
        except (ValueError, UnicodeDecodeError):
            raise ValueError("receipt is damaged (bad base64url)") from None
        if len(token) != TOKEN_SIZE or len(nonce) != NONCE_SIZE:
            raise ValueError("receipt is damaged (wrong token or nonce length)")
        return cls(log, int(parts[2]), token, nonce)


def receipt_matches(entry: Entry | dict, receipt: Receipt | str) -> bool:
    """True if ``entry`` is the entry described by ``receipt`` (log, seq, commitment, pseudonym)."""
    if isinstance(receipt, str):
        receipt = Receipt.decode(receipt)
    data = entry.to_dict() if isinstance(entry, Entry) else entry
    return (
        data.get("log") == receipt.log
        and data.get("seq") == receipt.seq
        and isinstance(data.get("receipt"), str)
        and hmac.compare_digest(data["receipt"], receipt.commitment)
        and data.get("participant") == receipt.participant
    )
