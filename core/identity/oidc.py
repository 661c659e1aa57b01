"""OpenID Connect client: authorization code flow with PKCE, ``state`` and ``nonce`` checked,
ID token signature and claims validated with joserfc.

Network access is narrow: HTTPS only (plain HTTP to loopback only with the test allowance,
see :func:`core.identity.oidc_config.loopback_allowed`), no redirects followed, bounded
timeouts and response sizes. The discovery document and keys are cached for an hour; an
unknown key id refetches the keys once (key rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet, OctKey

from core.identity.normalise import SUBJECT_SALT, keyed_hash
from core.identity.oidc_config import OIDCProvider, loopback_allowed

MAX_RESPONSE_BYTES = 512 * 1024
CACHE_SECONDS = 3600
LEEWAY_SECONDS = 60
#: A flow not finished within this delay is refused (the state is forgotten).
FLOW_MAX_AGE_SECONDS = 600


class OIDCError(Exception):
    """A refused step; ``str(exc)`` is a message for the person (translated)."""


@dataclass(frozen=True)
class OIDCIdentity:
    """The minimum kept from a provider: a keyed hash of the subject and the mapped claims."""

    subject_hash: str
    birth_date: date | None
    areas: tuple[str, ...]
    acr: str


# --- Safe fetching ---------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        raise urllib.error.HTTPError(req.full_url, code, "redirects are not followed", headers, fp)


_opener = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> str:
    """Refuse anything but HTTPS (or, with the test allowance, HTTP to a loopback address)."""
    parts = urllib.parse.urlsplit(url or "")
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and loopback_allowed():
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url
    raise OIDCError(_("Le fournisseur d'identité est mal configuré (adresse non sécurisée : %(url)s).")
                    % {"url": url[:100]})


def _request(url: str, provider: OIDCProvider, *, data: dict | None = None,
             headers: dict | None = None) -> tuple[bytes, str]:
    check_url(url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json",
                                                               **(headers or {})})
    try:
        with _opener.open(request, timeout=provider.timeout) as response:
            content = response.read(MAX_RESPONSE_BYTES + 1)
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise OIDCError(_("Le fournisseur d'identité a refusé la demande (erreur %(code)s).")
                        % {"code": exc.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise OIDCError(_("Le fournisseur d'identité ne répond pas. Réessayez plus tard.")) from None
    if len(content) > MAX_RESPONSE_BYTES:
        raise OIDCError(_("Le fournisseur d'identité a envoyé une réponse trop longue."))
    return content, kind


def _json(content: bytes) -> dict:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, dict):
        raise OIDCError(_("Le fournisseur d'identité a envoyé une réponse illisible."))
    return value


def discovery(provider: OIDCProvider) -> dict:
    """The provider's metadata, checked: same issuer, every endpoint acceptable."""
    key = f"identity:oidc:discovery:{provider.key}:{provider.discovery}"
    document = cache.get(key)
    if document is None:
        document = _json(_request(provider.discovery, provider)[0])
        if document.get("issuer") != provider.issuer:
            raise OIDCError(_("Le fournisseur d'identité ne s'identifie pas comme prévu."))
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(name), str):
                raise OIDCError(_("Le fournisseur d'identité est mal configuré (%(name)s absent).")
                                % {"name": name})
            check_url(document[name])
        if provider.userinfo:
            check_url(document.get("userinfo_endpoint") or "")
        cache.set(key, document, CACHE_SECONDS)
    return document


def _keys(provider: OIDCProvider, document: dict, *, refresh: bool = False) -> KeySet:
    key = f"identity:oidc:jwks:{provider.key}:{document['jwks_uri']}"
    raw = None if refresh else cache.get(key)
    if raw is None:
        raw = _json(_request(document["jwks_uri"], provider)[0])
        cache.set(key, raw, CACHE_SECONDS)
    try:
        return KeySet.import_key_set(raw)
    except (JoseError, ValueError, TypeError, KeyError):
        raise OIDCError(_("Les clés du fournisseur d'identité sont illisibles.")) from None


