"""Everything that changes a question, an answer or the statistics. Views, the API, the paper
entry, the scheduler and federation call these functions."""

from __future__ import annotations

import difflib
import hashlib
import re
import statistics
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.contributions.services import change_status, register_contribution
from core.moderation.models import ModerationDecision, ModerationReason
from core.moderation.services import charter, decide
from core.notifications.services import follow, notify, notify_followers
from core.permissions import has_role
from core.richtext import clean_rich_text, visible_text
from plugins.qa_elus import workflow as states
from plugins.qa_elus.models import (
    ALL_TIME,
    Answer,
    Delegation,
    Official,
    OfficialStats,
    QaSettings,
    Question,
)

MAX_TITLE = 150
MAX_TEXT = 3000
MAX_ANSWER = 20_000
ROUTING_ROLES = ("agent", "moderator", "admin")
#: Answers at least this similar to one of the official's earlier answers are flagged publicly.
COPY_SIMILARITY = 0.9
#: How many of the official's earlier answers a new answer is compared with.
COPY_WINDOW = 200


def settings_for(organisation) -> QaSettings:
    rules, _created = QaSettings.objects.get_or_create(organisation=organisation)
    return rules


def organisation_of(component):
    return component.phase.space.organisations.order_by("pk").first()


def serve_here(request, organisation, owner=None) -> None:
    """Before a page shows something of ``organisation``: a 404 where the organisation turned
    the plugin off (as the plugin gate does for its own host), then a redirect to the
    organisation's host when the request came to another's (:func:`core.hosts.serve_here`).
    ``owner`` is the space the page belongs to, when there is one."""
    from django.http import Http404

    from core.hosts import serve_here as serve

    if organisation is None or "qa_elus" not in organisation.enabled_plugins():
        raise Http404("Questions to officials are not enabled for this organisation.")
    serve(request, owner or organisation)


def can_answer(user, official: Official) -> bool:
    """The official's own account, or staff the official delegated answering to."""
    if user is None or not user.is_authenticated:
        return False
    if official.user_id == user.pk:
        return True
    return Delegation.objects.filter(official=official, staff=user).exists()


def answerable_officials(user):
    """The officials ``user`` answers for (their own profile and the delegations they hold)."""
    return Official.objects.filter(Q(user=user) | Q(delegations_given__staff=user)).distinct()


# --- Asking --------------------------------------------------------------------------------


def check_quota(organisation, *, author=None, remote_actor: str = "", now=None) -> None:
    """Refuse a question beyond the organisation's per-person quotas (a month, a year)."""
    now = now or timezone.now()
    rules = settings_for(organisation)
    if author is not None:
        mine = Question.objects.filter(organisation=organisation, author=author)
    else:
        mine = Question.objects.filter(organisation=organisation, remote_actor=remote_actor)
    mine = mine.filter(follow_up_of__isnull=True)
    year = mine.filter(created_at__gte=now - timedelta(days=365)).count()
    if year >= rules.questions_per_year:
        raise ValidationError(_("Vous avez déjà posé %(n)d questions cette année, le maximum permis par "
                                "%(organisation)s. Vous pouvez soutenir une question existante.")
                              % {"n": year, "organisation": organisation.name}, code="quota")
    month = mine.filter(created_at__gte=now - timedelta(days=30)).count()
    if month >= rules.questions_per_month:
        raise ValidationError(_("Vous avez déjà posé %(n)d questions ce mois-ci, le maximum permis par "
                                "%(organisation)s. Vous pouvez soutenir une question existante.")
                              % {"n": month, "organisation": organisation.name}, code="quota")


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise ValidationError(_("Donnez un titre et le texte de votre question."))
    if len(title) > MAX_TITLE:
        raise ValidationError(_("Le titre dépasse %(max)d caractères.") % {"max": MAX_TITLE})
    if len(text) > MAX_TEXT:
        raise ValidationError(_("La question dépasse %(max)d caractères.") % {"max": MAX_TEXT})
    return title, text


def check_addressee(official: Official | None, organisation) -> None:
    if official is None:
        return
    if official.organisation_id != organisation.pk:
        raise ValidationError(_("Cet élu n'appartient pas à cette organisation."))
    if not official.accepts_questions():
        raise ValidationError(_("%(name)s ne reçoit pas de questions publiques (pas d'accord ou mandat "
                                "terminé). Adressez votre question au conseil.") % {"name": official.name})


