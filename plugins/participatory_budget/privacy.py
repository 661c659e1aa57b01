"""Personal data of the participatory budget: the projects a person proposed and their ballot.

Ballots name nobody: the participation record links a ballot to an account (until the appeal
window ends, see retention); a person's ballot is found through their records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import PersonalData
from plugins.participatory_budget.models import Ballot, Project


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    from core.participation.models import ParticipationRecord

    records = ParticipationRecord.objects.filter(user=user, subject_key__startswith="participatory_budget:")
    return {
        "projects": [
            {"budget": str(p.budget), "title": p.title, "description": p.description, "category": p.category,
             "location": p.location, "requested_cost": p.requested_cost, "created_at": _iso(p.created_at)}
            for p in Project.objects.filter(author=user).select_related("budget__component").order_by("created_at")
        ],
        "ballots": [
            {"budget": str(b.budget), "district": b.district.name if b.district else None, "choice": b.choice,
             "channel": b.channel, "cast_at": _iso(b.cast_at)}
            for b in Ballot.objects.filter(record__in=records).select_related("budget__component", "district")
        ],
    }


def erase(user) -> None:
    # Proposals stay public without their author (others voted for them). The ballot stays
    # counted: the core drops the link from the participation record to the account.
    Project.objects.filter(author=user).update(author=None)


def personal_data() -> PersonalData:
    return PersonalData(
        key="participatory_budget", models=("participatory_budget.Project",), export=export, erase=erase,
        description=_(
            "Les projets que vous avez proposés restent en ligne sans nom d'auteur. Votre bulletin reste compté "
            "mais n'est plus rattaché à votre compte."
        ),
    )
