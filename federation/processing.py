"""Processing a stored inbound activity: follows, undo, block, delete of an actor and likes
(fediverse supports, :mod:`federation.supports`) here; everything else goes to the plugins'
inbound handlers."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from federation import partners, policy, supports
from federation.actors import approves_followers_by_hand
from federation.api import InboundActivity
from federation.models import Activity, Actor, Follow
from federation.outbox import send_to
from federation.registry import inbound_handlers

logger = logging.getLogger(__name__)


def _id(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def process(activity_id: int, target_id: int | None = None) -> str:
    with transaction.atomic():
        activity = (Activity.objects.select_for_update().select_related("actor")
                    .filter(pk=activity_id, state=Activity.State.RECEIVED).first())
        if activity is None:
            return "skipped"
        handler = BUILT_IN.get(activity.type, _to_plugins)
        target = Actor.objects.filter(pk=target_id).first() if target_id else None
        try:
            with transaction.atomic():
                used = handler(activity, target)
        except Exception as exc:  # noqa: BLE001 - the failure is recorded on the activity
            logger.exception("processing %s failed", activity.uri)
            activity.state, activity.error = Activity.State.FAILED, f"{type(exc).__name__}: {exc}"[:500]
        else:
            activity.state = Activity.State.PROCESSED if used else Activity.State.IGNORED
        activity.processed_at = timezone.now()
        activity.save(update_fields=["state", "error", "processed_at"])
        return activity.state


def _local(uri: str | None) -> Actor | None:
    return Actor.objects.filter(uri=uri, is_local=True).select_related("space").first() if uri else None


def _follow(activity: Activity, target) -> bool:
    followed = _local(_id(activity.payload.get("object")))
    if followed is None:
        return False
    follower = activity.actor
    follow, _ = Follow.objects.get_or_create(follower=follower, followed=followed,
                                             defaults={"activity_uri": activity.uri})
    follow.activity_uri = activity.uri
    if approves_followers_by_hand(followed):
        # An instance agreement: an administrator approves it (federation.services.approve_follow).
        if follow.state != Follow.State.ACCEPTED:
            follow.state = Follow.State.PENDING
        follow.save()
        if follow.state == Follow.State.ACCEPTED:
            answer(follow, accept=True)
        return True
    space = followed.space if followed.space_id else None
    accepted, _reason = policy.accepts_from(follower.domain, space)
    follow.state = Follow.State.ACCEPTED if accepted else Follow.State.REJECTED
    follow.decided_at = timezone.now()
    follow.save()
    answer(follow, accept=accepted)
    return True


def answer(follow: Follow, *, accept: bool) -> Activity:
    """Send ``Accept`` (or ``Reject``) of a remote actor's Follow."""
    return send_to(follow.followed, follow.follower, {
        "type": "Accept" if accept else "Reject",
        "object": {"id": follow.activity_uri, "type": "Follow", "actor": follow.follower.uri,
                   "object": follow.followed.uri},
    })


def _undo(activity: Activity, target) -> bool:
    obj = activity.payload.get("object")
    undone = _id(obj)
    kind = obj.get("type") if isinstance(obj, dict) else None
    follow = Follow.objects.filter(follower=activity.actor, activity_uri=undone).first() if undone else None
    if follow is None and kind == "Follow":
        follow = Follow.objects.filter(follower=activity.actor, followed=_local(_id(obj.get("object")))).first()
    if follow is not None:
        follow.delete()
        return True
    if supports.withdraw(activity, obj):
        return True
    return _to_plugins(activity, target)


def _accept_or_reject(activity: Activity, target) -> bool:
    obj = activity.payload.get("object")
    follow_uri = _id(obj)
    follow = Follow.objects.filter(followed=activity.actor, follower__is_local=True,
                                   activity_uri=follow_uri).first() if follow_uri else None
    if follow is None:
        # The answer to a signature sent to a partner (federation.partners).
        return partners.answered(activity)
    follow.state = Follow.State.ACCEPTED if activity.type == "Accept" else Follow.State.REJECTED
    follow.decided_at = timezone.now()
    follow.save(update_fields=["state", "decided_at"])
    return True


def _block(activity: Activity, target) -> bool:
    blocked = _local(_id(activity.payload.get("object")))
    if blocked is None:
        return False
    # They no longer want to see our actor: stop sending them anything from it.
    Follow.objects.filter(follower=activity.actor, followed=blocked).delete()
    Follow.objects.filter(follower=blocked, followed=activity.actor).delete()
    return True


def _delete(activity: Activity, target) -> bool:
    if _id(activity.payload.get("object")) == activity.actor.uri:
        # The remote actor is gone: forget its follows and its cached document.
        actor = activity.actor
        Follow.objects.filter(follower=actor).delete()
        Follow.objects.filter(followed=actor).delete()
        supports.forget_actor(actor)
        Actor.objects.filter(pk=actor.pk).update(document={}, blocked_at=timezone.now(), name="")
        return True
    from federation.mirror import forget

    forgotten = forget(activity)
    return _to_plugins(activity, target) or forgotten


def _create_or_update(activity: Activity, target) -> bool:
    # Mirror a followed actor's public object, then let the plugins see the activity.
    from federation.mirror import mirror

    if partners.receive_signature(activity):
        return True
    mirrored = mirror(activity)
    return _to_plugins(activity, target) or mirrored


def _to_plugins(activity: Activity, target) -> bool:
    obj = activity.payload.get("object")
    object_type = obj.get("type") if isinstance(obj, dict) else None
    inbound = InboundActivity(id=activity.uri, type=activity.type, actor=activity.actor.uri, object=obj,
                              payload=activity.payload, target_actor=target)
    used = False
    for _slug, handler in inbound_handlers():
        if activity.type not in handler.activity_types:
            continue
        if handler.object_types and object_type not in handler.object_types:
            continue
        used = bool(handler.handle(inbound)) or used
    return used


def _like(activity: Activity, target) -> bool:
    # A fediverse support of one of our objects, never a signature or a vote.
    return supports.record_like(activity) or _to_plugins(activity, target)


BUILT_IN = {
    "Follow": _follow,
    "Undo": _undo,
    "Accept": _accept_or_reject,
    "Reject": _accept_or_reject,
    "Block": _block,
    "Delete": _delete,
    "Create": _create_or_update,
    "Update": _create_or_update,
    "Like": _like,
}
