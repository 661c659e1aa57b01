"""The open data of the questions plugin (docs/opendata.md): the public questions of a space,
the officials' answers and the officials' statistics. Askers appear only under the display
name they chose to publish their question with; rejected questions keep their reason code,
never their text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from core.plugins import OpenDataColumn, OpenDataSet
from plugins.qa_elus import workflow as states

__all__ = ["open_data_sets", "public_subjects"]

LISTED = (states.PUBLISHED, states.ANSWERED, states.REJECTED)


def public_subjects(space):
    """The public questions of ``space`` as participation subjects (their supports)."""
    from plugins.qa_elus.models import Question

    return (Question.objects.public_with_text().filter(component__phase__space=space)
            .annotate(key=Concat(Value("qa_elus:question:"), Cast("pk", CharField()), output_field=CharField()))
            .values("key", "title").order_by("pk"))


def _question_rows(space) -> Iterator[dict[str, Any]]:
    from plugins.qa_elus.models import Question

    questions = (Question.objects.public().filter(component__phase__space=space, state__in=LISTED)
                 .select_related("official", "rejection_reason").order_by("created_at", "pk"))
    for q in questions:
        rejected = q.state == states.REJECTED
        yield {
            "id": q.pk, "title": "" if rejected else q.title, "text": "" if rejected else q.text,
            "asked_by": "" if rejected else q.display_name, "channel": q.channel, "state": q.state,
            "official_id": q.official_id, "official": q.official.signature if q.official_id else "",
            "rejection_reason": q.rejection_reason.code if rejected and q.rejection_reason_id else "",
            "follow_up_of": q.follow_up_of_id, "created_at": q.created_at, "published_at": q.published_at,
            "due_at": q.due_at, "answered_at": q.answered_at,
            "supports_web": q.support_web, "supports_paper": q.support_paper,
            "supports_partner": q.support_partner, "supports_total": q.support_total,
        }


def _answer_rows(space) -> Iterator[dict[str, Any]]:
    from plugins.qa_elus.models import Answer, Question

    answers = (Answer.objects.filter(question__in=Question.objects.public_with_text().filter(
                   component__phase__space=space)).select_related("official", "copy_of")
               .order_by("created_at", "pk"))
    for a in answers:
        yield {"question_id": a.question_id, "official_id": a.official_id, "signature": a.signature,
               "written_on_behalf": bool(a.writer_name), "body_html": a.body, "created_at": a.created_at,
               "delay_days": a.delay_days, "copy_of_question_id": a.copy_of.question_id if a.copy_of_id else None}


def _statistics_rows(space) -> Iterator[dict[str, Any]]:
    from plugins.qa_elus.models import OfficialStats

    stats = (OfficialStats.objects.filter(official__organisation__spaces=space).select_related("official")
             .order_by("official__name", "official_id", "period"))
    for s in stats:
        yield {"official_id": s.official_id, "official": s.official.signature, "period": s.period or "all",
               "received": s.received, "answered": s.answered, "overdue": s.overdue,
               "answer_rate": s.answer_rate, "median_delay_days": s.median_delay_days}


def open_data_sets() -> list[OpenDataSet]:
    return [
        OpenDataSet(
            key="questions", title=_("Questions aux élus"),
            description=_("Les questions publiées et refusées (sans leur texte), leur destinataire, leur état et "
                          "leurs soutiens par canal."),
            columns=(
                OpenDataColumn("id", "integer"), OpenDataColumn("title"), OpenDataColumn("text"),
                OpenDataColumn("asked_by", description=_("le nom choisi par la personne pour publier sa question")),
                OpenDataColumn("channel"), OpenDataColumn("state"), OpenDataColumn("official_id", "integer"),
                OpenDataColumn("official"), OpenDataColumn("rejection_reason"),
                OpenDataColumn("follow_up_of", "integer"), OpenDataColumn("created_at", "datetime"),
                OpenDataColumn("published_at", "datetime"), OpenDataColumn("due_at", "datetime"),
                OpenDataColumn("answered_at", "datetime"), OpenDataColumn("supports_web", "integer"),
                OpenDataColumn("supports_paper", "integer"), OpenDataColumn("supports_partner", "integer"),
                OpenDataColumn("supports_total", "integer"),
            ),
            rows=_question_rows,
        ),
        OpenDataSet(
            key="answers", title=_("Réponses des élus"),
            description=_("Les réponses publiées, signées par la fonction de l'élu, avec leur délai et les reprises "
                          "d'une réponse précédente."),
            columns=(
                OpenDataColumn("question_id", "integer"), OpenDataColumn("official_id", "integer"),
                OpenDataColumn("signature"), OpenDataColumn("written_on_behalf", "boolean"),
                OpenDataColumn("body_html"), OpenDataColumn("created_at", "datetime"),
                OpenDataColumn("delay_days", "integer"), OpenDataColumn("copy_of_question_id", "integer"),
            ),
            rows=_answer_rows,
        ),
        OpenDataSet(
            key="statistics", title=_("Taux de réponse des élus"),
            description=_("Par élu et par mois de réception (et au total) : questions reçues, répondues, en retard, "
                          "taux de réponse et délai médian."),
            columns=(
                OpenDataColumn("official_id", "integer"), OpenDataColumn("official"), OpenDataColumn("period"),
                OpenDataColumn("received", "integer"), OpenDataColumn("answered", "integer"),
                OpenDataColumn("overdue", "integer"), OpenDataColumn("answer_rate", "number"),
                OpenDataColumn("median_delay_days", "number"),
            ),
            rows=_statistics_rows,
        ),
    ]
