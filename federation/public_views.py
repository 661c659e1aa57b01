"""The public page of the federation: which instances this one federates with, and which
servers it blocks (like the "about" page of fediverse servers)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from federation.models import Actor, DomainRule, Follow, RemoteObject

PAGE_SIZE = 30


@require_GET
def partners(request):
    # Partners: allowed domains, and instances with an approved agreement (either direction).
    agreements = (Follow.objects.filter(state=Follow.State.ACCEPTED)
                  .filter(Q(follower__is_local=True, follower__kind=Actor.Kind.APPLICATION,
                            followed__is_local=False)
                          | Q(followed__is_local=True, followed__kind=Actor.Kind.APPLICATION,
                              follower__is_local=False))
                  .values_list("follower__domain", "followed__domain", "follower__is_local"))
    rules = list(DomainRule.objects.order_by("domain").values_list("domain", "kind", "note"))
    agreed = {followed if local else follower for follower, followed, local in agreements}
    allowed = {domain: note for domain, kind, note in rules if kind == DomainRule.Kind.ALLOW}
    blocked = [(domain, note) for domain, kind, note in rules if kind == DomainRule.Kind.BLOCK]
    partner_rows = sorted(
        ((domain, allowed.get(domain, ""), domain in agreed) for domain in (agreed | set(allowed))
         if domain not in dict(blocked)),
    )
    return render(request, "federation/partners.html", {"partners": partner_rows, "blocked": blocked})


@require_GET
def partner_publications(request):
    """What the partners this instance follows published (mirrored), newest first."""
    objects = RemoteObject.objects.select_related("actor").order_by("-updated_at", "-pk")
    page = Paginator(objects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "federation/partner_publications.html", {"page": page})
