"""Every model of the plugin that names a person is exported and erased."""

from __future__ import annotations

import pytest

from core.privacy import erase_user, export_user_data
from plugins.qa_elus import services
from plugins.qa_elus.models import Answer, Delegation, Official, Question
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_export_and_erase_cover_questions_answers_profiles_and_delegations(box, mayor, asker, moderator, official):
    staff = make_user("plume@example.org", display_name="Plume")
    Delegation.objects.create(official=mayor, staff=staff)
    question = services.publish(services.ask(box, author=asker, official=mayor, title="Le stade",
                                             text="Quand rouvre le stade ?", display_name="Léa M."), by=moderator)
    services.answer(question, by=staff, body="Au printemps.")

    assert export_user_data(asker)["qa_elus"]["qa_elus"]["data"]["questions"][0]["text"] == "Quand rouvre le stade ?"
    staff_data = export_user_data(staff)["qa_elus"]["qa_elus"]["data"]
    assert staff_data["answers_written"][0]["on_behalf_of"] == "Jeanne Maire, Maire"
    assert staff_data["delegations"][0]["official"] == "Jeanne Maire, Maire"
    assert export_user_data(official)["qa_elus"]["qa_elus"]["data"]["official_profiles"][0]["role"] == "Maire"

    erase_user(asker)
    erase_user(staff)
    erase_user(official)
    question.refresh_from_db()
    assert question.author is None and question.display_name == "—" and question.text  # stays public
    assert Answer.objects.get().written_by is None
    assert not Delegation.objects.exists()
    profile = Official.objects.get()
    assert profile.user is None and not profile.opted_in
    assert Question.objects.count() == 1
