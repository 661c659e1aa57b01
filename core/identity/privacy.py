"""Personal data held by the identity app: export, erase, and the retention purge."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.identity import conf
from core.identity.models import CensusEntry, CensusList, ConflictCase, OneTimeCode, Verification


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(user) -> dict:
    """Everything kept about ``user`` here, as JSON-ready data (names were never stored)."""
    from core.identity.methods import method_label

    verifications = Verification.objects.filter(user=user).select_related("organisation")
    return {
        "verifications": [
            {
                "method": v.method, "method_label": method_label(v.method), "proves": v.proves,
                "areas": v.areas, "birth_date": _iso(v.birth_date),
                "identity_level": v.identity_level,
                "organisation": v.organisation.name if v.organisation else None,
                "verified_at": _iso(v.verified_at), "expires_at": _iso(v.expires_at),
                "verified_by_agent": v.verified_by_id is not None, "revoked_at": _iso(v.revoked_at),
                "identity_provider_subject_kept_as_hash": bool(v.subject_hash),
            }
            for v in verifications
        ],
        "census_claims": [
            {"organisation": e.census.organisation.name, "area": e.area,
             "birth_date": _iso(e.birth_date), "claimed_at": _iso(e.claimed_at)}
            for e in CensusEntry.objects.filter(claimed_by=user).select_related("census__organisation")
        ],
        "conflicts": [
            {"organisation": c.organisation.name, "method": c.method, "created_at": _iso(c.created_at),
             "resolved_at": _iso(c.resolved_at), "resolution": c.resolution}
            for c in ConflictCase.objects.filter(claimant=user).select_related("organisation")
        ],
        "codes": [
            {"kind": c.kind, "organisation": c.organisation.name, "issued_at": _iso(c.issued_at),
             "expires_at": _iso(c.expires_at), "used_at": _iso(c.used_at)}
            for c in OneTimeCode.objects.filter(Q(user=user) | Q(used_by=user))
            .select_related("organisation").distinct()
        ],
    }


@transaction.atomic
def erase_personal_data(user) -> None:
    """Forget ``user``'s verifications and claims. Census entries stay on the list (they are
    the town's data) but no longer point to the account; spent codes stay spent."""
    Verification.objects.filter(user=user).delete()
    CensusEntry.objects.filter(claimed_by=user).update(claimed_by=None, claimed_at=None)
    ConflictCase.objects.filter(claimant=user).delete()
    ConflictCase.objects.filter(holder=user).update(holder=None)
    OneTimeCode.objects.filter(user=user, used_at__isnull=True).delete()
    OneTimeCode.objects.filter(Q(user=user) | Q(used_by=user)).update(user=None, used_by=None)


def purge_expired(now=None) -> dict[str, int]:
    """Delete census lists past their date, expired codes, and verifications expired or
    revoked for ``PARVIS_IDENTITY_EXPIRED_KEEP_DAYS``. Idempotent."""
    now = now or timezone.now()
    keep = timedelta(days=conf.get_int("PARVIS_IDENTITY_EXPIRED_KEEP_DAYS"))
    lists = CensusList.objects.filter(purge_after__lte=now)
    entries = CensusEntry.objects.filter(census__in=lists).count()
    census_deleted = lists.delete()[1].get("identity.CensusList", 0)
    codes = OneTimeCode.objects.filter(Q(expires_at__lte=now) | Q(used_at__lte=now - keep)).delete()
    verifications = Verification.objects.filter(
        Q(expires_at__lte=now - keep) | Q(revoked_at__lte=now - keep)).delete()
    return {
        "census_lists": census_deleted,
        "census_entries": entries,
        "codes": codes[1].get("identity.OneTimeCode", 0),
        "verifications": verifications[1].get("identity.Verification", 0),
    }


def _erase_with_agent_links(user) -> None:
    """Erase as a person (:func:`erase_personal_data`), then forget the account's agent work:
    what it verified, uploaded, resolved or issued stays, with no link to it."""
    erase_personal_data(user)
    Verification.objects.filter(verified_by=user).update(verified_by=None)
    CensusList.objects.filter(uploaded_by=user).update(uploaded_by=None)
    ConflictCase.objects.filter(resolved_by=user).update(resolved_by=None)
    OneTimeCode.objects.filter(issued_by=user).update(issued_by=None)


def personal_data():
    """The identity section of the ``personal_data`` hook (see :class:`core.plugins.PersonalData`)."""
    from django.utils.translation import gettext_lazy as _

    from core.plugins import PersonalData

    return PersonalData(
        key="identity",
        models=("identity.Verification", "identity.CensusList", "identity.CensusEntry",
                "identity.ConflictCase", "identity.OneTimeCode"),
        export=export_personal_data, erase=_erase_with_agent_links,
        description=_(
            "Vos vérifications et vos demandes de rapprochement sont supprimées. Les lignes des listes "
            "électorales restent (ce sont les données de la commune) sans lien vers votre compte, et les "
            "codes déjà utilisés restent utilisés."
        ),
    )
