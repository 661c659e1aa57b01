"""Participating through a partner instance: a person with an account here signs a petition of
a partner instance from here, and the partner counts it in its ``partner`` channel.

Partners are instances with an accepted instance agreement (either direction) *and* an
``allow`` domain rule. The signing instance sends, from its instance actor to the partner's, a
``Create`` of a ``Signature`` (``parvis:Signature``) replying to the petition, carrying a
pseudonym of the person (an HMAC of the account with a secret per partner, so that partners
cannot link one person across partners) and what it verified of them (areas of residence,
an age floor, the identity level): never a name, an address or an e-mail. The partner checks
the agreement, records the participation with :func:`core.participation.services.participate`
(``channel="partner"``, its eligibility rules applied to the attributes) and answers ``Accept``
or ``Reject`` with a reason, which the signing instance shows to the person.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from federation import conf
from federation.inbox import _id
from federation.models import (
    Activity,
    Actor,
    DomainRule,
    Follow,
    PartnerParticipation,
    RemoteObject,
)

#: The object types a signature is sent as and accepted as (``parvis:Signature`` expanded by our
#: context; a peer without it may write the prefixed form).
SIGNATURE_TYPES = ("Signature", "parvis:Signature")
MAX_AREAS = 20


class PartnerRefused(Exception):
    """Signing through a partner is not possible (message in French, for the person)."""


def _agreements():
    """Accepted follows between our instance actor and another instance's, either direction."""
    return Follow.objects.filter(state=Follow.State.ACCEPTED).filter(
        Q(follower__is_local=True, follower__kind=Actor.Kind.APPLICATION, followed__kind=Actor.Kind.APPLICATION)
        | Q(followed__is_local=True, followed__kind=Actor.Kind.APPLICATION, follower__kind=Actor.Kind.APPLICATION))


def partner_instance(domain: str) -> Actor | None:
    """The instance actor of ``domain`` when it is a partner: an ``allow`` rule and an accepted
    agreement between the two instance actors, in either direction."""
    domain = domain.lower()
    if not DomainRule.objects.filter(domain=domain, kind=DomainRule.Kind.ALLOW).exists():
        return None
    follow = (_agreements().filter(Q(follower__is_local=True, followed__domain=domain)
                                   | Q(followed__is_local=True, follower__domain=domain))
              .select_related("follower", "followed").first())
    if follow is None:
        return None
    return follow.followed if follow.follower.is_local else follow.follower


def partner_domains() -> set[str]:
    """Every partner domain, in two queries (for lists)."""
    allowed = set(DomainRule.objects.filter(kind=DomainRule.Kind.ALLOW).values_list("domain", flat=True))
    agreed = _agreements().values_list("follower__domain", "followed__domain", "follower__is_local")
    return {followed if local else follower for follower, followed, local in agreed} & allowed


# --- The signing instance ------------------------------------------------------------------


def pseudonym(user, domain: str) -> str:
    """The person's pseudonym for one partner: stable, and different for every partner."""
    from core.participation.identity import participation_secret

    key = participation_secret("partner-pseudonym/v1")
    return hmac.new(key, f"{user.pk}\x00{domain.lower()}".encode(), hashlib.sha256).hexdigest()


def vouched_attributes(user) -> dict[str, Any]:
    """What this instance verified of the person and will vouch for: areas, an age floor, the
    identity level (nothing that names or locates the person more precisely)."""
    from core.identity.verifications import attributes_of

    attributes = attributes_of(user)
    vouched: dict[str, Any] = {"areas": sorted(attributes.areas)[:MAX_AREAS],
                               "identityLevel": attributes.identity_level}
    if attributes.birth_date:
        today = timezone.localdate()
        born = attributes.birth_date
        vouched["ageAtLeast"] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return vouched


def signable(remote_object: RemoteObject) -> bool:
    """A partner's open petition (a mirrored ``Page`` with signature counts)."""
    return (remote_object.type == "Page" and remote_object.state == "open"
            and remote_object.signature_count is not None)


def check_can_sign(user, remote_object: RemoteObject) -> Actor:
    """The partner's instance actor, or :class:`PartnerRefused` with the reason."""
    if not signable(remote_object):
        raise PartnerRefused(_("Cette publication n'est pas une pétition ouverte."))
    partner = partner_instance(remote_object.actor.domain)
    if partner is None:
        raise PartnerRefused(_("Cette instance n'est pas (ou plus) partenaire de la nôtre : "
                               "signez directement sur son site."))
    if PartnerParticipation.objects.filter(user=user, object_uri=remote_object.uri).exists():
        raise PartnerRefused(_("Vous avez déjà signé cette pétition depuis notre instance."))
    return partner


