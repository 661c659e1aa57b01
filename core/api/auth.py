"""Who calls the API: a bearer token, a browser session, or nobody.

- ``Authorization: Bearer pvs_...``: the token's owner, limited to the token's scopes. Sessions
  and CSRF are ignored. A malformed, unknown, expired or revoked token answers 401, whatever the
  endpoint (a client that sends a token wants to know it does not work).
- No ``Authorization`` header, a signed-in browser session: the session's account; unsafe
  methods (POST...) must carry the CSRF token like any form of the site, or answer 403.
- Neither: an anonymous caller, allowed where the web pages allow visitors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from core.api.errors import ApiError

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Caller:
    """The authenticated side of an API request (``request.auth``)."""

    user: Any
    token: Any = None  # core.api.models.ApiToken when the call carries a token

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def __bool__(self) -> bool:  # ninja tries the next method when an auth callback is falsy
        return True


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; any other Authorization header is refused (401)."""

    def __call__(self, request: HttpRequest):
        value = request.headers.get(self.header)
        if value is None:
            return None
        scheme, _sep, raw = value.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise ApiError(401, _("En-tête Authorization non valable : utilisez « Bearer <jeton> »."),
                           code="unauthorized")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str):
        from core.api.tokens import token_for

        found = token_for(token)
        if found is None:
            raise ApiError(401, _("Jeton d'accès inconnu, expiré ou révoqué."), code="invalid_token")
        return Caller(found.user, found)


def session_caller(request: HttpRequest):
    """The signed-in account of a browser session; CSRF is checked on unsafe methods."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
        raise ApiError(403, _("Jeton CSRF absent ou incorrect : une requête faite avec la session "
                              "du navigateur doit porter le jeton CSRF."), code="csrf_failed")
    return Caller(user)


def anonymous_caller(request: HttpRequest):
    return Caller(AnonymousUser())


bearer = BearerToken()

#: Endpoints open to everyone (a token or a session only tells who calls).
ANYONE = [bearer, session_caller, anonymous_caller]
#: Endpoints for an account: a token, or a session with CSRF.
ACCOUNT = [bearer, session_caller]
#: Endpoints for a token only.
TOKEN = [bearer]


def caller(request: HttpRequest) -> Caller:
    return getattr(request, "auth", None) or Caller(AnonymousUser())


def require_scope(request: HttpRequest, scope: str) -> Caller:
    """The caller, if it may act with ``scope``: a token must hold it; a session may."""
    who = caller(request)
    if who.token is not None and not who.token.has_scope(scope):
        raise ApiError(403, _("Ce jeton n'a pas la portée « %(scope)s ».") % {"scope": scope},
                       code="insufficient_scope", details={"required_scope": scope})
    return who
