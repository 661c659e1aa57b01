"""``noindex`` on contribution pages of organisations that ask for it (minimisation).

A contribution page is the public page of a contribution registered with the shared services
(its ``url``, or ``contributions:detail``). When one of the organisations of its space chose
``noindex_contributions``, the page carries ``<meta name="robots" content="noindex">`` (the
base template reads ``request.robots_noindex``) and the ``X-Robots-Tag: noindex`` header.
"""

from __future__ import annotations

from core.plugin_host import registry


def is_noindex(request) -> bool:
    from core.contributions.models import Contribution

    match = request.resolver_match
    if request.method not in ("GET", "HEAD") or match is None or not match.namespaces:
        return False
    is_detail = match.view_name == "contributions:detail"
    if not is_detail and match.namespaces[0] not in registry.discovered:
        return False
    organisation = getattr(request, "organisation", None)
    if organisation:
        # On an organisation's own host (the common case) one indexed lookup of its setting
        # spares searching the contributions when it did not ask for noindex.
        from core.retention.models import PrivacySettings

        if not PrivacySettings.objects.filter(organisation=organisation, noindex_contributions=True).exists():
            return False
    wanted = Contribution.objects.filter(space__organisations__privacy_settings__noindex_contributions=True)
    if is_detail:
        return wanted.filter(pk=match.kwargs.get("pk")).exists()
    return wanted.filter(url=request.path).exists()


class NoIndexMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "robots_noindex", False):
            response["X-Robots-Tag"] = "noindex"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.robots_noindex = is_noindex(request)
        return None
