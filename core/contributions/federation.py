"""Official answers on the fediverse: each is a ``Note`` published by the official's followable
``Person`` actor when they agreed to be followable (else by the space's ``Group``), so that
people on Mastodon who follow an official or a space read the answers where they are."""

from __future__ import annotations

from typing import Any

from federation.api import ObjectContext, ObjectType


def load(pk: str):
    from core.contributions.models import OfficialAnswer

    if not pk.isdigit():
        return None
    return (OfficialAnswer.objects.select_related("contribution__space", "author")
            .filter(pk=int(pk), contribution__in=_public_contributions()).first())


def _public_contributions():
    from core.contributions.models import Contribution

    return Contribution.objects.public()


def to_object(answer, ctx: ObjectContext) -> dict[str, Any]:
    from django.utils.html import escape

    contribution = answer.contribution
    url = ctx.absolute(contribution.get_absolute_url())
    return {
        # The answer is stored sanitised (an allow-list of tags); the signature is plain text.
        "content": f"{answer.body}<p>— {escape(answer.signature)}</p>",
        "url": f"{url}#reponse-{answer.pk}",
        "context": url,
        "published": answer.published_at.isoformat(),
    }


def actor_of(answer):
    """The author's followable ``Person`` in the answering organisation, if they have one."""
    from federation.models import Actor

    if answer.author_id is None:
        return None
    return Actor.objects.filter(is_local=True, kind=Actor.Kind.PERSON, user_id=answer.author_id,
                                organisation_id=answer.organisation_id).first()


def object_types() -> list[ObjectType]:
    return [ObjectType(key="answer", as_type="Note", load=load, to_object=to_object,
                       space_of=lambda answer: answer.contribution.space, actor_of=actor_of)]
