"""The public page of the federation: which instances this one federates with, and which
servers it blocks (like the "about" page of fediverse servers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from federation import partners as partnership
from federation.models import Actor, DomainRule, Follow, PartnerParticipation, RemoteObject

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
    partner_domains = partnership.partner_domains()
    for item in page:
        item.signable_here = partnership.signable(item) and item.actor.domain in partner_domains
    return render(request, "federation/partner_publications.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def partner_sign(request, pk: int):
    """Sign a partner instance's petition from this instance: what is sent, then the answer."""
    item = get_object_or_404(RemoteObject.objects.select_related("actor"), pk=pk)
    sent = PartnerParticipation.objects.filter(user=request.user, object_uri=item.uri).first()
    refusal = None
    if sent is None:
        try:
            partnership.check_can_sign(request.user, item)
        except partnership.PartnerRefused as refused:
            refusal = str(refused)
    if request.method == "POST":
        if sent is None and refusal is None:
            try:
                partnership.sign(request.user, item)
            except partnership.PartnerRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Votre signature est envoyée à l'instance partenaire, "
                                            "qui vous répond ici."))
        elif refusal:
            messages.error(request, refusal)
        return redirect("federation:partner_sign", pk=item.pk)
    return render(request, "federation/partner_sign.html", {
        "item": item, "sent": sent, "refusal": refusal,
        "vouched": partnership.vouched_attributes(request.user) if sent is None and refusal is None else None,
    })
