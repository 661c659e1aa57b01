"""Every error answer under ``/api/`` in the API's error format, wherever it was made.

The API's views answer their own errors (core/api/errors.py). Other answers under ``/api/``
come from Django itself: a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, an unhandled
exception (500), a host name refused (400), a path outside ``/api/v1/`` (404). An integrator
tests ``error.code`` whatever the status, so those are rewritten too, keeping their status and
headers (``Allow``, cookies...).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.api.errors import error_response

PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(PREFIX)


def too_large_response() -> HttpResponse:
    """413 ``too_large``: the body is larger than the instance accepts."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(413, _("Le corps de la requête dépasse la taille acceptée (%(limit)s octets).")
                          % {"limit": limit}, code="too_large", details={"max_bytes": limit})


def _message(request: HttpRequest, status: int) -> tuple[str, str]:
    if status == 404:
        return _("Aucun point d'accès de l'API à cette adresse."), "not_found"
    if status == 405:
        return _("Méthode %(method)s non acceptée ici.") % {"method": request.method}, "method_not_allowed"
    if status == 413:
        return _("Le corps de la requête dépasse la taille acceptée."), "too_large"
    if status >= 500:
        return _("Erreur du serveur : elle a été enregistrée. Réessayez plus tard."), "server_error"
    if status in (401, 403):
        return _("Vous n'avez pas le droit de faire cela."), ""
    return _("La requête n'est pas valable."), ""


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


class ApiErrorMiddleware:
    """Rewrites error answers under ``/api/`` that are not JSON into the API's error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request) or _is_json(response):
            return response
        message, code = _message(request, response.status_code)
        rewritten = error_response(response.status_code, message, code=code)
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length", "content-disposition"):
                rewritten[header] = value
        rewritten.cookies = response.cookies
        return rewritten

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Django answers a body too large with a bare 400; the API says what happened.
        if isinstance(exception, RequestDataTooBig) and is_api_request(request):
            return too_large_response()
        return None