# --- The flow --------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def begin(provider: OIDCProvider, redirect_uri: str) -> tuple[str, dict]:
    """The URL to send the person to, and what to keep in their session until they return."""
    document = discovery(provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    if provider.acr_values:
        params["acr_values"] = provider.acr_values
    endpoint = document["authorization_endpoint"]
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode(params)
    pending = {"provider": provider.key, "state": state, "nonce": nonce, "verifier": verifier,
               "redirect_uri": redirect_uri, "started": int(time.time())}
    return url, pending


def finish(provider: OIDCProvider, pending: dict, params) -> OIDCIdentity:
    """Check the provider's answer (``params``: the callback's query) against ``pending``,
    exchange the code, validate the ID token; return what is kept, or raise OIDCError."""
    if params.get("error"):
        raise OIDCError(_("La vérification a été interrompue par le fournisseur d'identité."))
    state, code = params.get("state", ""), params.get("code", "")
    if not state or not hmac.compare_digest(str(state), pending["state"]):
        raise OIDCError(_("La réponse ne correspond à aucune demande en cours : recommencez."))
    if int(time.time()) - pending["started"] > FLOW_MAX_AGE_SECONDS:
        raise OIDCError(_("La demande a expiré : recommencez."))
    if not code or len(code) > 2048:
        raise OIDCError(_("Le fournisseur d'identité n'a pas fourni de code."))
    # A code is used once, even if a provider would accept it again.
    if not cache.add(f"identity:oidc:code:{keyed_hash(SUBJECT_SALT, code)}", 1, FLOW_MAX_AGE_SECONDS):
        raise OIDCError(_("Cette réponse a déjà été utilisée : recommencez."))
    document = discovery(provider)
    tokens = _exchange(provider, document, code, pending)
    claims = _validate_id_token(provider, document, tokens.get("id_token"), pending["nonce"])
    if provider.userinfo:
        claims = {**claims, **_userinfo(provider, document, tokens, claims["sub"])}
    return _identity(provider, claims)


def _exchange(provider: OIDCProvider, document: dict, code: str, pending: dict) -> dict:
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": pending["redirect_uri"], "code_verifier": pending["verifier"],
            "client_id": provider.client_id}
    headers = {}
    if provider.token_auth_method == "client_secret_basic":
        pair = f"{urllib.parse.quote(provider.client_id)}:{urllib.parse.quote(provider.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        data["client_secret"] = provider.client_secret
    tokens = _json(_request(document["token_endpoint"], provider, data=data, headers=headers)[0])
    if not isinstance(tokens.get("id_token"), str):
        raise OIDCError(_("Le fournisseur d'identité n'a pas fourni de jeton d'identité."))
    return tokens


def _decode(provider: OIDCProvider, document: dict, value: str):
    """Verify a JWS signature with the provider's keys (or client secret for HS*)."""
    if any(a.startswith("HS") for a in provider.algorithms):
        key = OctKey.import_key(provider.client_secret)
        return jwt.decode(value, key, algorithms=list(provider.algorithms))
    try:
        return jwt.decode(value, _keys(provider, document), algorithms=list(provider.algorithms))
    except JoseError:
        # The provider may have rotated its keys: fetch them again, once.
        return jwt.decode(value, _keys(provider, document, refresh=True),
                          algorithms=list(provider.algorithms))


def _validate_id_token(provider: OIDCProvider, document: dict, value, nonce: str) -> dict:
    try:
        token = _decode(provider, document, value)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True}, iat={"essential": True}, sub={"essential": True},
            nonce={"essential": True},
        )
        registry.validate(token.claims)
    except ExpiredTokenError:
        raise OIDCError(_("Le jeton d'identité a expiré : recommencez.")) from None
    except (JoseError, ValueError, TypeError):
        raise OIDCError(_("Le jeton d'identité n'est pas valide : vous n'avez pas été vérifié."))\
            from None
    claims = token.claims
    if not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise OIDCError(_("Le jeton d'identité ne correspond pas à cette demande : recommencez."))
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise OIDCError(_("Le jeton d'identité n'est pas destiné à ce site."))
    if provider.acr_values and claims.get("acr") not in provider.acr_values.split():
        raise OIDCError(_("Le niveau de vérification du fournisseur d'identité est insuffisant."))
    return claims


def _userinfo(provider: OIDCProvider, document: dict, tokens: dict, subject: str) -> dict:
    access = tokens.get("access_token")
    if not isinstance(access, str):
        raise OIDCError(_("Le fournisseur d'identité n'a pas fourni de jeton d'accès."))
    content, kind = _request(document["userinfo_endpoint"], provider,
                             headers={"Authorization": f"Bearer {access}"})
    if kind == "application/jwt":
        try:
            info = _decode(provider, document, content.decode("ascii")).claims
        except (JoseError, ValueError, UnicodeDecodeError):
            raise OIDCError(_("Les informations du fournisseur d'identité ne sont pas signées "
                              "correctement.")) from None
    else:
        info = _json(content)
    if info.get("sub") != subject:
        raise OIDCError(_("Les informations du fournisseur d'identité ne concernent pas la même "
                          "personne."))
    return info


def _claim(claims: dict, path: str):
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _identity(provider: OIDCProvider, claims: dict) -> OIDCIdentity:
    birth_date = None
    if "birth_date" in provider.claims:
        raw = _claim(claims, provider.claims["birth_date"])
        try:
            birth_date = date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            birth_date = None
    areas = tuple(
        str(value)[:200] for target in ("postcode", "city", "district")
        if target in provider.claims
        for value in [_claim(claims, provider.claims[target])] if isinstance(value, str | int) and value
    )
    subject = keyed_hash(SUBJECT_SALT, f"{provider.issuer}|{claims['sub']}")
    return OIDCIdentity(subject_hash=subject, birth_date=birth_date, areas=areas,
                        acr=str(claims.get("acr") or ""))