@transaction.atomic
def ask(component, *, title: str, text: str, display_name: str, official: Official | None = None,
        author=None, channel: str = Question.Channel.WEB, remote_actor: str = "",
        remote_object: str = "", follow_up_of: Question | None = None) -> Question:
    """Submit a question to ``official`` (``None``: to the council, an agent routes it). It
    waits for pre-moderation against the organisation's charter."""
    organisation = organisation_of(component)
    if organisation is None:
        raise ValidationError(_("Cette boîte à questions n'appartient à aucune organisation."))
    title, text = _check_text(title, text)
    display_name = display_name.strip()[:80]
    if not display_name:
        raise ValidationError(_("Indiquez le nom sous lequel votre question sera publiée."))
    check_addressee(official, organisation)
    if follow_up_of is None:
        check_quota(organisation, author=author, remote_actor=remote_actor)
    question = Question.objects.create(
        organisation=organisation, component=component, official=official, author=author,
        display_name=display_name, channel=channel, remote_actor=remote_actor, remote_object=remote_object,
        title=title, text=text, follow_up_of=follow_up_of,
    )
    question.contribution = register_contribution(
        plugin="qa_elus", kind="question", space=component.phase.space, author=author, title=title,
        summary=text[:1000], url=question.get_absolute_url(), premoderated=True,
    )
    question.save(update_fields=["contribution"])
    return question


@transaction.atomic
def follow_up(question: Question, *, by, text: str) -> Question:
    """The asker's one follow-up question, once the answer is published."""
    if by is None or question.author_id != by.pk:
        raise PermissionDenied(_("Seule la personne qui a posé la question peut la relancer."))
    if question.state != states.ANSWERED:
        raise ValidationError(_("Vous pourrez relancer la question une fois la réponse publiée."))
    if Question.objects.filter(follow_up_of=question).exists() or question.follow_up_of_id:
        raise ValidationError(_("Une seule relance est permise par question."))
    return ask(question.component, title=(_("Relance : %(title)s") % {"title": question.title})[:MAX_TITLE],
               text=text, display_name=question.display_name, official=question.official, author=by,
               follow_up_of=question)


_WORD = re.compile(r"\w{4,}")


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def similar_questions(organisation, text: str, limit: int = 5) -> list[Question]:
    """Published questions close to ``text``, so that people support one instead of asking
    again: full-text search on PostgreSQL, word overlap among recent questions elsewhere."""
    from django.db import connection

    public = Question.objects.public_with_text().filter(organisation=organisation)
    words = _tokens(text)
    if not words:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(" | ".join(sorted(words)), config="french", search_type="raw")
        vector = SearchVector("title", "text", config="french")
        return list(public.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0.01)
                    .order_by("-rank", "-support_total")[:limit])
    scored = []
    for question in public.order_by("-published_at")[:500]:
        theirs = _tokens(f"{question.title} {question.text}")
        overlap = len(words & theirs) / len(words | theirs) if theirs else 0
        if overlap >= 0.25:
            scored.append((overlap, question.support_total, question))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [question for _o, _s, question in scored[:limit]]


# --- Moderation ----------------------------------------------------------------------------


def rejection_reasons(organisation) -> list[ModerationReason]:
    return charter(organisation)


@transaction.atomic
def route(question: Question, official: Official, *, by) -> Question:
    """An agent gives a question to the council to the official who should answer it."""
    if not has_role(by, question.organisation, ROUTING_ROLES):
        raise PermissionDenied(_("Seuls les agents et les modérateurs orientent les questions."))
    if question.state not in (states.SUBMITTED, states.PUBLISHED) or question.answered_at:
        raise ValidationError(_("Cette question ne peut plus être orientée."))
    check_addressee(official, question.organisation)
    previous = question.official
    question.official = official
    question.save(update_fields=["official"])
    if question.state == states.PUBLISHED:
        if previous is not None:
            _bump(previous, question.published_at, received=-1)
        _bump(official, question.published_at, received=1)
        _tell_official(question)
    return question


@transaction.atomic
def publish(question: Question, *, by, official: Official | None = None) -> Question:
    """Publish a question after pre-moderation (through the shared moderation service)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state != states.SUBMITTED:
        raise ValidationError(_("Cette question a déjà été modérée."))
    if official is not None:
        check_addressee(official, question.organisation)
        question.official = official
    if question.official is None:
        raise ValidationError(_("Choisissez l'élu qui répondra à cette question adressée au conseil."))
    decide(question.contribution, ModerationDecision.Action.APPROVE, moderator=by)
    question.contribution.refresh_from_db(fields=["is_hidden", "awaiting_moderation"])
    _published(question, by=by)
    return question


def _published(question: Question, *, by) -> None:
    now = timezone.now()
    question.state = states.PUBLISHED
    question.published_at = now
    question.due_at = now + timedelta(days=settings_for(question.organisation).answer_days)
    question.save(update_fields=["state", "published_at", "due_at", "official"])
    change_status(question.contribution, states.PUBLISHED, by=by, system=True)
    _bump(question.official, now, received=1)
    _tell_official(question)
    _federate(question, "Create")


@transaction.atomic
def reject(question: Question, *, by, reason: ModerationReason, note: str = "") -> Question:
    """Refuse a question with a reason of the charter: it stays listed with the reason, without
    its text."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state != states.SUBMITTED:
        raise ValidationError(_("Cette question a déjà été modérée."))
    decide(question.contribution, ModerationDecision.Action.HIDE, moderator=by, reason=reason, note=note)
    question.contribution.refresh_from_db(fields=["is_hidden", "awaiting_moderation"])
    _rejected(question, reason, by=by)
    return question


