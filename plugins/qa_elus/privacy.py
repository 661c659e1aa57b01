"""Personal data of the questions plugin: questions asked, answers written, official profiles
and answering delegations. Supports are participation records (the core's section)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import PersonalData
from plugins.qa_elus.models import Answer, Delegation, Official, Question

ERASED_NAME = "—"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "questions": [
            {"title": q.title, "text": q.text, "display_name": q.display_name, "state": q.state,
             "official": q.official.signature if q.official_id else None,
             "created_at": _iso(q.created_at), "answered_at": _iso(q.answered_at)}
            for q in Question.objects.filter(author=user).select_related("official").order_by("created_at")
        ],
        "answers_written": [
            {"question": a.question.title, "on_behalf_of": a.official.signature, "body": a.body,
             "created_at": _iso(a.created_at)}
            for a in Answer.objects.filter(written_by=user).select_related("question", "official").order_by("created_at")
        ],
        "official_profiles": [
            {"organisation": o.organisation.name, "name": o.name, "role": o.role, "opted_in": o.opted_in,
             "mandate_start": _iso(o.mandate_start), "mandate_end": _iso(o.mandate_end)}
            for o in Official.objects.filter(user=user).select_related("organisation").order_by("pk")
        ],
        "delegations": [
            {"official": d.official.signature, "created_at": _iso(d.created_at)}
            for d in Delegation.objects.filter(staff=user).select_related("official").order_by("pk")
        ],
    }


def erase(user) -> None:
    # Published questions and answers stay public (people supported them, officials were held
    # to account), without the asker's name or the writer's account.
    Question.objects.filter(author=user).update(author=None, display_name=ERASED_NAME)
    Answer.objects.filter(written_by=user).exclude(writer_name="").update(written_by=None, writer_name=ERASED_NAME)
    Answer.objects.filter(written_by=user).update(written_by=None)
    Delegation.objects.filter(staff=user).delete()
    # An official's public profile is the organisation's: it loses the link to the account and
    # stops taking questions.
    Official.objects.filter(user=user).update(user=None, opted_in=False)


def personal_data() -> PersonalData:
    return PersonalData(
        key="qa_elus",
        models=("qa_elus.Question", "qa_elus.Answer", "qa_elus.Official", "qa_elus.Delegation"),
        export=export, erase=erase,
        description=_(
            "Vos questions aux élus restent en ligne sans votre nom ; les réponses que vous avez rédigées "
            "restent publiées au nom de l'élu ; vos délégations de réponse sont supprimées et votre fiche "
            "d'élu n'est plus liée à votre compte. Vos soutiens restent comptés, sous une clé chiffrée au "
            "registre, pour qu'on ne puisse pas soutenir deux fois."
        ),
    )
