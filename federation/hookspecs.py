"""Extension points of the federation (ActivityPub type mappings, inbound handlers).

Plugins implement them in their hook module, usually by importing from their ``federation.py``
(where the wire format lives, apart from the models). Both hooks are *per plugin*. Each is
documented with an example in ``docs/hooks.md``; the protocol is in ``docs/FEDERATION.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from federation.api import InboundHandler, ObjectType

hookspec = pluggy.HookspecMarker("parvis")


@hookspec
def federation_object_types() -> list[ObjectType]:
    """*Per plugin.* The plugin's public objects as ActivityStreams objects
    (:class:`federation.api.ObjectType`).

    The federation layer serves each object at its stable id, wraps it in activities of the
    space's ``Group`` when the plugin calls :func:`federation.api.publish_object`, and adds
    ``id``, ``type``, ``@context`` (with the instance's extension context) and the audience.
    """


@hookspec
def federation_inbound_handlers() -> list[InboundHandler]:
    """*Per plugin.* Handlers of inbound activities (:class:`federation.api.InboundHandler`).

    Called for activities that passed every check (signature, key owner, date, digest, origin,
    policy, size, duplicate) and that the federation layer does not handle itself (``Follow``,
    ``Accept``, ``Reject``, ``Undo`` of a follow, ``Block``, ``Delete`` of an actor). Remote
    ``Like`` activities are fediverse supports, never signatures or votes.
    """
