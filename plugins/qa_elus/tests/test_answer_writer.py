"""The name published under an answer written on the official's behalf: a public display name
or a role, never the writer's e-mail address, and gone when the writer's account is erased."""

from __future__ import annotations

import pytest

from core.models import Role
from core.privacy import erase_user
from plugins.qa_elus import services
from plugins.qa_elus.models import Answer, Delegation
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _answered_by(staff, box, mayor, asker, moderator):
    Delegation.objects.create(official=mayor, staff=staff)
    question = services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                             text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)
    services.answer(question, by=staff, body="<p>Au printemps.</p>")
    return question


def test_a_writer_without_a_display_name_is_shown_by_role_never_by_e_mail(client, box, mayor, asker, moderator,
                                                                          commune):
    email = "p" * 240 + "@example.org"  # a long but valid address, longer than the column
    staff = make_user(email, organisation=commune, role=Role.AGENT)
    question = _answered_by(staff, box, mayor, asker, moderator)
    written = Answer.objects.get()
    assert written.writer_name == "agent" and email not in written.writer_name
    page = client.get(question.get_absolute_url()).content.decode()
    assert "rédigée par agent" in page and email not in page


def test_a_writer_without_role_or_name_gets_a_neutral_label(box, mayor, asker, moderator):
    staff = make_user("plume@example.org")
    _answered_by(staff, box, mayor, asker, moderator)
    assert Answer.objects.get().writer_name == "un agent de la collectivité"


def test_erasing_the_writer_blanks_the_published_name(box, mayor, asker, moderator):
    staff = make_user("plume@example.org", display_name="Paule Plume")
    _answered_by(staff, box, mayor, asker, moderator)
    erase_user(staff)
    written = Answer.objects.get()
    assert written.written_by is None and "Plume" not in written.writer_name and written.on_behalf
