"""Which organisation a request is for, the redirect to an organisation's own host, 404 for
plugins it has disabled, text that cannot be stored refused at the door, and the server cache's
keys."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware import cache as django_cache
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from wagtail.models import Site

from core.api.errors import error_response
from core.api.middleware import is_api_request, too_large_response
from core.hosts import OrganisationElsewhere
from core.plugin_host import registry
from core.process_cache import ProcessCache

# Every page needs it and it changes rarely: kept in each process's memory
# (PARVIS_ORGANISATION_CACHE_SECONDS), forgotten at once when an organisation or a site is saved
# in this process.
_organisation_of_host = ProcessCache("PARVIS_ORGANISATION_CACHE_SECONDS", 60,
                                     watch=["core.Organisation", "core.PluginSetting", "wagtailcore.Site"])


def organisation_for(request: HttpRequest):
    """The organisation whose Wagtail site matches the request's host name, if any."""
    from core.models import Organisation

    host = request.get_host()
    cached = _organisation_of_host.get(host)
    if cached is not None:
        return cached or None
    site = Site.find_for_request(request)
    organisation = Organisation.objects.filter(site=site).first() if site is not None else None
    _organisation_of_host.set(host, organisation or False)
    return organisation


class OrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.organisation = SimpleLazyObject(lambda: organisation_for(request))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A page asked for on another organisation's host (``core.hosts.serve_here``): a
        temporary redirect, since the organisation may later get (or lose) a host of its own."""
        if isinstance(exception, OrganisationElsewhere):
            return HttpResponseRedirect(exception.url)
        return None


class PluginGateMiddleware:
    """A plugin disabled for the request's organisation contributes nothing: its URLs 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not match or not match.namespaces:
            return None
        slug = match.namespaces[0]
        if slug not in registry.discovered:
            return None
        plugin = registry.discovered[slug]
        organisation = request.organisation
        if not plugin.loaded or (organisation and slug not in organisation.enabled_plugins()):
            raise Http404("This participation module is not enabled here.")
        return None


# --- Text that cannot be stored -------------------------------------------------------------

#: A lone half of a UTF-16 surrogate pair: a Python string can hold one, UTF-8 (so the
#: database, the templates, the e-mails) cannot encode it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a JSON body holding one looks like before it is parsed: an escape ``\ud800``, or the
#: bytes UTF-8 would give a surrogate (json.loads decodes bytes with "surrogatepass").
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_SECRET_FIELD = re.compile(r"password|csrfmiddlewaretoken", re.IGNORECASE)


