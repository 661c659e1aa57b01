"""OpenID Connect providers, configured by the ``PARVIS_OIDC_PROVIDERS`` JSON (docs/identity.md).

Example (FranceConnect-like)::

    [{"key": "franceconnect", "label": "FranceConnect",
      "issuer": "https://oidc.franceconnect.gouv.fr/api/v2",
      "client_id": "...", "client_secret_env": "FRANCECONNECT_SECRET",
      "scopes": ["openid", "birthdate"], "acr_values": "eidas1",
      "claims": {"birth_date": "birthdate"}, "userinfo": true, "identity_level": 3}]
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.plugins import PROOF_AGE, PROOF_IDENTITY, PROOF_RESIDENCE

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "HS256", "HS384", "HS512")
CLAIM_TARGETS = ("birth_date", "postcode", "city", "district")


@dataclass(frozen=True)
class OIDCProvider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    discovery_url: str = ""
    scopes: tuple[str, ...] = ("openid",)
    claims: dict[str, str] = field(default_factory=dict)
    acr_values: str = ""
    algorithms: tuple[str, ...] = ("RS256", "ES256", "PS256")
    token_auth_method: str = "client_secret_post"
    userinfo: bool = False
    identity_level: int = 3
    validity_days: int = 365
    timeout: float = 5.0

    @property
    def discovery(self) -> str:
        return self.discovery_url or self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def proves(self) -> frozenset[str]:
        proves = {PROOF_IDENTITY}
        if "birth_date" in self.claims:
            proves.add(PROOF_AGE)
        if {"postcode", "city", "district"} & set(self.claims):
            proves.add(PROOF_RESIDENCE)
        return frozenset(proves)

    @property
    def validity(self) -> timedelta | None:
        return timedelta(days=self.validity_days) if self.validity_days > 0 else None


def _raw_config():
    value = getattr(settings, "PARVIS_OIDC_PROVIDERS", None)
    if value is None:
        value = os.environ.get("PARVIS_OIDC_PROVIDERS", "")
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS is not valid JSON ({exc}).") from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ImproperlyConfigured("PARVIS_OIDC_PROVIDERS must be a JSON list of providers.")
    return value


def _provider(item: dict) -> OIDCProvider:
    if not isinstance(item, dict):
        raise ImproperlyConfigured("Each entry of PARVIS_OIDC_PROVIDERS must be a JSON object.")
    missing = [name for name in ("key", "issuer", "client_id") if not item.get(name)]
    if missing:
        raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS: a provider lacks {', '.join(missing)}.")
    key = str(item["key"])
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", key):
        raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS: key {key!r} must be [a-z0-9_-].")
    secret = item.get("client_secret", "")
    if item.get("client_secret_env"):
        secret = os.environ.get(item["client_secret_env"], "")
        if not secret:
            raise ImproperlyConfigured(
                f"PARVIS_OIDC_PROVIDERS: {key}: the variable {item['client_secret_env']} is empty.")
    claims = dict(item.get("claims") or {})
    unknown = set(claims) - set(CLAIM_TARGETS)
    if unknown:
        raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS: {key}: unknown claim mapping "
                                   f"{sorted(unknown)}; use {CLAIM_TARGETS}.")
    algorithms = tuple(item.get("algorithms") or OIDCProvider.algorithms)
    if not set(algorithms) <= set(SIGNING_ALGORITHMS):
        raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS: {key}: algorithms must be among "
                                   f"{SIGNING_ALGORITHMS} ('none' is never accepted).")
    auth = item.get("token_auth_method", "client_secret_post")
    if auth not in ("client_secret_post", "client_secret_basic"):
        raise ImproperlyConfigured(f"PARVIS_OIDC_PROVIDERS: {key}: token_auth_method must be "
                                   "client_secret_post or client_secret_basic.")
    scopes = tuple(item.get("scopes") or ("openid",))
    if "openid" not in scopes:
        scopes = ("openid", *scopes)
    return OIDCProvider(
        key=key, label=str(item.get("label") or key), issuer=str(item["issuer"]),
        client_id=str(item["client_id"]), client_secret=secret,
        discovery_url=str(item.get("discovery_url") or ""), scopes=scopes, claims=claims,
        acr_values=str(item.get("acr_values") or ""), algorithms=algorithms,
        token_auth_method=auth, userinfo=bool(item.get("userinfo", False)),
        identity_level=int(item.get("identity_level", 3)),
        validity_days=int(item.get("validity_days", 365)),
        timeout=float(item.get("timeout", 5.0)),
    )


def providers() -> dict[str, OIDCProvider]:
    """The configured providers by key (read on each call, so tests may change settings)."""
    result: dict[str, OIDCProvider] = {}
    for item in _raw_config():
        provider = _provider(item)
        result[provider.key] = provider
    return result


def loopback_allowed() -> bool:
    """Test-only: allow plain HTTP to 127.0.0.1/::1/localhost for the discovery document, the
    keys and the endpoints. Off unless ``PARVIS_OIDC_ALLOW_LOOPBACK_HTTP`` is set, or in test
    mode."""
    value = getattr(settings, "PARVIS_OIDC_ALLOW_LOOPBACK_HTTP", None)
    if value is None:
        env = os.environ.get("PARVIS_OIDC_ALLOW_LOOPBACK_HTTP")
        value = env.lower() in {"1", "true", "yes", "on"} if env else getattr(settings, "MODE", "") == "test"
    return bool(value)
