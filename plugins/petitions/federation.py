"""The petitions on the fediverse: a public petition is an ActivityStreams ``Page`` published
by the ``Group`` of its space (see docs/FEDERATION.md).

Extension fields (defined by the instance's context document): ``state`` (the public status),
``signatureCounts`` (one entry per channel: web, paper, partner instances), ``thresholds``
(the answer and debate thresholds, with when they were reached) and ``closesAt``.
"""

from __future__ import annotations

from typing import Any

from federation.api import ObjectContext, ObjectType


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def load(pk: str):
    """The petition ``pk`` if it is public (``Petition.objects.public()``, as on the web)."""
    from plugins.petitions.models import Petition

    if not pk.isdigit():
        return None
    return (Petition.objects.public().select_related("contribution", "component__phase__space",
                                                     "component__petition_settings")
            .filter(pk=int(pk)).first())


def to_object(petition, ctx: ObjectContext) -> dict[str, Any]:
    settings = getattr(petition.component, "petition_settings", None)
    thresholds = []
    if settings is not None:
        reached = {"answer": petition.answer_threshold_reached_at, "debate": petition.debate_threshold_reached_at}
        thresholds = [{"type": "parvis:Threshold", "name": name, "threshold": value,
                       "reachedAt": _iso(reached.get(name))} for name, value in settings.thresholds]
    return {
        "name": petition.title,
        "content": petition.text,
        "mediaType": "text/plain",
        "url": ctx.absolute(petition.get_absolute_url()),
        "published": _iso(petition.opened_at or petition.created_at),
        "state": petition.status,
        "closesAt": _iso(petition.closes_at),
        "signatureCounts": [
            {"type": "parvis:SignatureCount", "channel": channel, "count": count}
            for channel, count in (("web", petition.count_web), ("paper", petition.count_paper),
                                   ("partner", petition.count_partner))
        ],
        "thresholds": thresholds,
    }


def space_of(petition):
    return petition.component.phase.space


def object_types() -> list[ObjectType]:
    return [ObjectType(key="petition", as_type="Page", load=load, to_object=to_object, space_of=space_of,
                       subject_key=lambda petition: petition.subject_key)]
