"""A published question is a Note addressed to the official's Person actor; the answer a
Note the official publishes, in reply to the question."""

from __future__ import annotations

import pytest

from federation.actors import person_actor
from federation.models import Activity
from plugins.qa_elus import services

pytestmark = pytest.mark.django_db


def test_question_and_answer_are_notes_in_reply_to_each_other(client, federation_settings, monkeypatch, box, mayor,
                                                               asker, moderator, official, commune):
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    actor = person_actor(official, commune)
    question = services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                             text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)
    note = client.get(f"/federation/objects/qa_elus/question/{question.pk}").json()
    assert note["type"] == "Note" and note["content"] == "Quand rouvre le stade ?"
    assert actor.uri in note["to"] and note["tag"][0] == {"type": "Mention", "href": actor.uri,
                                                         "name": f"@{actor.handle}"}
    written = services.answer(question, by=official, body="Au printemps.")
    reply = client.get(f"/federation/objects/qa_elus/answer/{written.pk}").json()
    assert reply["type"] == "Note" and reply["inReplyTo"] == note["id"] and reply["attributedTo"] == actor.uri
    created = Activity.objects.filter(type="Create").order_by("pk")
    assert [a.payload["object"]["id"] for a in created][-2:] == [note["id"], reply["id"]]


def test_a_question_awaiting_moderation_is_not_federated(client, federation_settings, box, mayor, asker):
    question = services.ask(box, author=asker, official=mayor, title="Le stade", text="Quand ?", display_name="L.")
    assert client.get(f"/federation/objects/qa_elus/question/{question.pk}").status_code == 404
