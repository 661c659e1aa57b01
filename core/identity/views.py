"""Pages for people: what I have proved, match myself on a list, redeem a code, sign in with an
identity provider, and whether I may take part in a space."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.hosts import serve_here
from core.identity import oidc, oidc_config, services
from core.identity.forms import CensusMatchForm, RedeemCodeForm
from core.identity.methods import EMAIL, all_methods
from core.identity.models import Verification
from core.identity.ratelimit import client_ip
from core.identity.verifications import email_confirmed
from core.models import Organisation, Space

SESSION_FLOWS = "identity_oidc_flows"
MAX_FLOWS = 5


def _ways(request) -> list[dict]:
    """The methods a person can start themselves here, with their link."""
    organisation = getattr(request, "organisation", None) or None
    ways = []
    for key, method in all_methods().items():
        url = method.start_url
        if callable(url):
            url = url(organisation)
        if url and key != EMAIL:
            ways.append({"key": key, "method": method, "url": url})
    return ways


@never_cache
@login_required
def status(request):
    """Mes vérifications: what I proved, until when, and how to prove more."""
    now = timezone.now()
    verifications = Verification.objects.filter(user=request.user).select_related("organisation")
    active = [v for v in verifications if v.revoked_at is None and (v.expires_at is None or v.expires_at > now)]
    past = [v for v in verifications if v not in active][:20]
    methods = all_methods()
    for v in (*active, *past):
        v.label = methods[v.method].label if v.method in methods else v.method
    return render(request, "identity/status.html", {
        "active": active, "past": past, "email_confirmed": email_confirmed(request.user),
        "ways": _ways(request),
    })


@never_cache
@login_required
def census_match(request):
    initial = {}
    slug = request.GET.get("organisation")
    if slug:
        initial["organisation"] = Organisation.objects.filter(slug=slug[:80]).first()
    form = CensusMatchForm(request.POST or None, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.match_census(
            request.user, data["organisation"], family_name=data["family_name"],
            given_names=data["given_names"], birth_date=data["birth_date"], ip=client_ip(request),
        )
        if result.ok:
            messages.success(request, result.message)
            return redirect("identity:status")
    return render(request, "identity/census_match.html", {"form": form, "result": result})


@never_cache
@login_required
def redeem_code(request):
    form = RedeemCodeForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.redeem_code(request.user, form.cleaned_data["code"], ip=client_ip(request))
        if result.ok:
            messages.success(request, result.message)
            return redirect("identity:status")
    return render(request, "identity/redeem_code.html", {"form": form, "result": result})


def _provider(key: str):
    provider = oidc_config.providers().get(key)
    if provider is None:
        raise Http404
    return provider


@never_cache
@login_required
def oidc_start(request, provider: str):
    """GET explains; POST (CSRF-protected) starts the flow and sends the person away."""
    provider = _provider(provider)
    if request.method != "POST":
        return render(request, "identity/oidc_start.html", {"provider": provider})
    redirect_uri = request.build_absolute_uri(reverse("identity:oidc_callback", args=[provider.key]))
    try:
        url, pending = oidc.begin(provider, redirect_uri)
    except oidc.OIDCError as exc:
        messages.error(request, str(exc))
        return redirect("identity:status")
    flows = dict(request.session.get(SESSION_FLOWS, {}))
    flows[pending["state"]] = pending
    # Keep the most recent few (several tabs); older ones are forgotten.
    request.session[SESSION_FLOWS] = dict(list(flows.items())[-MAX_FLOWS:])
    return redirect(url)


@never_cache
@login_required
def oidc_callback(request, provider: str):
    provider = _provider(provider)
    flows = dict(request.session.get(SESSION_FLOWS, {}))
    state = str(request.GET.get("state", ""))[:200]
    pending = flows.pop(state, None)
    # The state is spent now, whatever happens next: a replayed answer finds nothing.
    request.session[SESSION_FLOWS] = flows
    request.session.save()
    try:
        if pending is None or pending["provider"] != provider.key:
            raise oidc.OIDCError(_("La réponse ne correspond à aucune demande en cours : "
                                   "recommencez."))
        identity = oidc.finish(provider, pending, request.GET)
    except oidc.OIDCError as exc:
        messages.error(request, str(exc))
        return redirect("identity:status")
    organisation = getattr(request, "organisation", None) or Organisation.objects.order_by("pk").first()
    verification, problem = services.record_oidc_identity(request.user, provider, identity,
                                                          organisation=organisation)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("Merci : votre compte est vérifié par %(provider)s.")
                         % {"provider": provider.label})
    return redirect("identity:status")


def space_eligibility(request, slug: str):
    """Puis-je participer ? The conditions of a space and what I still have to prove."""
    space = get_object_or_404(Space.objects.published(), slug=slug)
    serve_here(request, space)
    eligibility = services.check_eligibility(request.user, space)
    rules = list(space.eligibility_rules.select_related("membership_organisation"))
    return render(request, "identity/space_eligibility.html",
                  {"space": space, "eligibility": eligibility, "rules": rules})
