"""The ``NinjaAPI`` of the instance: the core's endpoints, then each plugin's router.

Built once, when the URLs are loaded (:func:`build_api`); ``core/api/urls.py`` mounts it under
``/api/v1/``.
"""

from __future__ import annotations

from functools import cache, wraps

from django.conf import settings
from django.http import HttpRequest
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from core import __version__
from core.api import errors
from core.api.auth import ANYONE, anonymous_caller, session_caller
from core.api.pagination import Page

API_DESCRIPTION = """The public API of a Parvis instance: organisations, participatory spaces and
the public objects of each participation module (petitions...). Reads are open to everyone;
writes take a personal access token (`Authorization: Bearer pvs_...`) with the right scope,
created by a signed-in person on the page « Accès à l'API » of their account. Errors always
have the shape `{"error": {"code", "message", "details"}}`. See docs/api.md."""


@cache
def mounted_routers() -> list[tuple[str, object]]:
    """``(plugin slug, ApiRouter)`` of every loaded plugin (the ``api_routers`` hook)."""
    from core.plugin_host import call_each
    from core.plugins import ApiRouter

    mounted = []
    for slug, routers in call_each("api_routers"):
        for router in routers:
            if not isinstance(router, ApiRouter):
                raise TypeError(f"{slug}: api_routers must return ApiRouter objects, not {router!r}")
            mounted.append((slug, router))
    return mounted


def plugin_gate(slug: str, api: NinjaAPI):
    """A plugin's endpoints answer 404 where the organisation of the request disabled it."""

    def decorator(run):
        @wraps(run)
        def gated(request: HttpRequest, *args, **kwargs):
            organisation = getattr(request, "organisation", None)
            if slug != "core" and organisation and slug not in organisation.enabled_plugins():
                return api.create_response(request, errors.error_body(
                    404, _("Ce module de participation n'est pas activé ici."), code="module_disabled",
                ), status=404)
            return run(request, *args, **kwargs)

        return gated

    return decorator


class ParvisOpenAPISchema(OpenAPISchema):
    """ninja's document, with the security each operation really has and the lists' page range.

    ninja declares only the bearer token, as if it were required everywhere. An operation open
    to anyone also accepts no credentials (the empty requirement ``{}``: authentication is
    optional), and one that accepts a browser session says so (the session cookie; unsafe
    methods also need the CSRF token).
    """

    def operation_parameters(self, operation):
        parameters = super().operation_parameters(operation)
        ok = getattr(operation, "response_models", {}).get(200)
        ok = getattr(getattr(ok, "model_fields", {}).get("response"), "annotation", None)  # ninja's wrapper
        if isinstance(ok, type) and issubclass(ok, Page):
            # The lists' ``page`` goes from 1 (core.api.pagination.paginate refuses less).
            for parameter in parameters:
                if parameter["in"] == "query" and parameter["name"] == "page":
                    parameter["schema"]["minimum"] = 1
        return parameters

    def operation_security(self, operation):
        security = list(super().operation_security(operation) or [])
        if session_caller in operation.auth_callbacks:
            self.securitySchemes["SessionCookie"] = {
                "type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                "description": "The session of a signed-in browser. POST, PUT, PATCH and DELETE also "
                               "carry the CSRF token in the X-CSRFToken header.",
            }
            security.append({"SessionCookie": []})
        if anonymous_caller in operation.auth_callbacks:
            security.append({})
        return security or None


class ParvisAPI(NinjaAPI):
    def get_root_path(self, path_params: dict) -> str:
        from django.urls import reverse

        return reverse("api:index", kwargs=path_params)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ParvisOpenAPISchema(self, path_prefix)


def build_api() -> NinjaAPI:
    from core.api.endpoints import router as core_router

    api = ParvisAPI(
        title="Parvis", version="1", description=API_DESCRIPTION, urls_namespace="api",
        docs_url=None, auth=ANYONE,
        openapi_extra={"info": {"x-parvis-version": __version__}},
    )
    errors.install(api)
    api.add_router("", core_router, tags=["core"])
    for slug, mounted in mounted_routers():
        mounted.router.add_decorator(plugin_gate(slug, api), mode="view")
        api.add_router(mounted.prefix.strip("/"), mounted.router, tags=list(mounted.tags) or [slug],
                       url_name_prefix=slug)
    return api


def _json_405(view):
    """Django-level refusals of ninja (405) in the common error format."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            return errors.error_response(
                405, _("Méthode %(method)s non acceptée ici.") % {"method": request.method},
                headers={"Allow": response.get("Allow", "")},
            )
        return response

    return wrapped


def api_index(request: HttpRequest, **kwargs):
    from django.http import JsonResponse
    from django.urls import reverse

    if request.method not in ("GET", "HEAD"):
        return errors.error_response(405, _("Méthode %(method)s non acceptée ici.") % {"method": request.method},
                                     headers={"Allow": "GET, HEAD"})
    return JsonResponse({"name": "Parvis", "version": "1", "openapi": reverse("api:openapi-json")})


def api_not_found(request: HttpRequest, rest: str = ""):
    return errors.error_response(404, _("Aucun point d'accès de l'API à cette adresse."),
                                 code="not_found", details={"path": request.path})


def urlpatterns() -> list:
    """The API's URL patterns: ninja's, with JSON 405s, an index and a JSON 404 for the rest."""
    api = build_api()
    patterns, _app, _namespace = api.urls
    wrapped = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            continue
        if pattern.name == "api-root":  # ninja's root (its docs link): the API's index instead
            wrapped.append(path("", api_index, name="index"))
            continue
        wrapped.append(URLPattern(pattern.pattern, _json_405(pattern.callback), pattern.default_args,
                                  pattern.name))
    from django.views.decorators.csrf import csrf_exempt

    return [
        *wrapped,
        re_path(r"^(?P<rest>.*)$", csrf_exempt(api_not_found), name="not_found"),
    ]
