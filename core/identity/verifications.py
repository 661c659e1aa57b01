"""Recording and revoking verifications, and what a person has proved at a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone

from core.identity.models import Verification
from core.plugins import PROOF_AGE, PROOF_MEMBERSHIP, PROOF_RESIDENCE, Attributes


def record_verification(
    user,
    method: str,
    *,
    proves: Iterable[str],
    areas: Iterable[str] = (),
    birth_date: date | None = None,
    organisation=None,
    identity_level: int = 0,
    verified_by=None,
    expires_at: datetime | None = None,
    subject_hash: str = "",
    census_entry=None,
) -> Verification:
    """Record that ``user`` proved ``proves`` by ``method``; keep only what rules need.

    ``expires_at`` defaults to now + the method's ``validity``. Areas are kept only when the
    verification proves residence, the birth date only when it proves age.
    """
    from core.identity.methods import all_methods

    proves = sorted(set(proves))
    now = timezone.now()
    if expires_at is None:
        spec = all_methods().get(method)
        if spec is not None and spec.validity is not None:
            expires_at = now + spec.validity
    return Verification.objects.create(
        verified_at=now,
        user=user,
        method=method,
        proves=proves,
        areas=sorted({a.strip() for a in areas if a and a.strip()}) if PROOF_RESIDENCE in proves else [],
        birth_date=birth_date if PROOF_AGE in proves else None,
        organisation=organisation,
        identity_level=identity_level,
        verified_by=verified_by,
        expires_at=expires_at,
        subject_hash=subject_hash,
        census_entry=census_entry,
    )


def revoke_verifications(queryset) -> int:
    """Revoke the active verifications of ``queryset``; return how many."""
    return queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def email_confirmed(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def attributes_of(user, at: datetime | None = None) -> Attributes:
    """What ``user`` has proved and still holds at ``at`` (now by default)."""
    if not getattr(user, "is_authenticated", False):
        return Attributes()
    areas: set[str] = set()
    memberships: set[int] = set()
    birth_date = None
    level = 1 if email_confirmed(user) else 0
    # Newest first: the most recent birth date wins if two verifications disagree.
    for verification in Verification.objects.active(at).filter(user=user).order_by("-verified_at", "-pk"):
        proves = set(verification.proves)
        level = max(level, verification.identity_level)
        if PROOF_RESIDENCE in proves:
            areas.update(verification.areas)
        if PROOF_AGE in proves and verification.birth_date and birth_date is None:
            birth_date = verification.birth_date
        if PROOF_MEMBERSHIP in proves and verification.organisation_id:
            memberships.add(verification.organisation_id)
    return Attributes(birth_date=birth_date, areas=frozenset(areas),
                      memberships=frozenset(memberships), identity_level=level)
