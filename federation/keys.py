"""RSA keys of local actors: creation, encryption at rest, rotation, signing secrets.

Private keys are stored as PKCS#8 PEM encrypted with a key derived from ``SECRET_KEY``
(``PARVIS_FEDERATION_KEY_SECRET`` when set, so that the Django secret can change on its own).
"""

from __future__ import annotations

import functools
import secrets

from bovine.crypto import generate_rsa_public_private_key
from bovine.crypto.types import CryptographicSecret
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from federation import conf
from federation.models import Actor, KeyPair


def _passphrase() -> bytes:
    secret = getattr(settings, "PARVIS_FEDERATION_KEY_SECRET", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"parvis-federation-keys",
                info=b"private-key-pem").derive(secret.encode())


def _encrypt(private_pem: str) -> bytes:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(_passphrase()),
    )


def create_key(actor: Actor) -> KeyPair:
    """A new current RSA-2048 key for a local actor."""
    public_pem, private_pem = generate_rsa_public_private_key()
    return KeyPair.objects.create(
        actor=actor, key_id=f"{actor.uri}#key-{secrets.token_hex(4)}", public_pem=public_pem,
        private_pem_encrypted=_encrypt(private_pem),
    )


def current_key(actor: Actor) -> KeyPair:
    key = actor.keys.filter(retired_at__isnull=True).first()
    return key or create_key(actor)


@transaction.atomic
def rotate_key(actor: Actor) -> KeyPair:
    """Retire the current key (published until the grace period ends) and make a new one."""
    now = timezone.now()
    actor.keys.filter(retired_at__isnull=True).update(
        retired_at=now, expires_at=now + conf.RETIRED_KEY_GRACE
    )
    return create_key(actor)


def published_keys(actor: Actor) -> list[KeyPair]:
    """The current key first, then retired keys still within their grace period."""
    now = timezone.now()
    keys = [k for k in actor.keys.all() if k.retired_at is None or (k.expires_at and k.expires_at > now)]
    return sorted(keys, key=lambda k: (k.retired_at is not None, -(k.pk or 0)))


@functools.lru_cache(maxsize=256)
def _decrypt(encrypted: bytes, passphrase: bytes):
    # Decrypting runs the PEM's key derivation, tens of milliseconds: far more than signing.
    # Each decrypted key is kept in this process, keyed by its ciphertext and passphrase, so
    # that a rotated key or a changed secret is never served from the cache.
    return serialization.load_pem_private_key(encrypted, password=passphrase)


def signing_secret(actor: Actor) -> CryptographicSecret:
    """What bovine signs with: the current key of ``actor``."""
    key = current_key(actor)
    return CryptographicSecret(key.key_id, _decrypt(bytes(key.private_pem_encrypted), _passphrase()))