@transaction.atomic
def sign(user, remote_object: RemoteObject) -> PartnerParticipation:
    """Send the person's signature of a partner's petition; the row says what became of it."""
    from federation.actors import instance_actor
    from federation.outbox import send_to

    partner = check_can_sign(user, remote_object)
    local = instance_actor()
    signature_id = conf.absolute(f"/federation/signatures/{uuid.uuid4()}")
    activity = send_to(local, partner, {
        "type": "Create",
        "object": {
            "id": signature_id, "type": "Signature", "attributedTo": local.uri,
            "inReplyTo": remote_object.uri, "personKey": pseudonym(user, partner.domain),
            "attributes": vouched_attributes(user), "verifiedAt": timezone.now().isoformat(),
        },
    })
    return PartnerParticipation.objects.create(
        user=user, remote_object=remote_object, object_uri=remote_object.uri, title=remote_object.name[:300],
        partner_domain=partner.domain, activity_uri=activity.uri,
    )


def answered(activity: Activity) -> bool:
    """The partner's ``Accept`` / ``Reject`` of a signature we sent."""
    answered_id = _id(activity.payload.get("object"))
    if not answered_id:
        return False
    reason = activity.payload.get("content") if activity.type == "Reject" else ""
    return bool(PartnerParticipation.objects.filter(
        activity_uri=answered_id, partner_domain=activity.actor.domain, state=PartnerParticipation.State.SENT,
    ).update(
        state=PartnerParticipation.State.ACCEPTED if activity.type == "Accept" else PartnerParticipation.State.REFUSED,
        reason=str(reason or "")[:500], decided_at=timezone.now(),
    ))


# --- The instance that counts -----------------------------------------------------------------


def _attributes(raw: Any):
    from core.plugins import Attributes

    raw = raw if isinstance(raw, dict) else {}
    areas = raw.get("areas") if isinstance(raw.get("areas"), list) else []
    age = raw.get("ageAtLeast")
    birth_date = None
    if isinstance(age, int) and 0 <= age <= 130:
        # The latest birth date consistent with "at least ``age`` years old".
        today = timezone.localdate()
        try:
            birth_date = today.replace(year=today.year - age)
        except ValueError:  # 29 February
            birth_date = date(today.year - age, 2, 28)
    level = raw.get("identityLevel")
    return Attributes(
        areas=frozenset(str(a)[:100] for a in areas[:MAX_AREAS] if isinstance(a, str | int)),
        birth_date=birth_date, identity_level=level if isinstance(level, int) and 0 <= level <= 3 else 0,
    )


def receive_signature(activity: Activity) -> bool:
    """A partner's ``Create`` of a ``Signature``: recorded and answered ``Accept``, or answered
    ``Reject`` with the reason. ``False`` when the activity is not a signature."""
    obj = activity.payload.get("object")
    if activity.type != "Create" or not isinstance(obj, dict) or obj.get("type") not in SIGNATURE_TYPES:
        return False
    try:
        _record_signature(activity, obj)
    except PartnerRefused as refused:
        _answer(activity, accept=False, reason=str(refused))
    else:
        _answer(activity, accept=True)
    return True


def _record_signature(activity: Activity, obj: dict[str, Any]) -> None:
    from core.participation.identity import person_key_from_partner
    from core.participation.services import ParticipationError, participate
    from federation.supports import local_object

    sender = activity.actor
    if sender.kind != Actor.Kind.APPLICATION or partner_instance(sender.domain) is None:
        raise PartnerRefused(_("Votre instance n'est pas partenaire de la nôtre."))
    if _id(obj.get("attributedTo")) != sender.uri:
        raise PartnerRefused(_("La signature doit être attribuée à l'instance qui l'envoie."))
    found = local_object(_id(obj.get("inReplyTo")))
    subject_key = None
    if found is not None:
        from federation.registry import object_types

        plugin, type_key, target = found
        subject_key_of = object_types()[(plugin, type_key)].subject_key
        subject_key = subject_key_of(target) if subject_key_of else None
    if subject_key is None:
        raise PartnerRefused(_("Cet objet ne reçoit pas de signatures d'instances partenaires."))
    person = obj.get("personKey")
    if not isinstance(person, str) or len(person) > 200 or not person:
        raise PartnerRefused(_("La signature n'a pas de pseudonyme de la personne."))
    try:
        participate(subject_key=subject_key, person_key=person_key_from_partner(sender.domain, person),
                    channel="partner", attributes=_attributes(obj.get("attributes")))
    except ParticipationError as error:
        raise PartnerRefused(error.messages[0] if hasattr(error, "messages") else str(error)) from None
    except ValueError:  # a subject that needs a choice (a vote) takes no bare signature
        raise PartnerRefused(_("Cet objet ne reçoit pas de signatures d'instances partenaires.")) from None


def _answer(activity: Activity, *, accept: bool, reason: str = "") -> None:
    from federation.actors import instance_actor
    from federation.outbox import send_to

    payload: dict[str, Any] = {"type": "Accept" if accept else "Reject", "object": activity.uri}
    if reason:
        payload["content"] = reason
    send_to(instance_actor(), activity.actor, payload)
