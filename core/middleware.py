"""Which organisation a request is for, the redirect to an organisation's own host, and 404 for
plugins it has disabled."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

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
