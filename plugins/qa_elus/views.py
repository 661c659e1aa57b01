"""Public pages: the questions of an organisation, a question, asking, supporting, following up,
an official's record and the ranking of officials by answer rate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.models import Component, Organisation, PluginSetting
from core.participation.services import ParticipationError
from core.permissions import has_role
from plugins.qa_elus import services
from plugins.qa_elus import workflow as states
from plugins.qa_elus.forms import FollowUpForm, QuestionForm
from plugins.qa_elus.models import ALL_TIME, Official, OfficialStats, Question

BOX = "qa_elus.questions"
LISTED_STATES = (states.PUBLISHED, states.ANSWERED, states.REJECTED)
ORDERS = {
    "support": (("-support_total", "-created_at"), gettext_lazy("Les plus soutenues")),
    "recent": (("-created_at",), gettext_lazy("Les plus récentes")),
    "oldest": (("created_at",), gettext_lazy("Les plus anciennes")),
}
SHOWN = {
    "all": LISTED_STATES,
    "waiting": (states.PUBLISHED,),
    "answered": (states.ANSWERED,),
    "rejected": (states.REJECTED,),
}


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def index(request):
    """The organisations whose officials take questions."""
    disabled = PluginSetting.objects.filter(plugin="qa_elus", enabled=False).values("organisation")
    organisations = (Organisation.objects.filter(qa_officials__opted_in=True).exclude(pk__in=disabled)
                     .distinct().order_by("name"))
    return render(request, "qa_elus/index.html", {"organisations": organisations})


def _listing(request, organisation, questions, context):
    order = request.GET.get("order", "support")
    order = order if order in ORDERS else "support"
    show = request.GET.get("show", "all")
    show = show if show in SHOWN else "all"
    questions = questions.filter(state__in=SHOWN[show])
    officials = list(Official.objects.filter(organisation=organisation).order_by("name"))
    chosen = request.GET.get("official", "")
    if chosen.isdigit():
        questions = questions.filter(official_id=int(chosen))
    page = Paginator(questions.select_related("official", "rejection_reason").order_by(*ORDERS[order][0], "-pk"),
                     20).get_page(request.GET.get("page"))
    context.update({
        "organisation": organisation, "page": page, "order": order, "show": show, "officials": officials,
        "chosen": chosen, "orders": [(k, v[1]) for k, v in ORDERS.items()],
        "shows": [("all", _("Toutes")), ("waiting", _("En attente de réponse")), ("answered", _("Avec réponse")),
                  ("rejected", _("Refusées"))],
    })
    return render(request, "qa_elus/list.html", context)


def question_list(request, slug: str):
    """The questions of an organisation, sortable by support and age, filtered by official and state."""
    organisation = _organisation(slug)
    services.serve_here(request, organisation)
    return _listing(request, organisation, Question.objects.public().filter(organisation=organisation), {})


def _box(component_id: int) -> Component:
    return get_object_or_404(Component.objects.select_related("phase__space"), pk=component_id,
                             component_type=BOX, phase__space__is_published=True)


def component(request, component_id: int):
    """The questions of one question box placed in a phase of a space."""
    box = _box(component_id)
    organisation = services.organisation_of(box)
    if organisation is None:
        raise PermissionDenied
    services.serve_here(request, organisation, box.phase.space)
    return _listing(request, organisation, Question.objects.public().filter(component=box), {"component": box})


@login_required
def ask(request, component_id: int):
    """Ask a question; "Vérifier" first shows similar questions to support instead."""
    box = _box(component_id)
    organisation = services.organisation_of(box)
    if organisation is None:
        raise PermissionDenied
    services.serve_here(request, organisation, box.phase.space)
    officials = [o for o in Official.objects.filter(organisation=organisation, opted_in=True).order_by("name")
                 if o.accepts_questions()]
    initial = {"display_name": request.user.display_name or ""}
    form = QuestionForm(request.POST or None, officials=officials, initial=initial)
    similar = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "check" in request.POST:
            similar = services.similar_questions(organisation, f"{data['title']} {data['text']}")
        else:
            try:
                question = services.ask(box, author=request.user, official=data["official"], title=data["title"],
                                        text=data["text"], display_name=data["display_name"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Votre question est envoyée. Elle sera publiée après examen par la "
                                            "modération, selon la charte de %(organisation)s.")
                                 % {"organisation": organisation.name})
                return redirect(question.get_absolute_url())
    rules = services.settings_for(organisation)
    return render(request, "qa_elus/ask.html", {"form": form, "component": box, "organisation": organisation,
                                                "similar": similar, "rules": rules})


def _visible(request, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("official", "organisation", "rejection_reason", "contribution",
                                        "follow_up_of", "answer", "component__phase__space"),
        pk=pk,
    )
    services.serve_here(request, question.organisation, question.component.phase.space)
    staff = has_role(request.user, question.organisation, services.ROUTING_ROLES)
    if not question.component.phase.space.is_published and not staff:
        raise Http404
    if question.state == states.SUBMITTED:
        own = request.user.is_authenticated and question.author_id == request.user.pk
        if not own and not staff:
            raise PermissionDenied
    return question


def _detail(request, question: Question, follow_up_form=None, status: int = 200):
    user = request.user
    supported = False
    if user.is_authenticated and question.is_public:
        from core.participation.models import ParticipationRecord

        records = ParticipationRecord.objects.filter(subject_key=question.subject_key, user=user)
        supported = any(record.is_active for record in records)
    answer = getattr(question, "answer", None) if question.state == states.ANSWERED else None
    follow_up = (Question.objects.filter(follow_up_of=question)
                 .select_related("contribution", "component__phase__space").first())
    is_author = user.is_authenticated and question.author_id == user.pk
    # A question hidden by the moderators after publication reads like a rejected one (its
    # reason, not its text) except to the moderators.
    withheld = question.is_withheld and (question.state == states.REJECTED
                                         or not has_role(user, question.organisation, ("moderator", "admin")))
    context = {
        "question": question, "withheld": withheld, "answer": answer, "supported": supported, "follow_up": follow_up,
        "can_support": question.is_public and user.is_authenticated and not is_author and not supported,
        "can_follow_up": is_author and question.state == states.ANSWERED and follow_up is None
        and question.follow_up_of_id is None,
        "follow_up_form": follow_up_form or FollowUpForm(),
        "is_staff": has_role(user, question.organisation, ("agent", "admin")),
        "can_answer": question.state == states.PUBLISHED and question.official is not None
        and services.can_answer(user, question.official),
    }
    return render(request, "qa_elus/question.html", context, status=status)


def question(request, pk: int):
    """A question: its text, status, answer, supports and follow-up. A rejected question shows
    its reason, not its text."""
    return _detail(request, _visible(request, pk))


@require_POST
@login_required
def support(request, pk: int):
    question = _visible(request, pk)
    try:
        services.support(question, request.user)
    except (ValidationError, ParticipationError) as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Votre soutien est enregistré. Vous serez prévenu de la réponse."))
    return redirect(question.get_absolute_url())


@require_POST
@login_required
def follow_up(request, pk: int):
    question = _visible(request, pk)
    if question.author_id != request.user.pk:
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            relaunch = services.follow_up(question, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Votre relance est envoyée à la modération."))
            return redirect(relaunch.get_absolute_url())
    return _detail(request, question, follow_up_form=form, status=400)


def official(request, pk: int):
    """An official's profile, answer-rate history and latest questions."""
    person = get_object_or_404(Official.objects.select_related("organisation"), pk=pk)
    services.serve_here(request, person.organisation)
    # The all-time row has the empty period, which sorts last: read it on its own.
    total = OfficialStats.objects.filter(official=person, period=ALL_TIME).first()
    history = list(OfficialStats.objects.filter(official=person).exclude(period=ALL_TIME).order_by("-period")[:24])
    questions = (Question.objects.public().filter(official=person, state__in=LISTED_STATES)
                 .select_related("official", "rejection_reason").order_by("-created_at"))
    return render(request, "qa_elus/official.html", {
        "official": person, "total": total, "history": history,
        "page": Paginator(questions, 20).get_page(request.GET.get("page")),
    })


def ranking(request, slug: str):
    """Officials ranked by answer rate, with bars drawn on the server."""
    organisation = _organisation(slug)
    services.serve_here(request, organisation)
    rows = list(OfficialStats.objects.filter(period=ALL_TIME, official__organisation=organisation, received__gt=0)
                .select_related("official"))
    rows.sort(key=lambda s: (-(s.answered / s.received), s.median_delay_days or 0, s.official.name))
    return render(request, "qa_elus/ranking.html", {"organisation": organisation, "rows": rows})
