"""Personal data of the petitions plugin: petitions launched, sponsorships, signatures.

Signatures name a person by e-mail address, not by account: they are found through the
account's verified addresses.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.participation.identity import normalise_email
from core.plugins import PersonalData
from plugins.petitions.models import Petition, Signature, Sponsor


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def verified_emails(user) -> list[str]:
    from allauth.account.models import EmailAddress

    return sorted({normalise_email(e) for e in EmailAddress.objects.filter(user=user, verified=True)
                   .values_list("email", flat=True)})


def export(user) -> dict:
    return {
        "petitions": [
            {"title": p.title, "text": p.text, "status": p.status, "created_at": _iso(p.created_at),
             "on_behalf_of_organisation": p.on_behalf_of_organisation}
            for p in Petition.objects.filter(author=user).select_related("contribution").order_by("created_at")
        ],
        "sponsorships": [
            {"petition": s.petition.title, "created_at": _iso(s.created_at)}
            for s in Sponsor.objects.filter(user=user).select_related("petition").order_by("created_at")
        ],
        "signatures": [
            {"petition": s.petition.title, "email": s.email, "name": s.name, "show_name": s.show_name,
             "postcode": s.postcode, "wants_updates": s.wants_updates, "created_at": _iso(s.created_at),
             "confirmed_at": _iso(s.confirmed_at), "withdrawn_at": _iso(s.withdrawn_at),
             "invalidated_at": _iso(s.invalidated_at)}
            for s in Signature.objects.filter(email__in=verified_emails(user)).select_related("petition")
            .order_by("created_at")
        ],
    }


def erase(user) -> None:
    # The petition stays public, with no author (people signed it). Signatures go: the count
    # and the one-signature rule rest on the participation record, which stays.
    Signature.objects.filter(email__in=verified_emails(user)).delete()
    Sponsor.objects.filter(user=user).delete()
    Petition.objects.filter(author=user).update(author=None)


def personal_data() -> PersonalData:
    return PersonalData(
        key="petitions", models=("petitions.Petition", "petitions.Sponsor", "petitions.Signature"),
        export=export, erase=erase,
        description=_(
            "Les pétitions que vous avez lancées restent en ligne sans nom d'auteur ; vos soutiens et vos "
            "signatures (nom, adresse électronique, code postal) sont supprimés. Votre signature reste comptée, sous une "
            "clé chiffrée au registre, pour qu'on ne puisse pas signer deux fois."
        ),
    )
