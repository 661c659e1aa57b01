"""Which questions everyone sees: a question hidden by the moderators after publication, or in
an unpublished space, leaves the lists, the page's text, the open data and federation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from core.moderation.models import ModerationDecision
from core.moderation.services import charter, decide
from plugins.qa_elus import services
from plugins.qa_elus.models import Question
from plugins.qa_elus.tests.test_opendata_search import _export

pytestmark = pytest.mark.django_db


def _published(box, asker, mayor, moderator, title="Le stade", text="Quand rouvre le stade ?"):
    return services.publish(services.ask(box, author=asker, official=mayor, title=title, text=text,
                                         display_name="Léa M."), by=moderator)


def _hide(question, moderator):
    decide(question.contribution, ModerationDecision.Action.HIDE, moderator=moderator,
           reason=charter(question.organisation)[0])
    question.refresh_from_db()
    question.contribution.refresh_from_db()
    assert question.contribution.is_hidden and question.state in ("published", "answered")


def test_a_question_hidden_after_publication_leaves_lists_page_open_data_and_federation(
        client, federation_settings, space, box, mayor, asker, moderator, official, commune):
    kept = _published(box, asker, mayor, moderator, title="La piscine", text="Quand ouvre la piscine ?")
    question = _published(box, asker, mayor, moderator)
    services.answer(question, by=official, body="<p>Au printemps, promis.</p>")
    _hide(question, moderator)
    assert list(Question.objects.public()) == [kept]
    assert not question.is_public

    client.logout()
    for url in (reverse("qa_elus:questions", args=[commune.slug]), reverse("qa_elus:component", args=[box.pk]),
                mayor.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "La piscine" in page and "Le stade" not in page, url
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Quand rouvre le stade" not in page and "Au printemps" not in page and "Question masquée" in page
    questions = json.dumps(_export(client, space, "questions"), ensure_ascii=False)
    assert "La piscine" in questions and "Le stade" not in questions and "Quand rouvre" not in questions
    assert "Au printemps" not in json.dumps(_export(client, space, "answers"), ensure_ascii=False)
    assert client.get(f"/federation/objects/qa_elus/question/{question.pk}").status_code == 404
    assert client.get(f"/federation/objects/qa_elus/answer/{question.answer.pk}").status_code == 404
    assert question not in services.similar_questions(commune, "Quand rouvre le stade")

    # The moderators still read what they hid.
    client.force_login(moderator)
    assert "Quand rouvre le stade" in client.get(question.get_absolute_url()).content.decode()


def test_a_question_in_an_unpublished_space_is_not_listed(client, space, box, mayor, asker, moderator, commune):
    question = _published(box, asker, mayor, moderator)
    assert question.is_public and list(Question.objects.public()) == [question]
    space.is_published = False
    space.save(update_fields=["is_published"])
    question = Question.objects.get(pk=question.pk)
    assert not question.is_public and not Question.objects.public().exists()
    client.logout()
    assert "Le stade" not in client.get(reverse("qa_elus:questions", args=[commune.slug])).content.decode()
    assert "Le stade" not in client.get(mayor.get_absolute_url()).content.decode()
    assert client.get(question.get_absolute_url()).status_code == 404


def test_a_rejected_question_is_listed_without_its_asker(client, box, mayor, asker, moderator, commune):
    question = services.ask(box, author=asker, official=mayor, title="Titre refusé", text="Texte refusé",
                            display_name="Léa Pseudonyme")
    services.reject(question, by=moderator, reason=charter(commune)[0])
    client.logout()
    page = client.get(reverse("qa_elus:questions", args=[commune.slug])).content.decode()
    assert "Question refusée" in page and charter(commune)[0].code in page
    assert "Léa Pseudonyme" not in page and "Titre refusé" not in page


def test_a_follow_up_link_shows_no_title_before_publication_or_once_hidden(client, box, mayor, asker, moderator,
                                                                          official):
    question = _published(box, asker, mayor, moderator)
    services.answer(question, by=official, body="<p>Au printemps.</p>")
    question.refresh_from_db()
    relaunch = services.follow_up(question, by=asker, text="Et les vestiaires ?")
    client.logout()
    assert "Relance : Le stade" not in client.get(question.get_absolute_url()).content.decode()
    services.publish(relaunch, by=moderator)
    assert "Relance : Le stade" in client.get(question.get_absolute_url()).content.decode()
    _hide(Question.objects.get(pk=relaunch.pk), moderator)
    assert "Relance : Le stade" not in client.get(question.get_absolute_url()).content.decode()
