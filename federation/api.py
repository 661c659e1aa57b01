"""What a plugin's ``federation.py`` uses: the dataclasses of the federation hooks and the
function that publishes an object (see docs/FEDERATION.md and docs/hooks.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ObjectType", "InboundHandler", "InboundActivity", "ObjectContext", "publish_object"]


@dataclass(frozen=True)
class ObjectContext:
    """Helpers handed to :attr:`ObjectType.to_object`: absolute URLs and ids of the instance."""

    base_url: str
    context_url: str
    object_id: Callable[[str, str, Any], str]  # (plugin slug, type key, pk) -> stable id
    group_id: Callable[[Any], str]  # space -> id of its Group actor

    def absolute(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path


@dataclass(frozen=True)
class ObjectType:
    """A public object of a plugin as an ActivityStreams object.

    ``key`` is unique within the plugin; the object's stable id is
    ``<base>/federation/objects/<slug>/<key>/<pk>``. ``as_type`` is the AS2 type (``"Page"``,
    ``"Question"``, ``"Note"``, ``"Event"``). ``load(pk)`` returns the object if it is public,
    else ``None`` (its id then answers 404). ``to_object(obj, ctx)`` returns the object's JSON
    without ``id``, ``type`` and ``@context`` (added by the federation layer); extension fields
    are prefixed ``parvis:`` and defined by the instance's context document.
    ``space_of(obj)`` is the space whose ``Group`` publishes it. ``subject_key(obj)``, when
    given, is the participation subject a partner instance's ``Signature`` of the object is
    recorded in (channel ``partner``; docs/FEDERATION.md, "Signing through a partner").
    ``actor_of(obj)``, when given, is the local followable ``Person`` actor (an official) who
    publishes the object instead of the Group, or ``None`` for the Group; the activity then
    reaches the followers of both.
    """

    key: str
    as_type: str
    load: Callable[[str], Any | None]
    to_object: Callable[[Any, ObjectContext], dict[str, Any]]
    space_of: Callable[[Any], Any]
    subject_key: Callable[[Any], str] | None = None
    actor_of: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class InboundActivity:
    """An accepted inbound activity (signature and policy checked) handed to a plugin."""

    id: str
    type: str
    actor: str  # id of the remote actor, who signed the request
    object: Any  # the ``object`` member as received (an id or an embedded object)
    payload: dict[str, Any]
    target_actor: Any = None  # the local Actor whose inbox received it (None: shared inbox)


@dataclass(frozen=True)
class InboundHandler:
    """A plugin's handler of inbound activities of some types about some object types.

    ``activity_types`` (``("Create", "Update")``) and ``object_types`` (``("Note",)``; empty:
    any) select the activities; ``handle(activity)`` does the work through the plugin's
    services and returns ``True`` when it used the activity. It runs after every check passed;
    it must be idempotent (a retried processing may call it again).
    """

    key: str
    activity_types: tuple[str, ...]
    handle: Callable[[InboundActivity], bool]
    object_types: tuple[str, ...] = ()


def publish_object(plugin: str, type_key: str, obj: Any, *, verb: str = "Create") -> Any:
    """Publish ``obj`` (a public object of ``plugin`` mapped by its ``type_key``) as a
    ``Create``, ``Update`` or ``Delete`` activity of its space's Group (or of the official who
    publishes it, :attr:`ObjectType.actor_of`), to their followers.

    Call it from the plugin's services inside the transaction that made the change: the
    activity and its deliveries are written in that transaction (transactional outbox) and
    sent by the ``federation`` workers. Returns the outbox
    :class:`~federation.models.Activity`, or ``None`` when the space does not federate.
    """
    from federation.outbox import publish_object as publish

    return publish(plugin, type_key, obj, verb=verb)
