"""Pages of officials, delegated staff, agents and moderators: the dashboard of questions to
answer, the answer form, and the routing and moderation queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Organisation
from core.permissions import has_role
from plugins.qa_elus import services
from plugins.qa_elus import workflow as states
from plugins.qa_elus.forms import AnswerForm, ModerationForm
from plugins.qa_elus.models import Official, Question


@login_required
def dashboard(request):
    """The questions waiting for the official's answer (or those of the officials the person
    answers for), oldest first, with their due dates."""
    officials = list(services.answerable_officials(request.user).select_related("organisation"))
    questions = (Question.objects.filter(official__in=officials, state=states.PUBLISHED)
                 .select_related("official").order_by("published_at", "pk"))
    return render(request, "qa_elus/dashboard.html", {
        "officials": officials, "page": Paginator(questions, 50).get_page(request.GET.get("page")),
    })


@login_required
def answer(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("official", "organisation", "component__phase__space"),
                                 pk=pk)
    services.serve_here(request, question.organisation, question.component.phase.space)
    if question.official is None or not services.can_answer(request.user, question.official):
        raise PermissionDenied
    if question.state != states.PUBLISHED:
        messages.info(request, _("Cette question n'attend pas de réponse."))
        return redirect(question.get_absolute_url())
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            written = services.answer(question, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            if written.copy_of_id:
                messages.warning(request, _("Cette réponse reprend presque mot pour mot une réponse précédente : "
                                            "elle est signalée comme telle sur la page de la question."))
            messages.success(request, _("La réponse est publiée ; la personne qui a posé la question et ses "
                                        "soutiens sont prévenus."))
            return redirect(question.get_absolute_url())
    return render(request, "qa_elus/answer.html", {"question": question, "form": form})


def _moderation_forms(organisation):
    officials = [o for o in Official.objects.filter(organisation=organisation, opted_in=True).order_by("name")
                 if o.accepts_questions()]
    return officials, services.rejection_reasons(organisation)


@login_required
def moderation(request, slug: str):
    """Questions awaiting pre-moderation, oldest first: route, publish or reject with a reason
    of the charter."""
    organisation = get_object_or_404(Organisation, slug=slug)
    services.serve_here(request, organisation)
    if not has_role(request.user, organisation, services.ROUTING_ROLES):
        raise PermissionDenied
    officials, reasons = _moderation_forms(organisation)
    questions = (Question.objects.filter(organisation=organisation, state=states.SUBMITTED)
                 .select_related("official").order_by("created_at", "pk"))
    return render(request, "qa_elus/moderation.html", {
        "organisation": organisation, "officials": officials, "reasons": reasons,
        "page": Paginator(questions, 50).get_page(request.GET.get("page")),
        "can_decide": has_role(request.user, organisation, ("moderator", "admin")),
    })


@require_POST
@login_required
def moderate(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("organisation", "official", "contribution",
                                                                 "component__phase__space"), pk=pk)
    organisation = question.organisation
    services.serve_here(request, organisation, question.component.phase.space)
    if not has_role(request.user, organisation, services.ROUTING_ROLES):
        raise PermissionDenied
    officials, reasons = _moderation_forms(organisation)
    form = ModerationForm(request.POST, officials=officials, reasons=reasons)
    back = redirect("qa_elus:moderation", slug=organisation.slug)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    try:
        if data["action"] == "route":
            services.route(question, data["official"], by=request.user)
            messages.success(request, _("La question est orientée vers %(name)s.") % {"name": data["official"].name})
        elif data["action"] == "publish":
            services.publish(question, by=request.user, official=data["official"])
            messages.success(request, _("La question est publiée."))
        else:
            services.reject(question, by=request.user, reason=data["reason"], note=data["note"])
            messages.success(request, _("La question est refusée ; son motif est public."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back
