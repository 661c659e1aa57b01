"""Person keys: who took part, as a keyed hash, never the identity itself.

A participation record stores a *person key*, an HMAC-SHA256 of a canonical identity under a
key derived from the participation secret (``PARVIS_PARTICIPATION_SECRET``, by default
``SECRET_KEY``) with a dedicated salt. The same person gets the same key on every channel, so
the database's unique constraint on (subject, person key) forbids a second participation.

Changing the secret changes every person key and every ledger pseudonym; since identities are
not stored, keys cannot be recomputed afterwards. See "Operators" in ``docs/participation.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from datetime import date

from django.conf import settings

__all__ = [
    "participation_secret",
    "person_key_from_email",
    "person_key_from_identity",
    "normalise_email",
    "normalise_name",
]

_SPACES = re.compile(r"\s+")
# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o",
                            "đ": "d", "Đ": "d", "ł": "l", "Ł": "l"})
# Hyphens, apostrophes and dots in names are typed inconsistently on paper and on screen.
_SEPARATORS = str.maketrans({c: " " for c in "-‐‑‒–—'’ʼ`´.,"})


def participation_secret(purpose: str) -> bytes:
    """A 32-byte key for one ``purpose``, derived from the participation secret."""
    secret = (
        getattr(settings, "PARVIS_PARTICIPATION_SECRET", None)
        or os.environ.get("PARVIS_PARTICIPATION_SECRET")
        or settings.SECRET_KEY
    )
    message = b"parvis.participation/" + purpose.encode("ascii")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _person_key(canonical: str) -> str:
    key = participation_secret("person-key/v1")
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    """Trimmed, Unicode NFKC, lower case. Dots and ``+tags`` are kept (see ``docs/participation.md``)."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def normalise_name(name: str) -> str:
    """Accents stripped, case folded, separators and runs of white space made one space."""
    text = unicodedata.normalize("NFKC", name).translate(_LIGATURES).translate(_SEPARATORS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SPACES.sub(" ", text.casefold()).strip()


def person_key_from_email(email: str) -> str:
    """The person key of an e-mail address (64 hex characters)."""
    normalised = normalise_email(email)
    if "@" not in normalised:
        raise ValueError("not an e-mail address")
    return _person_key("email/v1\x00" + normalised)


def person_key_from_partner(domain: str, pseudonym: str) -> str:
    """The person key of someone a partner instance vouches for under ``pseudonym`` (their
    pseudonym for this instance: the same person signing on the web here gets another key)."""
    return _person_key("partner/v1\x00" + domain.strip().lower() + "\x00" + pseudonym)


def person_key_from_identity(
    family_name: str, given_names: str, birth_date: date | str, postcode: str = ""
) -> str:
    """The person key of a civil identity (64 hex characters).

    ``birth_date`` is a date or an ISO ``YYYY-MM-DD`` string. A subject either always or never
    includes the postcode: the same person with and without it gets two different keys.
    """
    if isinstance(birth_date, str):
        birth_date = date.fromisoformat(birth_date.strip())
    family, given = normalise_name(family_name), normalise_name(given_names)
    if not family or not given:
        raise ValueError("family name and given names are required")
    code = _SPACES.sub("", unicodedata.normalize("NFKC", postcode)).upper()
    return _person_key("\x00".join(("identity/v1", family, given, birth_date.isoformat(), code)))
