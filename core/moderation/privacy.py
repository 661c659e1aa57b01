"""Personal data of moderation: reports made by a person, decisions taken by a moderator."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.moderation.models import ModerationDecision, Report
from core.plugins import PersonalData


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "reports": [
            {"contribution_id": r.contribution_id, "comment_id": r.comment_id, "reason": str(r.reason.label),
             "message": r.message, "created_at": _iso(r.created_at), "resolved_at": _iso(r.resolved_at)}
            for r in Report.objects.filter(reporter=user).select_related("reason").order_by("created_at")
        ],
        "moderation_decisions": [
            {"contribution_id": d.contribution_id, "comment_id": d.comment_id, "action": d.action,
             "note": d.note, "decided_at": _iso(d.decided_at)}
            for d in ModerationDecision.objects.filter(moderator=user).order_by("decided_at")
        ],
    }


def erase(user) -> None:
    # The moderation history stays (it explains why content is hidden), without the account.
    Report.objects.filter(reporter=user).update(reporter=None)
    ModerationDecision.objects.filter(moderator=user).update(moderator=None)


def personal_data() -> PersonalData:
    return PersonalData(
        key="moderation", models=("moderation.Report", "moderation.ModerationDecision"),
        export=export, erase=erase,
        description=_(
            "Les signalements et les décisions de modération restent, sans lien vers votre compte : "
            "ils expliquent pourquoi un contenu a été masqué."
        ),
    )
