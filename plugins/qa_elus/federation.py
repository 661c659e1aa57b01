"""Questions to officials on the fediverse (see docs/FEDERATION.md).

A published question is a ``Note`` of its space's ``Group``, addressed to the official's
``Person`` actor (in ``to`` and as a ``Mention``) when the official is followable. The answer
is a ``Note`` published by the official's ``Person`` (or the Group when the official has no
actor), ``inReplyTo`` the question. Extension fields: ``state``, ``supportCounts`` (per
channel), ``dueAt``; on an answer, ``writtenOnBehalf`` when delegated staff wrote it.
"""

from __future__ import annotations

from typing import Any

from federation.api import ObjectContext, ObjectType

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def official_actor(official):
    """The official's local ``Person`` actor, if the official agreed to be followable."""
    from federation.models import Actor

    if official is None or not official.user_id:
        return None
    return Actor.objects.filter(is_local=True, kind=Actor.Kind.PERSON, user_id=official.user_id,
                                organisation_id=official.organisation_id).first()


def load_question(pk: str):
    from plugins.qa_elus.models import Question

    if not pk.isdigit():
        return None
    return (Question.objects.select_related("official", "component__phase__space")
            .filter(pk=int(pk)).filter(pk__in=Question.objects.public_with_text()).first())


def question_object(question, ctx: ObjectContext) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": question.title,
        "content": question.text,
        "mediaType": "text/plain",
        "url": ctx.absolute(question.get_absolute_url()),
        "published": _iso(question.published_at),
        "state": question.state,
        "dueAt": _iso(question.due_at),
        "supportCounts": [
            {"type": "parvis:SupportCount", "channel": channel, "count": count}
            for channel, count in (("web", question.support_web), ("paper", question.support_paper),
                                   ("partner", question.support_partner))
        ],
    }
    actor = official_actor(question.official)
    if actor is not None:
        document["to"] = [PUBLIC, actor.uri]
        document["tag"] = [{"type": "Mention", "href": actor.uri, "name": f"@{actor.handle}"}]
    if question.remote_object:
        document["inReplyTo"] = question.remote_object  # the fediverse mention it came from
    return document


def load_answer(pk: str):
    from plugins.qa_elus.models import Answer, Question

    if not pk.isdigit():
        return None
    return (Answer.objects.select_related("question__component__phase__space", "official")
            .filter(pk=int(pk), question__in=Question.objects.public_with_text()).first())


def answer_object(answer, ctx: ObjectContext) -> dict[str, Any]:
    question = answer.question
    document: dict[str, Any] = {
        "content": answer.body,
        "mediaType": "text/html",
        "url": ctx.absolute(question.get_absolute_url()),
        "published": _iso(answer.created_at),
        "inReplyTo": ctx.object_id("qa_elus", "question", question.pk),
        "summary": answer.signature,
    }
    if answer.writer_name:
        document["writtenOnBehalf"] = True
    if question.remote_actor:
        # The fediverse asker gets the answer in their inbox.
        document["to"] = [PUBLIC, question.remote_actor]
        document["tag"] = [{"type": "Mention", "href": question.remote_actor}]
    return document


def object_types() -> list[ObjectType]:
    return [
        ObjectType(key="question", as_type="Note", load=load_question, to_object=question_object,
                   space_of=lambda q: q.component.phase.space, subject_key=lambda q: q.subject_key),
        ObjectType(key="answer", as_type="Note", load=load_answer, to_object=answer_object,
                   space_of=lambda a: a.question.component.phase.space,
                   actor_of=lambda a: official_actor(a.official)),
    ]