def _rejected(question: Question, reason, *, by) -> None:
    question.state = states.REJECTED
    question.rejection_reason = reason
    question.save(update_fields=["state", "rejection_reason"])
    change_status(question.contribution, states.REJECTED, by=by, system=True, note=reason.label if reason else "")
    if question.author_id:
        notify(question.author, "qa_elus.question_rejected",
               title=_("Votre question « %(title)s » n'a pas été publiée") % {"title": question.title},
               body=str(reason.label) if reason else "", url=question.get_absolute_url(),
               owner=question.component.phase.space)


def sync_moderation() -> int:
    """Apply decisions taken in the shared moderation queue rather than on the plugin's page
    (run by the scheduler; only questions still awaiting moderation are read)."""
    done = 0
    waiting = Question.objects.filter(state=states.SUBMITTED, contribution__awaiting_moderation=False)
    for question in waiting.select_related("contribution", "official")[:500]:
        with transaction.atomic():
            if question.contribution.is_hidden:
                decision = (ModerationDecision.objects.filter(contribution=question.contribution, action="hide")
                            .select_related("reason").order_by("-pk").first())
                _rejected(question, decision.reason if decision else None, by=None)
            elif question.official_id and question.official.accepts_questions():
                _published(question, by=None)
            else:
                continue  # a question to the council waits for an agent to route it
        done += 1
    return done


def _tell_official(question: Question) -> None:
    official = question.official
    recipients = [official.user] if official.user_id else []
    recipients += [d.staff for d in official.delegations_given.select_related("staff")]
    if recipients:
        notify(recipients, "qa_elus.question_to_answer",
               title=_("Nouvelle question : « %(title)s »") % {"title": question.title},
               url=question.get_absolute_url(), owner=question.component.phase.space)


# --- Supports --------------------------------------------------------------------------------


def support(question: Question, user, *, channel: str = "web"):
    """Support ("me too") a published question: one participation record per person."""
    from core.participation.identity import person_key_from_email
    from core.participation.services import participate

    if not question.is_public:
        raise ValidationError(_("Cette question ne reçoit pas de soutiens."))
    if question.author_id == user.pk:
        raise ValidationError(_("Vous avez posé cette question : votre soutien est déjà compté."))
    with transaction.atomic():
        participation = participate(subject_key=question.subject_key, channel=channel, user=user,
                                    person_key=person_key_from_email(user.email))
        follow(user, question.contribution)
    return participation


SUBJECT_PREFIX = "qa_elus:question:"


def recount_supports() -> int:
    """Recount the active supports of every question per channel from the participation
    register (the source of truth: withdrawn and invalidated supports drop out) and store them
    on the questions whose counts changed. Run by the scheduler: supporting never writes to the
    question's row. ``paper`` and ``assisted`` count as paper. Returns the questions updated."""
    from core.participation.models import ParticipationRecord

    counted: dict[int, list[int]] = {}
    rows = (ParticipationRecord.objects
            .filter(subject_key__startswith=SUBJECT_PREFIX, withdrawn_at__isnull=True, invalidated_at__isnull=True)
            .values_list("subject_key", "channel").annotate(n=Count("pk")).order_by())
    for subject_key, channel, n in rows:
        pk = subject_key[len(SUBJECT_PREFIX):]
        if pk.isdigit():
            column = {"web": 0, "partner": 2}.get(channel, 1)
            counted.setdefault(int(pk), [0, 0, 0])[column] += n
    stored = (Question.objects.filter(Q(pk__in=list(counted)) | Q(support_total__gt=0))
              .values_list("pk", "support_web", "support_paper", "support_partner"))
    updated = 0
    for pk, *current in stored.iterator(chunk_size=2000):
        web, paper, partner = counted.get(pk, (0, 0, 0))
        if [web, paper, partner] != current:
            Question.objects.filter(pk=pk).update(support_web=web, support_paper=paper, support_partner=partner,
                                                  support_total=web + paper + partner)
            updated += 1
    return updated


