"""The core's own retention rules (returned by ``core.hooks.retention_rules``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.plugins import RetentionRule


def drop_participation_account_links(organisation, delay: timedelta, now: datetime) -> int:
    """Unlink participation records from accounts once their subject has been closed for
    ``delay`` (the time to contest the result). The record, its person key and the ledger
    stay: the count and the one-person-one-participation rule do not need the account.

    A subject belongs to ``organisation`` when it is one of its organisations (intercommunal
    spaces have several: the first delay to pass applies). Subjects whose closing date is
    unknown keep their links.
    """
    from core.participation.models import ParticipationRecord
    from core.participation.registry import UnknownSubject, get_subject

    cutoff = now - delay
    linked = ParticipationRecord.objects.filter(user__isnull=False)
    changed = 0
    for key in linked.values_list("subject_key", flat=True).distinct().order_by("subject_key"):
        try:
            subject = get_subject(key)
        except UnknownSubject:
            continue
        closed_at = subject.info.closed_at
        if closed_at is None or closed_at > cutoff:
            continue
        if organisation.pk not in {o.pk for o in subject.organisations}:
            continue
        records = linked.filter(subject_key=key)
        # The person who withdrew their own participation is unlinked too; agents stay named.
        records.filter(withdrawn_by=F("user")).update(withdrawn_by=None)
        changed += records.update(user=None)
    return changed


def core_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            key="participation_account_links",
            label=_("Lien entre émargements et comptes"),
            description=_(
                "Après la clôture d'un vote ou d'une pétition et le délai de contestation, vos "
                "émargements ne sont plus reliés à votre compte : ils restent comptés sous une clé "
                "chiffrée."
            ),
            data=_("lien entre l'émargement et le compte"),
            default=timedelta(days=60), minimum=timedelta(days=30), maximum=timedelta(days=365),
            apply=drop_participation_account_links,
        ),
    ]
