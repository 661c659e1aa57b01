"""Creating, checking and revoking personal access tokens (see docs/api.md)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.models import ApiToken
from core.plugins import SCOPE_READ, ApiScope

#: Every raw token starts with it, so that secret scanners and people recognise one.
TOKEN_PREFIX = "pvs_"
#: Tokens of one account that may be usable at the same time.
MAX_TOKENS = 20
#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_PRECISION = timedelta(minutes=1)
#: The lifetimes offered on the token page, in days (``0``: no expiry).
LIFETIMES = (30, 90, 365, 0)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def known_scopes() -> dict[str, ApiScope]:
    """The core's scope and those of every plugin's routers, by key."""
    from core.api.main import mounted_routers

    scopes = {SCOPE_READ: ApiScope(SCOPE_READ, _("lire les données de votre compte par l'API"))}
    for _slug, mounted in mounted_routers():
        for scope in mounted.scopes:
            scopes.setdefault(scope.key, scope)
    return scopes


@dataclass
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


def create_token(user, *, name: str, scopes: list[str], lifetime_days: int | None = 90) -> NewToken:
    """Create a token for ``user``; only its hash is kept."""
    unknown = set(scopes) - set(known_scopes())
    if unknown:
        raise ValueError(f"unknown scopes {sorted(unknown)}")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=lifetime_days) if lifetime_days else None
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=hash_token(raw),
        scopes=sorted(set(scopes)), expires_at=expires_at,
    )
    return NewToken(token, raw)


def revoke_token(user, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; ``False`` when it is not theirs or already revoked."""
    return bool(ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))


def token_for(raw: str) -> ApiToken | None:
    """The usable token whose raw value is ``raw`` (its owner loaded), or ``None``."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
