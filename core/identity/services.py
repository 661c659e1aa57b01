"""The identity services: the one place web pages, the API, paper entry, the admin and
federation go through to verify people and to decide who may take part.

See docs/identity.md. Everything listed in ``__all__`` is public API.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.identity.census import (
    MatchResult,
    current_list,
    import_census,
    match_census,
    open_conflict,
)
from core.identity.codes import (
    RedeemResult,
    code_attributes,
    issue_code,
    redeem_code,
    verify_in_person,
)
from core.identity.conflicts import resolve_conflict
from core.identity.eligibility import check_eligibility, conditions_of, has_rules
from core.identity.letters import Letter, create_postal_letters, parse_letters
from core.identity.methods import OIDC_PREFIX, all_methods
from core.identity.models import Verification
from core.identity.oidc import OIDCIdentity
from core.identity.privacy import erase_personal_data, export_personal_data, purge_expired
from core.identity.verifications import attributes_of, record_verification, revoke_verifications
from core.plugins import PROOF_AGE, PROOF_RESIDENCE, Attributes, Eligibility

__all__ = [
    "Attributes",
    "Eligibility",
    "Letter",
    "MatchResult",
    "RedeemResult",
    "all_methods",
    "attributes_of",
    "check_eligibility",
    "code_attributes",
    "conditions_of",
    "create_postal_letters",
    "current_list",
    "erase_personal_data",
    "export_personal_data",
    "has_rules",
    "import_census",
    "issue_code",
    "match_census",
    "parse_letters",
    "purge_expired",
    "record_oidc_identity",
    "record_verification",
    "redeem_code",
    "resolve_conflict",
    "revoke_verifications",
    "verify_in_person",
]


def record_oidc_identity(user, provider, identity: OIDCIdentity, *, organisation=None):
    """Verify ``user`` with what an identity provider vouched for. Returns
    ``(verification, None)`` or ``(None, message)`` when another account already holds that
    identity (the case then goes to the agents of ``organisation``)."""
    method = OIDC_PREFIX + provider.key
    with transaction.atomic():
        holders = (Verification.objects.active().select_for_update()
                   .filter(subject_hash=identity.subject_hash).exclude(user=user))
        holder = holders.first()
        if holder is not None:
            if organisation is not None:
                open_conflict(organisation, claimant=user, holder_id=holder.user_id, method=method,
                              subject_hash=identity.subject_hash)
            return None, _(
                "Cette identité %(provider)s est déjà rattachée à un autre compte : votre compte "
                "n'est pas vérifié. Les agents ont été prévenus ; vous pouvez aussi vous "
                "présenter à l'accueil de la mairie.") % {"provider": provider.label}
        revoke_verifications(Verification.objects.filter(user=user, method=method))
        proves = {*provider.proves}
        if identity.birth_date is None:
            proves.discard(PROOF_AGE)
        if not identity.areas:
            proves.discard(PROOF_RESIDENCE)
        verification = record_verification(
            user, method, proves=proves, areas=identity.areas, birth_date=identity.birth_date,
            identity_level=provider.identity_level, subject_hash=identity.subject_hash,
            expires_at=None,
        )
    return verification, None