# --- Answers ---------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def find_copy(official: Official, normalised: str, fingerprint: str) -> Answer | None:
    """An earlier answer of the official to another question with (nearly) the same text."""
    same = Answer.objects.filter(official=official, fingerprint=fingerprint).order_by("pk").first()
    if same is not None:
        return same
    earlier_answers = Answer.objects.filter(official=official).only("pk", "question_id", "normalised_text")
    for earlier in earlier_answers.order_by("-pk")[:COPY_WINDOW]:
        ratio = difflib.SequenceMatcher(None, normalised, earlier.normalised_text, autojunk=False)
        if ratio.quick_ratio() >= COPY_SIMILARITY and ratio.ratio() >= COPY_SIMILARITY:
            return earlier
    return None


def writer_name(by, official: Official) -> str:
    """The name published under an answer written on the official's behalf: the writer's public
    display name, or their role in the organisation when they have none, never their e-mail."""
    from core.models import Membership

    name = (by.display_name or "").strip()
    if not name:
        membership = (Membership.objects.filter(user=by, organisation_id=official.organisation_id)
                      .order_by("pk").first())
        name = str(membership.get_role_display()) if membership else _("un agent de la collectivité")
    return name[:Answer._meta.get_field("writer_name").max_length]


@transaction.atomic
def answer(question: Question, *, by, body: str) -> Answer:
    """Publish the official's answer (written by the official or by delegated staff)."""
    question = Question.objects.select_for_update(of=("self",)).select_related("official").get(pk=question.pk)
    official = question.official
    if official is None or not can_answer(by, official):
        raise PermissionDenied(_("Seuls l'élu destinataire et les agents à qui il a délégué la réponse "
                                 "peuvent répondre."))
    if question.state != states.PUBLISHED:
        raise ValidationError(_("Cette question n'attend pas de réponse."))
    if len(body) > MAX_ANSWER:
        raise ValidationError(_("La réponse dépasse %(max)d caractères.") % {"max": MAX_ANSWER})
    cleaned = clean_rich_text(body)
    normalised = _normalise(visible_text(cleaned))
    if not normalised:
        raise ValidationError(_("La réponse est vide."))
    fingerprint = hashlib.sha256(normalised.encode()).hexdigest()
    now = timezone.now()
    delay = max(0, (now - question.published_at).days)
    written = Answer.objects.create(
        question=question, official=official, written_by=by, signature=official.signature, body=cleaned,
        normalised_text=normalised,
        writer_name="" if official.user_id == by.pk else writer_name(by, official), fingerprint=fingerprint,
        copy_of=find_copy(official, normalised, fingerprint), delay_days=delay,
    )
    question.state = states.ANSWERED
    question.answered_at = now
    question.save(update_fields=["state", "answered_at"])
    change_status(question.contribution, states.ANSWERED, by=by, system=True)
    _bump(official, question.published_at, answered=1, delay=delay)
    notify_followers(question.contribution, "qa_elus.question_answered",
                     title=_("%(official)s a répondu à « %(title)s »") % {"official": official.name, "title": question.title},
                     url=question.get_absolute_url(), exclude=by)
    _federate_answer(written)
    return written


# --- Statistics ------------------------------------------------------------------------------


def period_of(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _median(delays: dict[str, int]) -> float | None:
    values = sorted((int(days), count) for days, count in delays.items() if count > 0)
    total = sum(count for _d, count in values)
    if not total:
        return None
    expanded = []  # at most the two middle values are needed
    seen = 0
    for days, count in values:
        for position in (total // 2 - (1 - total % 2), total // 2):
            if seen <= position < seen + count:
                expanded.append(days)
        seen += count
    return float(statistics.mean(expanded))


def _bump(official: Official, moment, *, received: int = 0, answered: int = 0, overdue: int = 0,
          delay: int | None = None) -> None:
    """Update the official's counters for the month of ``moment`` and for all time."""
    for period in (period_of(moment), ALL_TIME):
        stats, _created = OfficialStats.objects.select_for_update().get_or_create(official=official, period=period)
        stats.received = max(0, stats.received + received)
        stats.answered += answered
        stats.overdue += overdue
        if delay is not None:
            stats.delays[str(delay)] = stats.delays.get(str(delay), 0) + 1
            stats.median_delay_days = _median(stats.delays)
        stats.save()


def mark_overdue(now=None) -> int:
    """Count the questions whose due date passed without an answer (run by the scheduler;
    each question is counted once)."""
    now = now or timezone.now()
    late = Question.objects.filter(state=states.PUBLISHED, due_at__lt=now, overdue=False).select_related("official")
    count = 0
    for question in late[:1000]:
        with transaction.atomic():
            if Question.objects.filter(pk=question.pk, overdue=False).update(overdue=True):
                _bump(question.official, question.published_at, overdue=1)
                count += 1
    return count


# --- Federation --------------------------------------------------------------------------------


def _federate(question: Question, verb: str) -> None:
    from federation.api import publish_object

    publish_object("qa_elus", "question", question, verb=verb)


def _federate_answer(written: Answer) -> None:
    from federation.api import publish_object

    publish_object("qa_elus", "answer", written, verb="Create")
