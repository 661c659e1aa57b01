"""Signed, single-purpose unsubscribe tokens for the links in notification e-mails.

A token carries a user id and a notification kind (``"*"`` for every e-mail). It is signed with
a salt used for nothing else, so a token signed for another purpose (or tampered with) is
refused, and it expires after :data:`MAX_AGE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

SALT = "parvis.notifications.unsubscribe"
MAX_AGE = timedelta(days=365)
ALL_KINDS = "*"


class InvalidToken(Exception):
    """The token is not one of ours, or was altered."""


class ExpiredToken(InvalidToken):
    """The token is genuine but older than :data:`MAX_AGE`."""


@dataclass(frozen=True)
class Unsubscription:
    user_id: int
    kind: str  # a notification kind, or ALL_KINDS


def make_token(user_id: int, kind: str = ALL_KINDS) -> str:
    """A token that unsubscribes user ``user_id`` from e-mails of ``kind`` (or all: ``"*"``)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT)


def read_token(token: str) -> Unsubscription:
    """Check a token's signature and age; raise :class:`InvalidToken` or :class:`ExpiredToken`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from exc
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken(str(exc)) from exc
    if not isinstance(data, dict):
        raise InvalidToken("unexpected payload")
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(kind, str) or not kind or len(kind) > 120:
        raise InvalidToken("unexpected payload")
    return Unsubscription(user_id=user_id, kind=kind)
