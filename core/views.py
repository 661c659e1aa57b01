"""Public pages of the core: instance and organisation homes, space pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

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
    request.organisation = organisation
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
    return render(request, "core/space_detail.html", {"space": space})