def _shown(text: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", text)


def _in_json(value, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if LONE_SURROGATE.search(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if LONE_SURROGATE.search(key):
                yield (*path, _shown(key))
            yield from _in_json(item, (*path, _shown(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, (*path, str(index)))


def _in_fields(where: str, fields) -> Iterator[tuple[str, ...]]:
    for key, values in fields.lists():
        if LONE_SURROGATE.search(key) or any(LONE_SURROGATE.search(getattr(v, "name", v) or "") for v in values):
            yield (where, _shown(key))


#: Outside the API, JSON bodies larger than this are not parsed here (the inboxes accept 256 KiB).
JSON_CHECK_MAX_BYTES = 256 * 1024


def _small(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) <= JSON_CHECK_MAX_BYTES
    except ValueError:
        return False


def unencodable_text(request: HttpRequest) -> list[tuple[str, ...]]:
    """Where the request carries text UTF-8 cannot encode: ``("query", name)``,
    ``("form", name)`` or ``("body", key, ...)`` for a JSON body.

    Browsers never send such text; it comes in through a JSON escape (``"\\ud800"``) or a
    declared charset that decodes to it (``charset=utf-7`` on a query string or a multipart
    form). Reads ``request.body`` for JSON bodies (may raise ``RequestDataTooBig``).
    """
    found = list(_in_fields("query", request.GET))
    if request.method == "POST" and request.content_type in _FORMS:
        if is_api_request(request):
            # Read the raw body first: the API may still parse it (as JSON), which Django forbids
            # once a multipart form has been parsed from the stream. Too large, it stays unread.
            with suppress(RequestDataTooBig):
                request.body  # noqa: B018
        found += _in_fields("form", request.POST)
        found += _in_fields("form", request.FILES)
    elif request.method in ("POST", "PUT", "PATCH", "DELETE") and (
            is_api_request(request) or ("json" in request.content_type and _small(request))):
        # The API reads any body as JSON. Elsewhere (the ActivityPub inboxes) a body over
        # JSON_CHECK_MAX_BYTES is left to its view, which refuses it before parsing anything.
        body = request.body
        if body and (_JSON_SURROGATE.search(body) or json.detect_encoding(body) != "utf-8"):
            try:
                found += list(_in_json(json.loads(body), ("body",)))
            except (ValueError, RecursionError):
                pass  # not JSON: the view says so
    return found


class UnencodableTextMiddleware:
    """Refuses (400) a request whose query string, form or JSON body holds text that cannot be
    stored, before any view sees it: one check for every form and every API body.

    The API gets its error format (``unencodable_text``, ``details`` listing each place); a page
    gets a page that says which fields to correct and sends the form again with everything
    else the person typed (passwords excepted), so nothing is lost.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = unencodable_text(request)
        except RequestDataTooBig:
            if is_api_request(request):
                return too_large_response()
            raise
        if not found:
            return self.get_response(request)
        fields = ", ".join(" ".join(place[1:]) or place[0] for place in found)
        message = _("Le texte envoyé contient des caractères qui ne peuvent pas être enregistrés "
                    "(des moitiés isolées de paires UTF-16) : %(fields)s. Corrigez et envoyez à nouveau.") % {
            "fields": fields}
        if is_api_request(request) or "json" in request.content_type:
            return error_response(400, message, code="unencodable_text",
                                  details=[{"location": list(place)} for place in found])
        return self._page(request, message, found)

    def _page(self, request: HttpRequest, message: str, found: list[tuple[str, ...]]) -> HttpResponse:
        refused = {place[1] for place in found if place[0] == "form"}
        form = []
        if request.method == "POST" and request.content_type in _FORMS:
            for key, values in request.POST.lists():
                name = _shown(key)
                if _SECRET_FIELD.search(name):
                    continue
                form += [{"name": name, "value": _shown(v), "refused": name in refused} for v in values]
        query = urlencode([(k, v) for k, values in request.GET.lists() for v in values
                           if not LONE_SURROGATE.search(k + v)])
        # One leading slash: "//host/x" would be another site, and the form carries a CSRF token.
        action = "/" + request.path.lstrip("/") + (f"?{query}" if query else "")
        response = render(request, "core/unencodable_text.html", {
            "message": message, "form": form, "action": action,
            "dropped_secret": any(_SECRET_FIELD.search(k) and k != "csrfmiddlewaretoken" for k in request.POST),
            "had_files": bool(request.method == "POST" and request.FILES),
        }, status=400)
        response["Cache-Control"] = "no-store"
        return response


# --- The server cache's keys ----------------------------------------------------------------


def cache_parameters(*names: str) -> Callable:
    """Declare the query parameters a cacheable view's answer depends on.

    The server cache (``Cache-Control: public, max-age=N``) then keys the view's answers on
    those parameters only: ``?utm_source=...`` or any other parameter the view ignores reads
    the same entry instead of storing one more copy per query string. A view without the
    declaration is keyed on its whole query string, as Django does.
    """

    def decorator(view: Callable) -> Callable:
        view.cache_parameters = frozenset(names)
        return view

    return decorator


def _declared_parameters(request: HttpRequest, view: Callable | None) -> frozenset[str] | None:
    if view is None:  # before the view is resolved (the cache is read first)
        try:
            view = resolve(request.path_info, getattr(request, "urlconf", None)).func
        except Resolver404:
            return None
    return getattr(view, "cache_parameters", None)


@contextmanager
def _keyed_on_declared_parameters(request: HttpRequest, view: Callable | None = None) -> Iterator[None]:
    """While a cache key is computed, the query string holds only the declared parameters."""
    query = request.META.get("QUERY_STRING", "")
    known = _declared_parameters(request, view) if query else None
    if known is None:
        yield
        return
    request.GET  # noqa: B018 - parsed from the real query string before the key is computed
    kept = sorted(((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k in known),
                  key=lambda pair: pair[0])
    request.META["QUERY_STRING"] = urlencode(kept)
    try:
        yield
    finally:
        request.META["QUERY_STRING"] = query


class UpdateCacheMiddleware(django_cache.UpdateCacheMiddleware):
    """Django's, keyed on the parameters the view declared (:func:`cache_parameters`)."""

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        with _keyed_on_declared_parameters(request, match.func if match else None):
            return super().process_response(request, response)


class FetchFromCacheMiddleware(django_cache.FetchFromCacheMiddleware):
    """Django's, keyed on the parameters the view declared (:func:`cache_parameters`)."""

    def process_request(self, request):
        if request.method not in ("GET", "HEAD"):
            return super().process_request(request)
        with _keyed_on_declared_parameters(request):
            return super().process_request(request)
