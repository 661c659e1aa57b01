"""One error format for the whole API: ``{"error": {"code", "message", "details"}}``.

Every refusal (400, 401, 403, 404, 405, 409, 413, 422, 429) and server error (500) has this
shape, including those Django makes outside the API's views (core/api/middleware.py); ``code`` is a stable
English identifier an integrator can test, ``message`` a sentence for people (in the language
of the request, French by default), ``details`` extra data or ``null``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

#: The default ``code`` of each status.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """The body of every error response."""

    error: ErrorBody


class ApiError(HttpError):
    """Raise it in an endpoint to answer ``status`` with the common error format."""

    def __init__(self, status: int, message: str, *, code: str = "", details: Any = None) -> None:
        super().__init__(status, str(message))
        self.code = code or CODES.get(status, "error")
        self.details = details


def error_body(status: int, message: str, *, code: str = "", details: Any = None) -> dict:
    return {"error": {"code": code or CODES.get(status, "error"), "message": str(message),
                      "details": details}}


def error_response(status: int, message: str, *, code: str = "", details: Any = None,
                   headers: dict[str, str] | None = None) -> HttpResponse:
    """An error response built outside ninja (405 and unknown URLs under /api/v1/)."""
    response = HttpResponse(json.dumps(error_body(status, message, code=code, details=details)),
                            status=status, content_type="application/json; charset=utf-8",
                            headers=headers)
    return response


#: Refusal codes of the services' ValidationErrors that are not a 400.
STATUS_OF_CODE = {"rate_limited": 429, "not_eligible": 403}


def install(api) -> None:
    """Install the handlers that turn exceptions into the common format."""

    def respond(request, status, message, *, code="", details=None):
        return api.create_response(request, error_body(status, message, code=code, details=details),
                                   status=status)

    def on_api_error(request: HttpRequest, exc: ApiError):
        return respond(request, exc.status_code, exc.message, code=exc.code, details=exc.details)

    def on_http_error(request: HttpRequest, exc: HttpError):
        message = exc.message
        code = ""
        if exc.status_code == 400 and message == "Cannot parse request body":
            message, code = _("Le corps de la requête doit être un objet JSON valable."), "invalid_json"
        elif isinstance(exc, AuthenticationError):
            message = _("Jeton d'accès absent, non valable, expiré ou révoqué.")
        elif isinstance(exc, Throttled):
            message = _("Trop de requêtes. Réessayez plus tard.")
        return respond(request, exc.status_code, message, code=code)

    def on_validation(request: HttpRequest, exc: NinjaValidationError):
        details = [
            {"location": [str(part) for part in error.get("loc", ())], "message": error.get("msg", ""),
             "type": error.get("type", "")}
            for error in exc.errors
        ]
        return respond(request, 422, _("La requête contient des valeurs non valables."), details=details)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError):
        codes = {getattr(error, "code", None) for error in exc.error_list} if hasattr(exc, "error_list") else set()
        status = next((STATUS_OF_CODE[c] for c in codes if c in STATUS_OF_CODE), 400)
        code = next((c for c in codes if c in STATUS_OF_CODE), "")
        return respond(request, status, " ".join(exc.messages), code=code)

    def on_not_found(request: HttpRequest, exc: Http404):
        return respond(request, 404, _("Cette ressource n'existe pas ou n'est pas publique."))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied):
        return respond(request, 403, str(exc) or _("Vous n'avez pas le droit de faire cela."))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
