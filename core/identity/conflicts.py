"""The agents' decision on a conflict: two accounts claimed one identity."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity.models import CensusEntry, ConflictCase, Verification
from core.identity.verifications import revoke_verifications

Resolution = ConflictCase.Resolution


def _holder_verifications(case: ConflictCase):
    verifications = Verification.objects.filter(user_id=case.holder_id)
    if case.entry_id:
        return verifications.filter(census_entry_id=case.entry_id)
    return verifications.filter(subject_hash=case.subject_hash) if case.subject_hash else verifications.none()


@transaction.atomic
def resolve_conflict(case: ConflictCase, resolution: str, *, by) -> ConflictCase:
    """Apply the agents' decision and close the case.

    ``keep``: the first account stays verified. ``transfer``: its verification is revoked and,
    for a census entry, the claimant is verified instead (for an identity provider, the
    claimant signs in with it again). ``revoke``: neither account is verified; a census entry
    is blocked (only the town hall can verify that person now).
    """
    from core.identity.census import _verify_from_entry

    case = ConflictCase.objects.select_for_update().get(pk=case.pk)
    if case.resolved_at is not None:
        raise ValidationError(_("Ce conflit a déjà été traité."))
    if resolution not in Resolution.values:
        raise ValidationError(_("Choisissez une décision."))
    entry = CensusEntry.objects.select_related("census__organisation").filter(pk=case.entry_id).first()
    if resolution == Resolution.TRANSFER:
        revoke_verifications(_holder_verifications(case))
        if entry is not None:
            entry.claimed_by_id, entry.claimed_at, entry.blocked = case.claimant_id, timezone.now(), False
            entry.save(update_fields=["claimed_by", "claimed_at", "blocked"])
            _verify_from_entry(case.claimant, entry)
    elif resolution == Resolution.REVOKE:
        revoke_verifications(_holder_verifications(case))
        if entry is not None:
            entry.claimed_by, entry.claimed_at, entry.blocked = None, None, True
            entry.save(update_fields=["claimed_by", "claimed_at", "blocked"])
    case.resolution, case.resolved_at, case.resolved_by = resolution, timezone.now(), by
    case.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    return case
