"""One-time codes handed over at the town hall or mailed in a letter.

A code is ``SSSS-VVVV-VVVV``: the selector ``SSSS`` finds the row, the verifier is checked
against a keyed hash in constant time. Codes are single-use, expire, lock after a few wrong
guesses, and failed attempts are rate-limited per account and per IP.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity import conf, ratelimit
from core.identity.methods import IN_PERSON, POSTAL
from core.identity.models import IdentityLevel, OneTimeCode, Verification
from core.identity.normalise import CODE_SALT, keyed_hash, same_hash
from core.identity.verifications import record_verification
from core.plugins import PROOF_AGE, PROOF_IDENTITY, PROOF_MEMBERSHIP, PROOF_RESIDENCE

#: No 0/O, 1/I/L: codes are read on paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SELECTOR_LENGTH = 4
VERIFIER_LENGTH = 8


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())[:64]


def code_attributes(*, areas=(), birth_date: date | None = None, membership: bool = False) -> dict:
    """What redeeming the code proves, in the minimal form stored with it."""
    return {
        "areas": [a.strip() for a in areas if a and a.strip()],
        "birth_date": birth_date.isoformat() if birth_date else None,
        "membership": bool(membership),
    }


def issue_code(kind: str, organisation, *, issued_by, attributes: dict, user=None,
               validity: timedelta | None = None) -> tuple[str, OneTimeCode]:
    """Create a code; return it in clear (shown or printed once) and its row."""
    if validity is None:
        name = ("PARVIS_IDENTITY_POSTAL_CODE_DAYS" if kind == OneTimeCode.Kind.POSTAL
                else "PARVIS_IDENTITY_IN_PERSON_CODE_DAYS")
        validity = timedelta(days=conf.get_int(name))
    code = _random(SELECTOR_LENGTH + VERIFIER_LENGTH)
    now = timezone.now()
    row = OneTimeCode.objects.create(
        kind=kind, selector=code[:SELECTOR_LENGTH], code_hash=keyed_hash(CODE_SALT, code),
        organisation=organisation, user=user, issued_by=issued_by, attributes=attributes,
        issued_at=now, expires_at=now + validity,
    )
    return format_code(code), row


@dataclass
class RedeemResult:
    ok: bool
    message: str
    verification: Verification | None = None


def _invalid() -> RedeemResult:
    return RedeemResult(False, _("Ce code n'est pas valide. Vérifiez-le (les lettres O et I "
                                 "et les chiffres 0 et 1 n'y figurent jamais)."))


def redeem_code(user, value: str, *, ip: str) -> RedeemResult:
    """Use a code for ``user``: verify them with what the code proves, or say why not."""
    if ratelimit.is_limited(user, ip):
        return RedeemResult(False, _("Trop d'essais infructueux. Réessayez dans une heure, ou "
                                     "demandez un nouveau code à la mairie."))
    code = normalise_code(value)
    if len(code) != SELECTOR_LENGTH + VERIFIER_LENGTH or any(c not in ALPHABET for c in code):
        ratelimit.record_failure(user, ip)
        return _invalid()
    max_attempts = conf.get_int("PARVIS_IDENTITY_MAX_CODE_ATTEMPTS")
    digest = keyed_hash(CODE_SALT, code)
    with transaction.atomic():
        candidates = list(OneTimeCode.objects.select_for_update(of=("self",))
                          .select_related("organisation", "issued_by")
                          .filter(selector=code[:SELECTOR_LENGTH]))
        match = None
        for row in candidates:  # compare every candidate: no early exit on a match
            if same_hash(row.code_hash, digest):
                match = row
        if match is None:
            ratelimit.record_failure(user, ip)
            # The selector was right: count the wrong guess against those codes.
            OneTimeCode.objects.filter(pk__in=[r.pk for r in candidates if r.used_at is None]) \
                .update(attempts=F("attempts") + 1)
            return _invalid()
        if match.attempts >= max_attempts:
            ratelimit.record_failure(user, ip)
            return RedeemResult(False, _("Ce code est bloqué après trop d'essais erronés : "
                                         "demandez-en un nouveau à la mairie."))
        if match.used_at is not None:
            ratelimit.record_failure(user, ip)
            return RedeemResult(False, _("Ce code a déjà été utilisé. Chaque code ne sert "
                                         "qu'une fois."))
        if match.expires_at <= timezone.now():
            return RedeemResult(False, _("Ce code a expiré le %(date)s : demandez-en un nouveau "
                                         "à la mairie.") % {"date": _day(match.expires_at)})
        if match.user_id and match.user_id != user.pk:
            ratelimit.record_failure(user, ip)
            return RedeemResult(False, _("Ce code a été remis pour un autre compte."))
        used = OneTimeCode.objects.filter(pk=match.pk, used_at__isnull=True).update(
            used_at=timezone.now(), used_by=user)
        if not used:
            return RedeemResult(False, _("Ce code a déjà été utilisé. Chaque code ne sert qu'une "
                                         "fois."))
        verification = _verify_from_code(user, match)
    return RedeemResult(True, _("Merci : votre compte est vérifié par %(name)s.")
                        % {"name": match.organisation.name}, verification)


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _verify_from_code(user, code: OneTimeCode) -> Verification:
    attrs = code.attributes or {}
    proves = set()
    if code.kind == OneTimeCode.Kind.IN_PERSON:
        proves.add(PROOF_IDENTITY)
    if attrs.get("areas"):
        proves.add(PROOF_RESIDENCE)
    birth_date = date.fromisoformat(attrs["birth_date"]) if attrs.get("birth_date") else None
    if birth_date:
        proves.add(PROOF_AGE)
    if attrs.get("membership"):
        proves.add(PROOF_MEMBERSHIP)
    in_person = code.kind == OneTimeCode.Kind.IN_PERSON
    return record_verification(
        user, IN_PERSON if in_person else POSTAL, proves=proves, areas=attrs.get("areas", ()),
        birth_date=birth_date, organisation=code.organisation, verified_by=code.issued_by,
        identity_level=IdentityLevel.CHECKED if in_person else IdentityLevel.MATCHED,
    )


def verify_in_person(agent, organisation, user, *, areas=(), birth_date: date | None = None,
                     membership: bool = False) -> Verification:
    """An agent checked a document at the desk: verify the account directly (no copy kept)."""
    proves = {PROOF_IDENTITY}
    if any(a.strip() for a in areas):
        proves.add(PROOF_RESIDENCE)
    if birth_date:
        proves.add(PROOF_AGE)
    if membership:
        proves.add(PROOF_MEMBERSHIP)
    return record_verification(
        user, IN_PERSON, proves=proves, areas=areas, birth_date=birth_date,
        organisation=organisation, verified_by=agent, identity_level=IdentityLevel.CHECKED,
    )
