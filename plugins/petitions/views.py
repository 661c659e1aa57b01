"""Public pages: lists, a petition, its count; creating and sponsoring petitions."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Upper
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.hosts import home_annotation, serve_here
from core.identity.eligibility import has_rules_annotation
from core.models import Component
from core.moderation.services import MODERATOR_ROLES
from core.opendata.models import OpenDataSettings
from core.opendata.models import settings_for as open_data_settings
from core.opendata.suppression import protect
from core.permissions import has_role
from core.plugins import MapLayer, OpenDataAggregate, PostcodePlace
from federation.supports import supports_of
from plugins.petitions import services
from plugins.petitions import workflow as states
from plugins.petitions.forms import PetitionForm
from plugins.petitions.models import Petition, Signature

ORDERS = {
    "recent": ("-opened_at", _("Les plus récentes")),
    "trending": ("-recent_count", _("Tendances (24 h)")),
    "closing": ("closes_at", _("Bientôt closes")),
    "signatures": ("-count_web", _("Les plus signées")),
}


def counter_interval() -> int:
    return int(getattr(settings, "PETITIONS_COUNTER_SECONDS", 30))


def cacheable(response, request):
    """Pages shown to anonymous visitors are shared-cacheable for one counting interval."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        interval = counter_interval()
        patch_cache_control(response, public=True, max_age=interval, stale_while_revalidate=interval * 10)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def public_petitions(request):
    """The public petitions (:meth:`PetitionQuerySet.public`) of the request's organisation."""
    qs = Petition.objects.public().select_related("contribution", "component__phase__space")
    organisation = request.organisation
    if organisation:
        qs = qs.filter(component__phase__space__organisations=organisation)
    return qs


def petition_list(request, component_id: int | None = None):
    """Open, trending and closing-soon petitions, by theme and territory."""
    component = None
    if component_id is not None:
        component = get_object_or_404(Component.objects.select_related("phase__space"), pk=component_id,
                                      component_type="petitions.petition_box", phase__space__is_published=True)
        serve_here(request, component.phase.space)
    petitions = public_petitions(request)
    if component is not None:
        petitions = petitions.filter(component=component)
    show = request.GET.get("show", "open")
    if show == "open":
        petitions = petitions.filter(contribution__status=states.OPEN)
    elif show == "closing":
        petitions = petitions.filter(contribution__status=states.OPEN, closes_at__lte=timezone.now() + timedelta(days=7))
    order_key = request.GET.get("order", "recent")
    if order_key not in ORDERS:
        order_key = "recent"
    if show == "closing":
        order_key = "closing"
    category = request.GET.get("category", "")[:80]
    territory = request.GET.get("territory", "")[:120]
    if category:
        petitions = petitions.filter(category=category)
    if territory:
        petitions = petitions.filter(territory=territory)
    facets = public_petitions(request).filter(contribution__status=states.OPEN)
    context = {
        "component": component,
        "page": Paginator(petitions.order_by(ORDERS[order_key][0], "-pk"), 20).get_page(request.GET.get("page")),
        "show": show, "order": order_key, "orders": [(k, v[1]) for k, v in ORDERS.items()],
        "category": category, "territory": territory,
        # One row per value, not per petition.
        "categories": sorted(facets.exclude(category="").order_by().values_list("category", flat=True).distinct()),
        "territories": sorted(facets.exclude(territory="").order_by().values_list("territory", flat=True).distinct()),
        "can_create": bool(component and request.user.is_authenticated),
    }
    return cacheable(render(request, "petitions/list.html", context), request)


def visible_petition(request, pk: int, *, for_signing: bool = False) -> Petition:
    """The petition ``pk`` as the request may see it, in one query with what its pages read
    (not its author's account).

    A public petition (:meth:`PetitionQuerySet.public`) is seen by everyone; one that is not,
    only as :func:`seen_though_not_public` says. ``for_signing``: a public petition only (one
    that is not cannot be signed), with what the signing form reads, which is less (not the
    phase nor the space), and whether eligibility rules apply (``has_eligibility_rules``); the
    signing endpoint takes the spikes."""
    if for_signing:
        petitions = Petition.objects.public().select_related("contribution", "component__petition_settings").annotate(
            has_eligibility_rules=has_rules_annotation("component", "component__phase__space"),
        )
    else:
        # A petition of an unpublished space is not there at all: a 404 before any redirect, which
        # would tell whose it is.
        petitions = Petition.objects.select_related(
            "contribution__space", "component__phase__space", "component__petition_settings",
        ).filter(component__phase__space__is_published=True)
    # Whether the host is the petition's organisation's, read in the same query.
    petitions = petitions.annotate(at_home=home_annotation(request, "component__phase__space"))
    petition = get_object_or_404(petitions, pk=pk)
    if not petition.at_home:
        serve_here(request, petition.component.phase.space)
    if not for_signing and not petition.is_public and not seen_though_not_public(request.user, petition):
        raise Http404
    return petition


