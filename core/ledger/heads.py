"""Signed tree heads: Ed25519 signatures over (log id, tree size, root hash, time).

The signed message is the ASCII string ``parvis-ledger/tree-head/v1`` followed by a
0x0A byte and the canonical JSON of ``{"at", "log", "root", "size"}``. Public keys are
the raw 32-byte Ed25519 keys in standard base64; the key id is the first 16 bytes of
``SHA-256(raw public key)`` in hex. Signatures are 64 bytes in standard base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .entries import canonical_json, parse_time

__all__ = [
    "HeadError",
    "SignedTreeHead",
    "generate_key",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_b64",
    "public_key_pem",
    "sign_head",
    "verify_head",
]

HEAD_DOMAIN = b"parvis-ledger/tree-head/v1\n"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")


class HeadError(ValueError):
    """A tree head or key that cannot be read."""


def generate_key() -> Ed25519PrivateKey:
    """A new Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in standard base64 (the form used in exports)."""
    return base64.b64encode(_raw(public_key)).decode("ascii")


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as a PEM SubjectPublicKeyInfo block."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def private_key_pem(private_key: Ed25519PrivateKey) -> str:
    """The private key as an unencrypted PKCS#8 PEM block (store it as a secret)."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def load_private_key(data: str | bytes) -> Ed25519PrivateKey:
    """Load a private key from PKCS#8 PEM or from a base64 raw 32-byte seed."""
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise HeadError("not an Ed25519 private key")
            return key
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text.strip(), validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise HeadError(f"cannot read the private key: {exc}") from None


def load_public_key(data: str | bytes) -> Ed25519PublicKey:
    """Load a public key from PEM or from the base64 raw 32-byte form."""
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise HeadError("not an Ed25519 public key")
            return key
        raw = base64.b64decode(text.strip(), validate=True)
        if len(raw) != 32:
            raise HeadError("an Ed25519 public key is 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError, binascii.Error) as exc:
        if isinstance(exc, HeadError):
            raise
        raise HeadError(f"cannot read the public key: {exc}") from None


def key_id(public_key: Ed25519PublicKey) -> str:
    """Fingerprint: the first 16 bytes of SHA-256 of the raw public key, in hex."""
    return hashlib.sha256(_raw(public_key)).hexdigest()[:32]


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head and its signature, as published and as stored in exports."""

    log: str
    size: int
    root: str
    at: str
    key_id: str
    signature: str

    def signed_message(self) -> bytes:
        """The exact bytes covered by the signature."""
        return signing_message(self.log, self.size, self.root, self.at)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> SignedTreeHead:
        """Validate a decoded JSON object; raise :class:`HeadError` if malformed."""
        fields = ("at", "key_id", "log", "root", "signature", "size")
        if not isinstance(data, dict) or set(data) != set(fields):
            raise HeadError(f"a head is an object with exactly the keys {', '.join(fields)}")
        if not isinstance(data["log"], str) or not data["log"]:
            raise HeadError("head log must be a non-empty string")
        if type(data["size"]) is not int or data["size"] < 0:
            raise HeadError("head size must be a non-negative integer")
        if not isinstance(data["root"], str) or not _HEX64.fullmatch(data["root"]):
            raise HeadError("head root must be 64 lowercase hex characters")
        if not isinstance(data["key_id"], str) or not _HEX32.fullmatch(data["key_id"]):
            raise HeadError("head key_id must be 32 lowercase hex characters")
        if not isinstance(data["signature"], str):
            raise HeadError("head signature must be a base64 string")
        try:
            parse_time(data["at"])
        except ValueError as exc:
            raise HeadError(f"head at: {exc}") from None
        return cls(**data)


def signing_message(log: str, size: int, root: str, at: str) -> bytes:
    """``"parvis-ledger/tree-head/v1\\n" || canonical_json({at, log, root, size})``."""
    return HEAD_DOMAIN + canonical_json({"at": at, "log": log, "root": root, "size": size})


def sign_head(
    private_key: Ed25519PrivateKey, log: str, size: int, root: bytes | str, at: str
) -> SignedTreeHead:
    """Sign a tree head; ``root`` may be raw bytes or lowercase hex, ``at`` a timestamp string."""
    root_hex = root.hex() if isinstance(root, bytes) else root
    parse_time(at)
    signature = private_key.sign(signing_message(log, size, root_hex, at))
    return SignedTreeHead(
        log=log,
        size=size,
        root=root_hex,
        at=at,
        key_id=key_id(private_key.public_key()),
        signature=base64.b64encode(signature).decode("ascii"),
    )


def verify_head(
    head: SignedTreeHead,
    public_keys: Ed25519PublicKey | dict[str, Ed25519PublicKey] | list[Ed25519PublicKey],
) -> bool:
    """True if ``head`` carries a valid signature by one of ``public_keys`` (matched by key id)."""
    if isinstance(public_keys, Ed25519PublicKey):
        public_keys = [public_keys]
    if isinstance(public_keys, list):
        public_keys = {key_id(key): key for key in public_keys}
    key = public_keys.get(head.key_id)
    if key is None:
        return False
    try:
        signature = base64.b64decode(head.signature, validate=True)
        key.verify(signature, head.signed_message())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
