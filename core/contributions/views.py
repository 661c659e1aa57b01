"""Public pages of the contribution registry and the agents' status and answer forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.contributions import services
from core.contributions.forms import AnswerForm, StatusForm
from core.contributions.models import Contribution, OfficialAnswer, SpaceActivity
from core.hosts import serve_here
from core.models import Space
from core.moderation.services import MODERATOR_ROLES
from core.permissions import has_role


def visible_contribution(request, pk: int) -> Contribution:
    """A contribution the requester may see: public ones, hidden ones as a placeholder, and
    ones awaiting pre-moderation only for their author and the moderators."""
    contribution = get_object_or_404(Contribution.objects.select_related("space", "author"), pk=pk)
    if not contribution.space.is_published:
        raise Http404
    serve_here(request, contribution.space)
    if contribution.awaiting_moderation and not (
        (request.user.is_authenticated and contribution.author_id == request.user.pk)
        or has_role(request.user, contribution, MODERATOR_ROLES)
    ):
        raise Http404
    return contribution


def detail(request, pk: int):
    contribution = visible_contribution(request, pk)
    return render(request, "contributions/detail.html", {"contribution": contribution})


@login_required
def mine(request):
    """What became of my contributions: status and official answers, newest first."""
    contributions = (
        Contribution.objects.filter(author=request.user)
        .select_related("space")
        .prefetch_related(Prefetch("answers", queryset=OfficialAnswer.objects.order_by("published_at"), to_attr="answer_list"))
    )
    page = Paginator(contributions, 20).get_page(request.GET.get("page"))
    return render(request, "contributions/mine.html", {"page": page})


def _back(contribution: Contribution):
    return redirect(contribution.get_absolute_url())


@require_POST
@login_required
def change_status(request, pk: int):
    contribution = visible_contribution(request, pk)
    spec = contribution.kind_spec
    if spec is None or not has_role(request.user, contribution, spec.workflow.roles):
        raise PermissionDenied
    form = StatusForm(request.POST, contribution=contribution)
    if not form.is_valid():
        messages.error(request, _("Choisissez un statut possible pour cette contribution."))
        return _back(contribution)
    try:
        services.change_status(contribution, form.cleaned_data["status"], by=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Le statut a été changé ; les personnes qui suivent cette contribution sont prévenues."))
    return _back(contribution)


@require_POST
@login_required
def publish_answer(request, pk: int):
    contribution = visible_contribution(request, pk)
    if not has_role(request.user, contribution, services.ANSWER_ROLES):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(contribution)
    try:
        services.publish_answer(contribution, form.cleaned_data["body"], by=request.user, signature=form.cleaned_data["signature"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("La réponse officielle est publiée."))
    return _back(contribution)


def space_activity(request, slug: str):
    space = get_object_or_404(Space.objects.published(), slug=slug)
    serve_here(request, space)
    activities = SpaceActivity.objects.filter(space=space)
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    return render(request, "contributions/activity.html", {"space": space, "page": page})
