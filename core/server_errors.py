"""What a visitor sees when the server fails: Django's ``handler500``.

A database that cannot be reached (PostgreSQL down or restarting, SQLite locked for too long)
is an outage, not a bug: a short 503 page in the request's language with ``Retry-After``, or
the API's error format under ``/api/``. Nothing here touches the database, and the next request
connects again, so pages come back with the database, without a restart. Any other error
keeps the plain 500 page (the API's error middleware writes it in the API's format under
``/api/``).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from core.api.errors import error_response

__all__ = ["DATABASE_UNAVAILABLE", "RETRY_AFTER_SECONDS", "server_error"]

#: What the database driver raises when it cannot be reached.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
#: How long clients are asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def _database_unavailable() -> bool:
    exc = sys.exc_info()[1]
    while exc is not None:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """Called by Django while the exception is being handled (``sys.exc_info()`` is set)."""
    is_api = request.path.startswith(API_PREFIX)
    if _database_unavailable():
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        if is_api:
            return error_response(503, _("Le service est momentanément indisponible. Réessayez dans "
                                         "quelques instants."), code="unavailable", headers=headers)
        html = render_to_string("core/database_unavailable.html", {
            "lang": (get_language() or "fr").split("-")[0], "retry_after": RETRY_AFTER_SECONDS,
        })
        return HttpResponse(html, status=503, headers=headers)
    # Any other error: the plain 500 page, which core.api.middleware.ApiErrorMiddleware turns
    # into the API's error format under /api/.
    return defaults.server_error(request, template_name)
