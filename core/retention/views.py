"""Public legal pages of each organisation, and its administrators' settings page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.hosts import serve_here
from core.models import Organisation
from core.permissions import has_role
from core.retention import register as generated
from core.retention import services
from core.retention.forms import PrivacySettingsForm
from core.retention.models import PrivacySettings
from core.retention.rules import delays_for

AGENT_ROLES = ("agent", "admin")
ADMIN_ROLES = ("admin",)


def _organisation(request, slug: str, roles=None) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    if roles is not None and not has_role(request.user, organisation, roles):
        raise PermissionDenied
    return organisation


def privacy_notice(request, slug: str):
    """« Données personnelles »: generated from the plugins' declarations and the delays."""
    organisation = _organisation(request, slug)
    return render(request, "retention/privacy_notice.html", {
        "organisation": organisation,
        "controller": generated.controller_of(organisation),
        "legal_basis": generated.legal_basis(organisation),
        "recipients": generated.recipients(),
        "processings": generated.processings(organisation),
    })


def register(request, slug: str):
    """The processing register (« registre des traitements »), readable by anyone."""
    organisation = _organisation(request, slug)
    return render(request, "retention/register.html", {
        "organisation": organisation,
        "register": generated.register(organisation),
        "can_download": has_role(request.user, organisation, AGENT_ROLES),
    })


@login_required
def register_csv(request, slug: str):
    organisation = _organisation(request, slug, AGENT_ROLES)
    response = HttpResponse(generated.register_csv(organisation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-traitements-{organisation.slug}.csv"'
    return response


@login_required
def register_json(request, slug: str):
    organisation = _organisation(request, slug, AGENT_ROLES)
    body = json.dumps(generated.register(organisation), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-traitements-{organisation.slug}.json"'
    return response


def legal_notice(request, slug: str):
    """« Mentions légales »: the organisation's settings, or defaults from its name."""
    organisation = _organisation(request, slug)
    return render(request, "retention/legal_notice.html", {
        "organisation": organisation,
        "settings": PrivacySettings.objects.filter(organisation=organisation).first(),
    })


@never_cache
@login_required
def edit_settings(request, slug: str):
    organisation = _organisation(request, slug, ADMIN_ROLES)
    instance = PrivacySettings.objects.filter(organisation=organisation).first()
    form = PrivacySettingsForm(request.POST or None, instance=instance, delays=delays_for(organisation))
    if request.method == "POST" and form.is_valid():
        services.save_privacy_settings(
            organisation, delays=form.chosen_delays(),
            **{name: form.cleaned_data[name] for name in services.LEGAL_FIELDS},
        )
        messages.success(request, _("Les réglages ont été enregistrés ; ils s'appliquent dès la "
                                    "prochaine purge automatique."))
        return redirect("retention:settings", slug=organisation.slug)
    return render(request, "retention/settings.html", {"organisation": organisation, "form": form})
