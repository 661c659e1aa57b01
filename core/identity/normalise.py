"""Normal forms of names and areas, and keyed hashes of identities.

Names and areas are compared in a normal form (lower case, no accents, hyphens and
apostrophes as spaces), so that "Saint-Aubin-des-Prés" matches "saint aubin des pres".
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings
from django.utils.crypto import salted_hmac

#: Dedicated salts: a leak of one kind of hash says nothing about another.
CENSUS_SALT = "parvis.identity.census.v1"
SUBJECT_SALT = "parvis.identity.oidc-subject.v1"
CODE_SALT = "parvis.identity.one-time-code.v1"


def normalise_text(value: str) -> str:
    """Lower case, accents removed, separators as single spaces."""
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    value = re.sub(r"[\s\-'’‘`.,_]+", " ", value.casefold())
    return value.strip()


def normalise_area(value: str) -> str:
    """Normal form of a commune, district or postcode ("35 000" → "35000")."""
    text = normalise_text(value)
    compact = text.replace(" ", "")
    return compact if compact.isdigit() and len(compact) == 5 else text


def first_given_name(value: str) -> str:
    """People type their usual given name; registers hold them all: match on the first one."""
    parts = normalise_text(value).split(" ")
    return parts[0] if parts else ""


def keyed_hash(salt: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` with a key derived from ``SECRET_KEY`` and ``salt``."""
    return salted_hmac(salt, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def identity_hash(family_name: str, given_names: str, birth_date: date) -> str:
    """The census key of a person: normalised family name, first given name, birth date."""
    value = "|".join((normalise_text(family_name), first_given_name(given_names),
                      birth_date.isoformat()))
    return keyed_hash(CENSUS_SALT, value)


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
