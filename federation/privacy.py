"""Personal data of the federation: the followable ``Person`` actors of officials and staff,
and the signatures people sent to partner instances' petitions.

Export: the handle and since when. Erase: the actor loses its name and its link to the account,
its follows go, and its followers are told with a ``Delete`` of the actor it signs itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import PersonalData
from federation.models import Actor


def export(user) -> dict:
    from federation.models import Follow, PartnerParticipation, PolicyChange

    return {
        "federated_profiles": [
            {"handle": a.handle, "id": a.uri, "created_at": a.created_at.isoformat()}
            for a in Actor.objects.filter(user=user, is_local=True)
        ],
        # An administrator's decisions on the federation (audit log, agreements decided).
        "federation_changes": [
            {"action": c.action, "summary": c.summary, "changed_at": c.changed_at.isoformat()}
            for c in PolicyChange.objects.filter(changed_by=user).order_by("pk")
        ],
        # Signatures of partner instances' petitions sent from here.
        "partner_signatures": [
            {"petition": p.title, "id": p.object_uri, "partner": p.partner_domain, "state": p.state,
             "reason": p.reason, "sent_at": p.created_at.isoformat()}
            for p in PartnerParticipation.objects.filter(user=user).order_by("pk")
        ],
        "federation_agreements_decided": [
            {"partner": f.follower.uri, "state": f.state,
             "decided_at": f.decided_at.isoformat() if f.decided_at else None}
            for f in Follow.objects.filter(decided_by=user).select_related("follower").order_by("pk")
        ],
    }


def retire_person(actor: Actor) -> None:
    """A local ``Person`` stops being followable: its followers are told with a ``Delete`` of the
    actor it signs itself, its follows go, and it stays as a tombstone (no name, no link to the
    account; its id answers 410) so that the signed ``Delete`` can still be verified."""
    from django.utils import timezone

    from federation.documents import PUBLIC
    from federation.models import Follow
    from federation.outbox import record

    followers = [f.follower for f in Follow.objects.filter(followed=actor, follower__is_local=False)
                 .select_related("follower")]
    record(actor, {"type": "Delete", "object": actor.uri, "to": [PUBLIC]}, recipients=followers)
    Follow.objects.filter(followed=actor).delete()
    Follow.objects.filter(follower=actor).delete()
    actor.user, actor.name, actor.blocked_at = None, "", timezone.now()
    actor.save(update_fields=["user", "name", "blocked_at"])


def erase(user) -> None:
    from federation.models import Follow, PartnerParticipation, PolicyChange

    for actor in Actor.objects.filter(user=user, is_local=True):
        retire_person(actor)
    # The partners keep the signatures they counted, under a pseudonym nothing here links back.
    PartnerParticipation.objects.filter(user=user).delete()
    # The audit log and the agreements stay (the instance answers for them), without the person.
    PolicyChange.objects.filter(changed_by=user).update(changed_by=None)
    Follow.objects.filter(decided_by=user).update(decided_by=None)


def personal_data() -> PersonalData:
    return PersonalData(
        key="federation", models=("federation.Actor", "federation.Follow", "federation.PolicyChange",
                                    "federation.PartnerParticipation"),
        export=export, erase=erase,
        description=_("Votre profil public suivable depuis d'autres instances, si vous êtes élu ou "
                      "agent nommé et l'avez accepté ; les décisions de fédération que vous avez prises "
                      "comme administrateur ; les pétitions d'instances partenaires que vous avez signées "
                      "depuis cette instance."),
    )
