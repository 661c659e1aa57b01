"""The federation's back-office screen (Wagtail admin, Paramètres → Fédération): instance
agreements waiting for a decision, the policies, the domain rules and the audit log. Only the
instance's administrators (superusers) see it; every change goes through
:mod:`federation.services`, which writes the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from federation import services
from federation.forms import DomainRuleForm, PolicyForm
from federation.models import DomainRule, Follow, Policy, PolicyChange

LOG_SIZE = 50


def _administrator(request) -> None:
    if not services.can_administer(request.user):
        raise PermissionDenied


def _back():
    return redirect(reverse("federation_admin"))


def _fail(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_GET
def index(request):
    _administrator(request)
    return _render(request)


def _render(request, policy_form=None, domain_form=None, status=200):
    context = {
        "pending": services.pending_agreements(),
        "partners": Follow.objects.filter(followed__is_local=True, followed__kind="Application",
                                          state=Follow.State.ACCEPTED).select_related("follower"),
        "policies": Policy.objects.select_related("space").order_by("space__title"),
        "rules": DomainRule.objects.order_by("kind", "domain"),
        "log": PolicyChange.objects.select_related("changed_by")[:LOG_SIZE],
        "policy_form": policy_form or PolicyForm(),
        "domain_form": domain_form or DomainRuleForm(),
    }
    return render(request, "federation/admin/index.html", context, status=status)


@require_POST
def decide_agreement(request, pk: int, decision: str):
    _administrator(request)
    follow = get_object_or_404(Follow, pk=pk, followed__kind="Application",
                               followed__is_local=True)
    try:
        if decision == "approve":
            services.approve_follow(follow, by=request.user)
            messages.success(request, _("Accord approuvé : %(partner)s") % {"partner": follow.follower.uri})
        else:
            services.reject_follow(follow, by=request.user)
            messages.success(request, _("Accord refusé : %(partner)s") % {"partner": follow.follower.uri})
    except ValidationError as error:
        _fail(request, error)
    return _back()


@require_POST
def set_policy(request):
    _administrator(request)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return _render(request, policy_form=form, status=400)
    services.set_policy(form.cleaned_data["mode"], space=form.cleaned_data["space"], by=request.user)
    messages.success(request, _("Règle de fédération enregistrée."))
    return _back()


@require_POST
def set_domain_rule(request):
    _administrator(request)
    form = DomainRuleForm(request.POST)
    if form.is_valid():
        try:
            services.set_domain_rule(form.cleaned_data["domain"], form.cleaned_data["kind"],
                                     note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            form.add_error("domain", error)
    if not form.is_valid():
        return _render(request, domain_form=form, status=400)
    messages.success(request, _("Règle par domaine enregistrée."))
    return _back()


@require_POST
def remove_domain_rule(request, pk: int):
    _administrator(request)
    services.remove_domain_rule(get_object_or_404(DomainRule, pk=pk), by=request.user)
    messages.success(request, _("Règle par domaine retirée."))
    return _back()
