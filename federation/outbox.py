"""Publishing: activities written in the caller's transaction with one Delivery row per
inbox (transactional outbox); the dispatcher hands them to the ``federation`` workers."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from federation import conf, policy
from federation.documents import PUBLIC, contexts, object_document, publisher_of
from federation.models import Activity, Actor, Delivery, DomainRule, Follow
from federation.remote import host_of


def object_id(plugin: str, type_key: str, pk: Any) -> str:
    return conf.absolute(reverse("federation:object", kwargs={"plugin": plugin, "type_key": type_key, "pk": str(pk)}))


def followers_url(actor: Actor) -> str:
    return conf.absolute(reverse("federation:followers", kwargs={"username": actor.username}))


def new_activity_id() -> tuple[uuid.UUID, str]:
    value = uuid.uuid4()
    return value, conf.absolute(reverse("federation:activity", kwargs={"uuid": value}))


def record(actor: Actor, payload: dict[str, Any], *, recipients: list[Actor] | None = None,
           to_followers: bool = False) -> Activity:
    """Store an outbox activity of ``actor`` and its deliveries. ``payload`` has no ``id``,
    ``actor`` or ``@context``: they are added here."""
    value, uri = new_activity_id()
    payload = {"@context": contexts(), "id": uri, "actor": actor.uri, **payload}
    obj = payload.get("object")
    object_uri = obj if isinstance(obj, str) else (obj.get("id", "") if isinstance(obj, dict) else "")
    audience = payload.get("to", []) + payload.get("cc", [])
    activity = Activity.objects.create(
        uuid=value, uri=uri, direction=Activity.Direction.OUTBOX, type=payload["type"], actor=actor,
        object_uri=object_uri, payload=payload, is_public=PUBLIC in audience,
        state=Activity.State.PUBLISHED,
    )
    targets = list(recipients or [])
    if to_followers:
        targets += [f.follower for f in Follow.objects.filter(
            followed=actor, state=Follow.State.ACCEPTED, follower__is_local=False,
        ).select_related("follower")]
    schedule_deliveries(activity, targets)
    return activity


def schedule_deliveries(activity: Activity, targets: list[Actor]) -> int:
    """One Delivery per distinct inbox: actors sharing a shared inbox get one POST."""
    now = timezone.now()
    # One query for the blocked domains, not one per follower.
    blocked = set(DomainRule.objects.filter(kind=DomainRule.Kind.BLOCK).values_list("domain", flat=True))
    inboxes = {}
    for target in targets:
        if target.is_local or target.blocked_at or target.domain.lower() in blocked:
            continue
        inbox = target.delivery_inbox
        if inbox:
            inboxes.setdefault(inbox, host_of(inbox))
    Delivery.objects.bulk_create(
        [Delivery(activity=activity, inbox=inbox, host=host, next_attempt_at=now) for inbox, host in inboxes.items()],
        ignore_conflicts=True,
    )
    if inboxes:
        transaction.on_commit(_kick_dispatcher)
    return len(inboxes)


def _kick_dispatcher() -> None:
    from federation.tasks import dispatch_deliveries

    dispatch_deliveries.delay()


def publish_object(plugin: str, type_key: str, obj: Any, *, verb: str = "Create") -> Activity | None:
    from federation.actors import space_actor
    from federation.registry import object_types

    if verb not in ("Create", "Update", "Delete"):
        raise ValueError(f"verb must be Create, Update or Delete, not {verb!r}")
    object_type = object_types()[(plugin, type_key)]
    space = object_type.space_of(obj)
    if space is None or not space.is_published or not policy.publishes(space):
        return None
    group = space_actor(space)
    author = publisher_of(object_type, obj) or group
    if verb == "Delete":
        document: Any = {"id": object_id(plugin, type_key, obj.pk), "type": "Tombstone"}
    else:
        document = object_document(plugin, object_type, obj)
        document.pop("@context", None)
    # An official's object also reaches the followers of the space's Group.
    group_followers = [] if author == group else [f.follower for f in Follow.objects.filter(
        followed=group, state=Follow.State.ACCEPTED, follower__is_local=False).select_related("follower")]
    return record(author, {
        "type": verb, "object": document, "published": timezone.now().isoformat(),
        "to": [PUBLIC], "cc": [followers_url(a) for a in dict.fromkeys((author, group))],
    }, to_followers=True, recipients=group_followers)


def send_to(actor: Actor, recipient: Actor, payload: dict[str, Any]) -> Activity:
    """An activity addressed to one remote actor (an Accept, a Follow, an Undo)."""
    payload = {"to": [recipient.uri], **payload}
    return record(actor, payload, recipients=[recipient])
