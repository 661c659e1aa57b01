"""Public pages of the core: instance and organisation homes, space pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from core.hosts import serve_here
from core.models import Component, Organisation, Phase, Space


def _open_spaces(organisation: Organisation | None = None):
    spaces = Space.objects.open()
    if organisation is not None:
        spaces = spaces.filter(organisations=organisation)
    return spaces.prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("sort_order")))


def home(request):
    """The organisation of the host name, or every organisation of the instance."""
    organisation = request.organisation
    if organisation:
        return organisation_home(request, organisation.slug)
    organisations = Organisation.objects.prefetch_related(
        Prefetch("spaces", queryset=_open_spaces(), to_attr="open_spaces")
    )
    return render(request, "core/instance_home.html", {"organisations": organisations})


def organisation_home(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    return render(
        request,
        "core/organisation_home.html",
        {"organisation": organisation, "spaces": _open_spaces(organisation)},
    )


def space_detail(request, slug: str):
    space = get_object_or_404(
        Space.objects.published().prefetch_related(
            "organisations",
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("sort_order").prefetch_related(
                    Prefetch("components", queryset=Component.objects.select_related("phase__space"))
                ),
            ),
        ),
        slug=slug,
    )
    serve_here(request, space)
    from core.permissions import has_role

    return render(request, "core/space_detail.html", {
        "space": space, "can_message_followers": has_role(request.user, space, ("agent", "admin")),
    })


def switch_language(request):
    """Remember the chosen language in a cookie and go back (links work without JavaScript
    and keep pages free of form tokens, so that they can be cached for visitors)."""
    from django.conf import settings
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.GET.get("language", "")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
        )
    return response
