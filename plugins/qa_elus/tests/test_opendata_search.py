"""Open data (questions, answers, statistics without askers' personal data) and the search."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.moderation.services import charter
from core.search.services import reindex_all, search
from plugins.qa_elus import services
from plugins.qa_elus.opendata import _answer_rows
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _export(client, space, dataset):
    url = reverse("opendata:space_export", args=[space.organisations.get().slug, space.slug, f"qa_elus.{dataset}", "json"])
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def test_open_data_publishes_questions_answers_and_statistics(client, space, box, mayor, asker, moderator, official):
    question = services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                             text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)
    services.answer(question, by=official, body="Au printemps.")
    hidden = services.ask(box, author=asker, official=mayor, title="Titre caché", text="Texte caché",
                          display_name="Léa M.")
    services.reject(hidden, by=moderator, reason=charter(mayor.organisation)[0])

    questions = json.dumps(_export(client, space, "questions"), ensure_ascii=False)
    assert "Quand rouvre le stade ?" in questions and "Léa M." in questions
    assert "Texte caché" not in questions and "Titre caché" not in questions
    assert "asker@example.org" not in questions and "Léa Martin" not in questions
    assert "Au printemps." in json.dumps(_export(client, space, "answers"), ensure_ascii=False)
    assert "Jeanne Maire, Maire" in json.dumps(_export(client, space, "statistics"), ensure_ascii=False)


def test_questions_and_officials_are_found_by_the_search(box, mayor, asker, moderator):
    services.publish(services.ask(box, author=asker, official=mayor, title="Piscine municipale",
                                  text="Horaires d'été", display_name="L."), by=moderator)
    reindex_all()
    assert [d.title for d in search("piscine", plugin="qa_elus")] == ["Piscine municipale"]
    assert [d.title for d in search("Jeanne Maire", plugin="qa_elus")] == ["Jeanne Maire, Maire"]


def _copied_answers(box, mayor, moderator, official, n):
    for i in range(n):
        question = services.publish(services.ask(box, author=make_user(f"q{n}-{i}@example.org"), official=mayor,
                                                 title=f"Question {n}-{i}", text="Quand ?", display_name="L."),
                                    by=moderator)
        services.answer(question, by=official, body="Nous étudions la question avec attention.")


def test_the_answers_export_reads_copies_without_a_query_per_answer(space, box, mayor, moderator, official):
    _copied_answers(box, mayor, moderator, official, 2)
    with CaptureQueriesContext(connection) as few:
        rows = list(_answer_rows(space))
    assert [row["copy_of_question_id"] is not None for row in rows] == [False, True]
    _copied_answers(box, mayor, moderator, official, 4)
    with CaptureQueriesContext(connection) as many:
        rows = list(_answer_rows(space))
    assert sum(row["copy_of_question_id"] is not None for row in rows) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
