"""Pages for the organisation: moderation, response, fraud review, export."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.moderation.services import MODERATOR_ROLES
from core.permissions import has_role
from core.spreadsheet import neutralise_cell
from plugins.petitions import services
from plugins.petitions.forms import InvalidateForm, RejectForm, ResponseForm
from plugins.petitions.models import Signature
from plugins.petitions.views import render_detail, visible_petition


def _require(request, petition, roles):
    if not has_role(request.user, petition.component.phase.space, roles):
        raise PermissionDenied


@require_POST
@login_required
def accept(request, pk: int):
    petition = visible_petition(request, pk)
    _require(request, petition, MODERATOR_ROLES)
    try:
        services.open_petition(petition, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("La pétition est ouverte à la signature."))
    return redirect(petition.get_absolute_url())


@require_POST
@login_required
def reject(request, pk: int):
    petition = visible_petition(request, pk)
    _require(request, petition, MODERATOR_ROLES)
    form = RejectForm(request.POST)
    if not form.is_valid():
        # The petition's page again, with the reason marked in error (not a redirect that
        # loses what was typed and leaves the field unmarked).
        return render_detail(request, petition, reject_form=form, status=400)
    try:
        services.reject_petition(petition, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("La pétition est refusée ; le motif est publié."))
    return redirect(petition.get_absolute_url())


@require_POST
@login_required
def respond(request, pk: int):
    petition = visible_petition(request, pk)
    _require(request, petition, ("admin", "agent", "official"))
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return render_detail(request, petition, respond_form=form, status=400)
    try:
        services.publish_response(petition, by=request.user, body=form.cleaned_data["body"],
                                  signature=form.cleaned_data["signature"], debated=form.cleaned_data["debated"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("La réponse est publiée ; les signataires qui l'ont demandé sont prévenus."))
    return redirect(petition.get_absolute_url())


@login_required
def fraud(request, pk: int):
    """Where signatures come from in the last 24 hours, and bulk invalidation."""
    petition = visible_petition(request, pk)
    _require(request, petition, MODERATOR_ROLES)
    form = InvalidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = Signature.objects.filter(petition=petition)
        if form.cleaned_data["email_domain"]:
            chosen = chosen.filter(email_domain=form.cleaned_data["email_domain"].strip().lower())
        if form.cleaned_data["ip_address"]:
            chosen = chosen.filter(ip_address=form.cleaned_data["ip_address"])
        count = services.invalidate_signatures(petition, chosen, reason_code=form.cleaned_data["reason_code"], by=request.user)
        messages.success(request, _("%(count)d signatures invalidées (motif publié dans le registre).") % {"count": count})
        return redirect("petitions:fraud", pk=petition.pk)
    since = timezone.now() - timedelta(hours=24)
    recent = Signature.objects.filter(petition=petition, created_at__gte=since)
    return render(request, "petitions/fraud.html", {
        "petition": petition, "form": form,
        "domains": recent.values("email_domain").annotate(total=Count("pk")).order_by("-total")[:20],
        "ips": recent.exclude(ip_address=None).values("ip_address").annotate(total=Count("pk")).order_by("-total")[:20],
    })


@login_required
def export(request, pk: int):
    """Confirmed signatures for the organisers, without identities: date, channel, postcode."""
    petition = visible_petition(request, pk)
    _require(request, petition, ("admin", "agent"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="petition-{petition.pk}-signatures.csv"'
    writer = csv.writer(response)
    writer.writerow(["confirmed_at", "channel", "postcode", "status"])
    rows = Signature.objects.filter(petition=petition, confirmed_at__isnull=False).order_by("confirmed_at").values_list(
        "confirmed_at", "postcode", "withdrawn_at", "invalidated_at")
    for confirmed_at, postcode, withdrawn_at, invalidated_at in rows.iterator():
        status = "withdrawn" if withdrawn_at else "invalidated" if invalidated_at else "counted"
        writer.writerow([confirmed_at.isoformat(timespec="seconds"), "web", neutralise_cell(postcode), status])
    return response
