"""Personal data of participation records: the link between a record and an account.

Records are never deleted: the unique constraint on ``(subject_key, person_key)`` is the
one-person-one-signature guarantee, and the counts and the ledger rest on them. Erasing drops
the link to the account and keeps ``person_key`` (a keyed hash, not the identity).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.participation.models import ParticipationRecord
from core.plugins import PersonalData

AGENT_FIELDS = ("entered_by", "withdrawn_by", "invalidated_by")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "participations": [
            {"subject": r.subject_key, "channel": r.channel, "created_at": _iso(r.created_at),
             "withdrawn_at": _iso(r.withdrawn_at), "invalidated_at": _iso(r.invalidated_at),
             "invalidation_reason": r.invalidation_reason}
            for r in ParticipationRecord.objects.filter(user=user).order_by("created_at")
        ],
        # As an agent: how many records this person entered, withdrew or invalidated (the
        # records themselves belong to other people).
        "records_handled_as_agent": {
            field: ParticipationRecord.objects.filter(**{field: user}).count() for field in AGENT_FIELDS
        },
    }


def erase(user) -> None:
    ParticipationRecord.objects.filter(user=user).update(user=None)
    for field in AGENT_FIELDS:
        ParticipationRecord.objects.filter(**{field: user}).update(**{field: None})


def personal_data() -> PersonalData:
    return PersonalData(
        key="participation", models=("participation.ParticipationRecord",), export=export, erase=erase,
        description=_(
            "Vos émargements (signatures et votes) restent comptés et inscrits au registre public, sous une "
            "clé chiffrée et sans lien vers votre compte : c'est ce qui empêche de signer ou de voter deux fois."
        ),
    )
