"""Retention rules of the petitions plugin (``retention_rules`` hook, docs/privacy.md).

* unconfirmed signatures are deleted (their link has expired, they never counted);
* IP addresses, kept only to spot floods of signatures, are dropped soon after;
* once a petition has been closed for a while, its signatures are anonymised: name, e-mail
  address, postcode. The count rests on the participation record, which stays.

Each rule touches only the petitions of the spaces of the organisation it runs for.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from core.plugins import RetentionRule
from plugins.petitions import workflow as states
from plugins.petitions.models import Petition, Signature

#: Anonymised signatures keep a unique placeholder address (the table forbids two signatures
#: of one petition with the same address); this reserved domain never receives mail.
ANONYMOUS_DOMAIN = "anonyme.invalid"


def _signatures_of(organisation):
    return Signature.objects.filter(petition__component__phase__space__organisations=organisation)


def delete_unconfirmed_signatures(organisation, delay: timedelta, now: datetime) -> int:
    stale = _signatures_of(organisation).filter(confirmed_at__isnull=True, created_at__lte=now - delay)
    return Signature.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()[0]


def drop_ip_addresses(organisation, delay: timedelta, now: datetime) -> int:
    old = _signatures_of(organisation).filter(ip_address__isnull=False, created_at__lte=now - delay)
    return Signature.objects.filter(pk__in=list(old.values_list("pk", flat=True))).update(ip_address=None)


def closed_before(cutoff: datetime):
    """Petitions whose signature period ended (status moved to « close ») at or before ``cutoff``."""
    return Petition.objects.filter(
        contribution__status_changes__new_status=states.CLOSED,
        contribution__status_changes__changed_at__lte=cutoff,
    )


def anonymise_signers(organisation, delay: timedelta, now: datetime) -> int:
    petitions = closed_before(now - delay).filter(component__phase__space__organisations=organisation)
    pending = (Signature.objects.filter(petition__in=list(petitions.values_list("pk", flat=True)))
               .exclude(email__endswith="@" + ANONYMOUS_DOMAIN))
    return pending.update(
        email=Concat(Value("signature-"), Cast("pk", CharField()), Value("@" + ANONYMOUS_DOMAIN)),
        email_domain="", name="", show_name=False, postcode="", wants_updates=False, ip_address=None,
    )


def retention_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            key="unconfirmed_signatures",
            label=_("Signatures non confirmées"),
            description=_("Les signatures dont le lien de confirmation n'a pas été utilisé sont supprimées."),
            data=_("nom, adresse électronique, code postal des signataires non confirmés"),
            default=timedelta(days=7), minimum=timedelta(days=1), maximum=timedelta(days=30),
            apply=delete_unconfirmed_signatures,
        ),
        RetentionRule(
            key="ip_addresses",
            label=_("Adresses IP des signataires"),
            description=_("L'adresse IP, gardée seulement pour repérer les signatures en masse, est effacée."),
            data=_("adresse IP"),
            default=timedelta(hours=48), minimum=timedelta(hours=1), maximum=timedelta(days=30),
            apply=drop_ip_addresses,
        ),
        RetentionRule(
            key="signer_identities",
            label=_("Identité des signataires après la clôture"),
            description=_(
                "Après la clôture d'une pétition, les nom, adresse électronique et code postal des "
                "signataires sont effacés ; les signatures restent comptées."
            ),
            data=_("nom, adresse électronique, code postal des signataires"),
            default=timedelta(days=90), minimum=timedelta(days=30), maximum=timedelta(days=730),
            apply=anonymise_signers,
        ),
    ]
