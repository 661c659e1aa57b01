"""The Ed25519 key that signs tree heads: a file, generated on first use.

The private key lives in ``PARVIS_LEDGER_KEY_FILE`` (default: ``<data dir>/ledger-signing-key.pem``),
mode 0600. Its public key is recorded in :class:`~core.participation.models.LedgerPublicKey`
the first time it signs, and stays listed after a rotation so that older heads still verify.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from core.ledger import generate_key, key_id, load_private_key, private_key_pem, public_key_b64

__all__ = ["key_path", "signing_key", "register_public_key"]


def key_path() -> Path:
    """Where the private signing key is kept."""
    configured = getattr(settings, "PARVIS_LEDGER_KEY_FILE", None) or os.environ.get(
        "PARVIS_LEDGER_KEY_FILE"
    )
    return Path(configured) if configured else Path(settings.DATA_DIR) / "ledger-signing-key.pem"


def _create(path: Path) -> None:
    """Write a new key without ever exposing a partial or world-readable file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ledger-key-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(private_key_pem(generate_key()))
        try:
            os.link(temporary, path)  # atomic; fails if another process created it first
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def signing_key() -> Ed25519PrivateKey:
    """The instance's head-signing key, created (mode 0600) if there is none yet."""
    path = key_path()
    if not path.exists():
        _create(path)
    return load_private_key(path.read_text(encoding="ascii"))


def register_public_key(private_key: Ed25519PrivateKey) -> str:
    """Record the public half of ``private_key`` (idempotent); return its key id."""
    from core.participation.models import LedgerPublicKey

    public = private_key.public_key()
    identifier = key_id(public)
    LedgerPublicKey.objects.get_or_create(
        key_id=identifier, defaults={"public_key": public_key_b64(public)}
    )
    return identifier
