"""Supports are counted by the scheduler from the participation register: supporting never
writes to the question's row, and withdrawn or invalidated supports drop out of the count."""

from __future__ import annotations

import pytest

from core.participation.identity import person_key_from_email
from core.participation.models import ParticipationRecord
from core.participation.services import invalidate, participate, withdraw
from plugins.qa_elus import services, tasks
from plugins.qa_elus.hooks import periodic_tasks
from plugins.qa_elus.models import Question
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _counts(question):
    question = Question.objects.get(pk=question.pk)
    return question.support_web, question.support_paper, question.support_partner, question.support_total


def test_withdrawn_and_invalidated_supports_are_recounted_by_the_task(client, box, mayor, asker, moderator,
                                                                      agent):
    question = services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                             text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)
    paul, lou, ana = (make_user(f"{n}@example.org", display_name=n) for n in ("paul", "lou", "ana"))
    for person in (paul, lou, ana):
        services.support(question, person)
    participate(subject_key=question.subject_key, channel="paper", entered_by=agent, sheet_reference="F1",
                person_key=person_key_from_email("papier@example.org"))
    assert _counts(question) == (0, 0, 0, 0)  # supporting does not write to the question
    assert tasks.recount_supports() == 1
    assert _counts(question) == (3, 1, 0, 4)
    assert tasks.recount_supports() == 0  # nothing changed, nothing written

    withdraw(ParticipationRecord.objects.get(subject_key=question.subject_key, user=paul), by=paul)
    invalidated = ParticipationRecord.objects.get(subject_key=question.subject_key, user=lou)
    invalidate(question.subject_key, invalidated, reason_code="duplicate", by=moderator)
    assert tasks.recount_supports() == 1
    assert _counts(question) == (1, 1, 0, 2)

    # An invalidated support is not shown as a support on the page.
    client.force_login(lou)
    assert "Vous soutenez cette question." not in client.get(question.get_absolute_url()).content.decode()
    client.force_login(ana)
    assert "Vous soutenez cette question." in client.get(question.get_absolute_url()).content.decode()


def test_the_recount_is_a_periodic_task():
    assert "qa_elus.recount_supports" in {task.task for task in periodic_tasks()}
