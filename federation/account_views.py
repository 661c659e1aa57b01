"""An official's or named staff member's choice to be followable from the fediverse: one
``Person`` actor per organisation they answer for, publishing their official answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.models import Membership
from federation.actors import person_actor
from federation.models import Actor
from federation.privacy import retire_person

#: Who may be followable: the roles that sign official answers.
FOLLOWABLE_ROLES = ("official", "agent", "admin")


def _memberships(user) -> dict:
    return {m.organisation_id: m for m in Membership.objects.filter(
        user=user, role__in=FOLLOWABLE_ROLES).select_related("organisation").order_by("organisation__name")}


def _actor(user, organisation_id: int) -> Actor | None:
    return Actor.objects.filter(is_local=True, kind=Actor.Kind.PERSON, user=user,
                                organisation_id=organisation_id).first()


@login_required
@require_GET
def profile(request):
    actors = {a.organisation_id: a for a in Actor.objects.filter(
        is_local=True, kind=Actor.Kind.PERSON, user=request.user)}
    rows = [(m, actors.get(organisation_id)) for organisation_id, m in _memberships(request.user).items()]
    return render(request, "federation/profile.html", {"rows": rows})


def _membership_or_403(request, organisation_id: int) -> Membership:
    membership = _memberships(request.user).get(organisation_id)
    if membership is None:
        raise PermissionDenied(_("Seuls les élus et les agents d'une organisation peuvent être suivis "
                                 "depuis le fédivers en son nom."))
    return membership


@require_POST
@login_required
@transaction.atomic
def become_followable(request, organisation_id: int):
    membership = _membership_or_403(request, organisation_id)
    if _actor(request.user, organisation_id) is None:
        # The handle comes from the public name, never from the e-mail address.
        name = request.user.display_name or request.user.get_full_name() or membership.organisation.slug
        actor = person_actor(request.user, membership.organisation, username=name)
        messages.success(request, _("Vous pouvez être suivi depuis le fédivers : %(handle)s.")
                         % {"handle": f"@{actor.handle}"})
    return redirect("federation:profile")


@require_POST
@login_required
@transaction.atomic
def stop_being_followable(request, organisation_id: int):
    _membership_or_403(request, organisation_id)
    actor = _actor(request.user, organisation_id)
    if actor is not None:
        retire_person(actor)
        messages.success(request, _("Vous n'êtes plus suivable depuis le fédivers ; vos abonnés en sont "
                                    "informés."))
    return redirect("federation:profile")
