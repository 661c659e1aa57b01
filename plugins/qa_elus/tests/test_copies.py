"""Copied answers are found from the normalised text stored on each answer, without reading the
HTML of the official's earlier answers again."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from plugins.qa_elus import services
from plugins.qa_elus.models import Answer
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _answered(box, mayor, moderator, official, i, body):
    question = services.publish(services.ask(box, author=make_user(f"q{i}@example.org"), official=mayor,
                                             title=f"Question {i}", text="Quand ?", display_name="L."), by=moderator)
    return services.answer(question, by=official, body=body)


def test_an_answer_reads_only_its_own_html(monkeypatch, box, mayor, moderator, official):
    for i in range(3):
        _answered(box, mayor, moderator, official, i, f"<p>Réponse numéro {i} sur un sujet différent.</p>")
    assert Answer.objects.get(question__title="Question 0").normalised_text == "réponse numéro 0 sur un sujet différent"
    read = []
    real = services.visible_text
    monkeypatch.setattr(services, "visible_text", lambda html: read.append(html) or real(html))
    copied = _answered(box, mayor, moderator, official, 9, "<p><b>Réponse numéro 1</b> sur un sujet différent !</p>")
    assert len(read) == 1  # the new answer only
    assert copied.copy_of == Answer.objects.get(question__title="Question 1")


def test_the_migration_fills_the_text_of_earlier_answers(box, mayor, moderator, official):
    written = _answered(box, mayor, moderator, official, 0, "<p>Nous <em>étudions</em> la question.</p>")
    Answer.objects.filter(pk=written.pk).update(normalised_text="")
    migration = importlib.import_module("plugins.qa_elus.migrations.0002_answer_normalised_text")
    migration.fill_normalised_text(apps, None)
    assert Answer.objects.get(pk=written.pk).normalised_text == "nous étudions la question"
