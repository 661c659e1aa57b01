"""Mirroring the public objects of the remote actors we follow (a partner's petitions, its
budget results), for the page of partners' publications.

Only an object embedded in a ``Create``/``Update`` whose ``attributedTo`` is the sending actor
(the inbox checked it), published to the public, by an actor one of our local actors follows
(an accepted follow), is kept. Text is stored as text (the page escapes it); a ``url`` that is
not http(s) is dropped."""

from __future__ import annotations

from typing import Any

from federation.documents import PUBLIC
from federation.models import Activity, Follow, RemoteObject


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _is_public(activity: Activity, obj: dict[str, Any]) -> bool:
    audience = []
    for source in (activity.payload, obj):
        for key in ("to", "cc"):
            value = source.get(key)
            audience += value if isinstance(value, list) else [value]
    return PUBLIC in audience or "as:Public" in audience or "Public" in audience


def mirror(activity: Activity) -> bool:
    """Store or refresh the object of an inbound ``Create``/``Update``; ``True`` if kept."""
    obj = activity.payload.get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not isinstance(obj.get("type"), str):
        return False
    if obj.get("attributedTo") != activity.actor.uri or not _is_public(activity, obj):
        return False
    if not Follow.objects.filter(followed=activity.actor, follower__is_local=True,
                                 state=Follow.State.ACCEPTED).exists():
        return False
    url = _text(obj.get("url"), 500)
    RemoteObject.objects.update_or_create(uri=obj["id"][:500], defaults={
        "actor": activity.actor, "type": obj["type"][:40], "name": _text(obj.get("name"), 300),
        "content": _text(obj.get("content"), 20000), "state": _text(obj.get("state"), 40),
        "url": url if url.startswith(("https://", "http://")) else "", "document": obj,
    })
    return True


def forget(activity: Activity) -> bool:
    """Drop the mirror of an object its actor deleted."""
    obj = activity.payload.get("object")
    uri = obj if isinstance(obj, str) else (obj.get("id") if isinstance(obj, dict) else None)
    if not isinstance(uri, str):
        return False
    deleted, _ = RemoteObject.objects.filter(uri=uri, actor=activity.actor).delete()
    return bool(deleted)