def seen_though_not_public(user, petition: Petition) -> bool:
    """Who sees the page of a petition that is not public: everyone the placeholder of a hidden
    one (its address stays, the public moderation log gives the reason; the page names nothing
    of it); its author one held for pre-moderation; the moderators a draft too. Nobody a
    petition of an unpublished space."""
    if not petition.component.phase.space.is_published:
        return False
    contribution = petition.contribution
    if contribution is not None and contribution.is_hidden:
        return True
    if contribution is not None and user.is_authenticated and petition.author_id == user.pk:
        return True
    return has_role(user, petition.component.phase.space, MODERATOR_ROLES)


def next_threshold(petition: Petition) -> tuple[str, int] | None:
    rules = getattr(petition.component, "petition_settings", None)
    if rules is None:
        return None
    for name, value in sorted(rules.thresholds, key=lambda t: t[1]):
        if petition.signature_count < value:
            return name, value
    return None


def signatures_map(petition: Petition, organisation) -> MapLayer:
    """Counted online signatures by the postcode signers gave, for the ``"map"`` slot (one
    query when the map is drawn). The open data's small-cell rule applies: a postcode with
    fewer signers than the organisation's minimum is not shown, nor any other whose count
    would let the petition's total give it away."""
    def places():
        k = (open_data_settings(organisation) if organisation else OpenDataSettings()).k
        rows = (
            Signature.objects.counted().filter(petition=petition)
            .annotate(code=Upper("postcode")).values_list("code").annotate(n=Count("pk")).order_by("code")
        )
        cells = [{"petition": petition.pk, "postcode": code or None, "signatures": n} for code, n in rows]
        shown = protect(cells, OpenDataAggregate(counts=("signatures",), group_by=("petition",)), k)
        return [
            PostcodePlace(postcode=row["postcode"], weight=row["signatures"],
                          detail=ngettext("%(n)d signature", "%(n)d signatures", row["signatures"]) % {"n": row["signatures"]})
            for row in shown if row["postcode"] and row["signatures"]
        ]

    return MapLayer(title=_("Signatures en ligne par code postal"), places=places)


def render_detail(request, petition: Petition, *, reject_form=None, respond_form=None, status: int = 200):
    """The petition's page; the staff's forms on it come back bound, with their errors, when a
    submission was refused (``status`` 400), so that the fields in error are marked."""
    threshold = next_threshold(petition)
    space = petition.component.phase.space
    context = {
        "petition": petition,
        "reject_form": reject_form,
        "respond_form": respond_form,
        "threshold": threshold,
        "progress": min(100, round(100 * petition.signature_count / threshold[1])) if threshold else None,
        "is_staff": has_role(request.user, space, services.STAFF_ROLES),
        "is_moderator": has_role(request.user, space, MODERATOR_ROLES),
        "can_sponsor": request.user.is_authenticated and petition.status == states.AWAITING_SPONSORS
        and petition.author_id != request.user.pk,
        "sponsor_count": petition.sponsors.count() if petition.status == states.AWAITING_SPONSORS else None,
        "sponsors_required": petition.component.petition_settings.sponsors_required
        if hasattr(petition.component, "petition_settings") else 0,
        "fediverse_supports": supports_of("petitions", "petition", petition.pk),
    }
    rules = getattr(petition.component, "petition_settings", None)
    if rules is not None and rules.collect_postcode and petition.is_public:
        context["map"] = signatures_map(petition, request.organisation)
    return cacheable(render(request, "petitions/detail.html", context, status=status), request)


def detail(request, pk: int):
    return render_detail(request, visible_petition(request, pk))


def count(request, pk: int):
    """The current counts as JSON, cacheable for one counting interval."""
    petition = visible_petition(request, pk)
    response = JsonResponse({
        "id": petition.pk, "status": petition.status, "total": petition.signature_count,
        "channels": {"web": petition.count_web, "paper": petition.count_paper, "partner": petition.count_partner},
        # Likes from the fediverse: shown apart, never part of the total.
        "fediverse_supports": supports_of("petitions", "petition", petition.pk),
        "counted_at": petition.counted_at.isoformat() if petition.counted_at else None,
    })
    return cacheable(response, request)


@login_required
def create(request, component_id: int):
    component = get_object_or_404(Component.objects.select_related("phase__space"), pk=component_id,
                                  component_type="petitions.petition_box", phase__space__is_published=True)
    serve_here(request, component.phase.space)
    staff = has_role(request.user, component.phase.space, services.STAFF_ROLES)
    form = PetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.create_petition(
                component, author=request.user, title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                category=form.cleaned_data["category"], territory=form.cleaned_data["territory"],
                image=form.cleaned_data.get("image"), image_alt=form.cleaned_data["image_alt"],
                on_behalf_of_organisation=staff and request.POST.get("on_behalf") == "on",
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Votre pétition est déposée."))
            return redirect(petition.get_absolute_url())
    return render(request, "petitions/create.html", {"form": form, "component": component, "staff": staff})


@require_POST
@login_required
def sponsor(request, pk: int):
    petition = visible_petition(request, pk)
    try:
        services.sponsor(petition, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merci pour votre soutien."))
    return redirect(petition.get_absolute_url())
