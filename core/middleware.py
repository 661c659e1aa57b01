"""Which organisation a request is for, and 404 for plugins it has disabled."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from core.plugin_host import registry


def organisation_for(request: HttpRequest):
    """The organisation whose Wagtail site matches the request's host name, if any.

    Cached per host name for a minute: every page needs it, and it changes rarely.
    """
    from django.conf import settings
    from django.core.cache import cache

    from core.models import Organisation

    seconds = settings.PARVIS_ORGANISATION_CACHE_SECONDS
    key = f"parvis:organisation-for-host:{request.get_host()}"
    cached = cache.get(key) if seconds else None
    if cached is not None:
        return cached or None
    site = Site.find_for_request(request)
    organisation = Organisation.objects.filter(site=site).first() if site is not None else None
    if seconds:
        cache.set(key, organisation or False, seconds)
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
