"""Which organisation a request is for, 404 for plugins it has disabled, and the server cache's
keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode

from django.http import Http404, HttpRequest
from django.middleware import cache as django_cache
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

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
