"""Fediverse supports: a remote actor's ``Like`` of one of our public objects.

Someone on Mastodon (or any fediverse server) who likes a petition or a project shows support;
that is not a signature or a vote, which need the identity and residence checks of the
instance. Supports are therefore counted apart, one per remote actor and object, withdrawn by
``Undo``, forgotten when the actor is deleted, and not counted while the actor or its domain is
blocked. Plugins show them with :func:`support_count` / :func:`support_counts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import Resolver404, resolve

from federation import conf
from federation.models import Activity, DomainRule, Support


def local_object(uri: str) -> tuple[str, str, Any] | None:
    """``(plugin, type_key, object)`` when ``uri`` is one of our published objects."""
    from federation import policy
    from federation.registry import object_types

    if not isinstance(uri, str) or not uri.startswith(conf.absolute("/")):
        return None
    try:
        match = resolve(urlsplit(uri).path)
    except Resolver404:
        return None
    if match.view_name != "federation:object":
        return None
    plugin, type_key, pk = match.kwargs["plugin"], match.kwargs["type_key"], match.kwargs["pk"]
    object_type = object_types().get((plugin, type_key))
    obj = object_type.load(pk) if object_type else None
    if obj is None:
        return None
    space = object_type.space_of(obj)
    if space is None or not space.is_published or not policy.publishes(space):
        return None
    return plugin, type_key, obj


def record_like(activity: Activity) -> bool:
    """Count the ``Like`` of a local public object; a second like by the same actor is a no-op."""
    obj = activity.payload.get("object")
    uri = obj if isinstance(obj, str) else (obj.get("id") if isinstance(obj, dict) else None)
    if local_object(uri) is None:
        return False
    try:
        with transaction.atomic():
            Support.objects.create(object_uri=uri, actor=activity.actor, activity_uri=activity.uri)
    except IntegrityError:
        return False
    return True


def withdraw(activity: Activity, undone: Any) -> bool:
    """``Undo`` of a ``Like``: found by the like's id, or by the liked object."""
    supports = Support.objects.filter(actor=activity.actor)
    like_id = undone if isinstance(undone, str) else (undone.get("id") if isinstance(undone, dict) else None)
    deleted = supports.filter(activity_uri=like_id).delete()[0] if like_id else 0
    if not deleted and isinstance(undone, dict) and undone.get("type") == "Like":
        liked = undone.get("object")
        liked = liked.get("id") if isinstance(liked, dict) else liked
        if isinstance(liked, str):
            deleted = supports.filter(object_uri=liked).delete()[0]
    return bool(deleted)


def forget_actor(actor) -> int:
    return Support.objects.filter(actor=actor).delete()[0]


def _counted():
    blocked = DomainRule.objects.filter(kind=DomainRule.Kind.BLOCK).values("domain")
    return Support.objects.filter(actor__blocked_at__isnull=True).exclude(actor__domain__in=blocked)


def support_count(object_uri: str) -> int:
    return _counted().filter(object_uri=object_uri).count()


def support_counts(object_uris: Iterable[str]) -> dict[str, int]:
    """``{uri: count}`` for many objects in one query (lists stay at a constant query count)."""
    uris = list(object_uris)
    rows = _counted().filter(object_uri__in=uris).values("object_uri").annotate(n=Count("pk"))
    counts = dict.fromkeys(uris, 0)
    counts.update({row["object_uri"]: row["n"] for row in rows})
    return counts


def supports_of(plugin: str, type_key: str, pk: Any) -> int:
    """The supports of a plugin's object, by its federation key (e.g. a petition's page)."""
    from federation.outbox import object_id

    return support_count(object_id(plugin, type_key, pk))
