"""Reporting (participants), the moderation queue and decisions (moderators), and the public
charter and log (everyone)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.comments.models import Comment
from core.contributions.models import Contribution
from core.hosts import serve_here
from core.models import Organisation
from core.moderation import services
from core.moderation.models import ModerationDecision, Report
from core.permissions import has_role, organisations_of

TARGETS = {"contribution": Contribution, "comment": Comment}


def _target(request, target_type: str, pk: int):
    model = TARGETS.get(target_type)
    if model is None:
        raise Http404
    related = "space" if model is Contribution else "contribution__space"
    target = get_object_or_404(model.objects.select_related(related), pk=pk)
    if not target.space.is_published:
        raise Http404
    serve_here(request, target.space)
    return target


def _target_url(target) -> str:
    if isinstance(target, Comment):
        return f"{target.contribution.get_absolute_url()}#comment-{target.pk}"
    return target.get_absolute_url()


class ReportForm(forms.Form):
    reason = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Motif"), widget=forms.RadioSelect, empty_label=None)
    message = forms.CharField(label=gettext_lazy("Précisions (facultatif)"), required=False, max_length=services.MAX_REPORT_MESSAGE, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        from core.moderation.models import ModerationReason

        self.fields["reason"].queryset = ModerationReason.objects.filter(pk__in=[r.pk for r in reasons])


@login_required
def report(request, target_type: str, pk: int):
    target = _target(request, target_type, pk)
    organisation = organisations_of(target)[0]
    reasons = services.charter(organisation)
    form = ReportForm(request.POST or None, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(target, reporter=request.user, reason=form.cleaned_data["reason"], message=form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Merci, votre signalement a été transmis aux modérateurs."))
        return redirect(_target_url(target))
    return render(request, "moderation/report.html", {"form": form, "target": target, "target_url": _target_url(target), "organisation": organisation})


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Décision"), choices=ModerationDecision.Action.choices, widget=forms.RadioSelect)
    reason = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Motif (obligatoire pour masquer)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note interne"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        from core.moderation.models import ModerationReason

        self.fields["reason"].queryset = ModerationReason.objects.filter(pk__in=[r.pk for r in reasons])


@login_required
def decide(request, target_type: str, pk: int):
    target = _target(request, target_type, pk)
    if not has_role(request.user, target, services.MODERATOR_ROLES):
        raise PermissionDenied
    organisation = organisations_of(target)[0]
    form = DecisionForm(request.POST or None, reasons=services.charter(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(target, form.cleaned_data["action"], moderator=request.user,
                            reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La décision est enregistrée."))
            next_url = request.POST.get("next", "")
            if next_url == "queue":
                return redirect("moderation:queue", slug=organisation.slug)
            return redirect(_target_url(target))
    reports = Report.objects.filter(resolved_at__isnull=True, **services._target_fields(target)).select_related("reason")
    return render(request, "moderation/decide.html", {
        "form": form, "target": target, "target_type": target_type, "target_url": _target_url(target),
        "reports": reports, "organisation": organisation,
    })


QUEUE_PAGE_SIZE = 25


@login_required
def queue(request, slug: str):
    """Open reports and items awaiting pre-moderation in the organisation's spaces."""
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    if not has_role(request.user, organisation, services.MODERATOR_ROLES):
        raise PermissionDenied
    in_org = Q(contribution__space__organisations=organisation) | Q(comment__contribution__space__organisations=organisation)
    reports = (
        Report.objects.filter(in_org, resolved_at__isnull=True)
        .select_related("reason", "contribution", "comment__contribution")
        .order_by("created_at", "pk")
        .distinct()
    )
    page = Paginator(reports, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    awaiting = (
        Contribution.objects.filter(space__organisations=organisation, awaiting_moderation=True, is_hidden=False)
        .select_related("space").order_by("created_at")[:QUEUE_PAGE_SIZE]
    )
    return render(request, "moderation/queue.html", {"organisation": organisation, "page": page, "awaiting": awaiting})


def charter(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    return render(request, "moderation/charter.html", {"organisation": organisation, "reasons": services.charter(organisation)})


def public_log(request, slug: str):
    """Counts of decisions by reason, and placeholders of hidden items (never their content)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    decisions = ModerationDecision.objects.filter(organisation=organisation)
    counts = (
        decisions.filter(action=ModerationDecision.Action.HIDE)
        .values("reason__label").annotate(total=Count("pk")).order_by("-total", "reason__label")
    )
    page = Paginator(
        decisions.exclude(action=ModerationDecision.Action.DISMISS)
        .select_related("reason").only("action", "decided_at", "reason__label", "contribution_id", "comment_id"),
        50,
    ).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"organisation": organisation, "counts": counts, "page": page})
