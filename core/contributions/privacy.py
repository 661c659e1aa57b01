"""Personal data of the shared contributions registry: authors, status changes, answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.contributions.models import Contribution, OfficialAnswer, StatusChange
from core.models import Role
from core.plugins import PersonalData


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "contributions": [
            {"title": c.title, "summary": c.summary, "module": c.plugin, "kind": c.kind, "status": c.status,
             "address": c.url, "created_at": _iso(c.created_at), "hidden_by_moderation": c.is_hidden}
            for c in Contribution.objects.filter(author=user).order_by("created_at")
        ],
        "status_changes": [
            {"contribution": s.contribution.title, "old_status": s.old_status, "new_status": s.new_status,
             "note": s.note, "changed_at": _iso(s.changed_at)}
            for s in StatusChange.objects.filter(changed_by=user).select_related("contribution").order_by("changed_at")
        ],
        "official_answers": [
            {"contribution": a.contribution.title, "signature": a.signature, "body": a.body,
             "published_at": _iso(a.published_at)}
            for a in OfficialAnswer.objects.filter(author=user).select_related("contribution").order_by("published_at")
        ],
    }


def erase(user) -> None:
    # Public content stays, with no author: others answered, commented and followed it.
    Contribution.objects.filter(author=user).update(author=None)
    StatusChange.objects.filter(changed_by=user).update(changed_by=None)
    # An official answer is the organisation's public act: it stays, signed by the office
    # ("élu, Saint-Aubin") instead of the person's name.
    for answer in OfficialAnswer.objects.filter(author=user).select_related("organisation"):
        answer.author = None
        answer.signature = f"{Role(answer.role).label if answer.role in Role.values else answer.role}, {answer.organisation.name}"
        answer.save(update_fields=["author", "signature"])


def personal_data() -> PersonalData:
    return PersonalData(
        key="contributions",
        models=("contributions.Contribution", "contributions.StatusChange", "contributions.OfficialAnswer"),
        export=export, erase=erase,
        description=_(
            "Vos contributions publiques restent en ligne sans nom d'auteur, car d'autres personnes y ont "
            "répondu ; les changements de statut et les réponses officielles restent, sans lien vers votre compte, signées de "
            "votre fonction au lieu de votre nom."
        ),
    )
