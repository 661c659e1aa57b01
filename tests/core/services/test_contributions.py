"""The contribution registry: status workflow, official answers, "my contributions"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.contributions.models import Contribution, SpaceActivity, StatusChange
from core.contributions.services import change_status, publish_answer, register_contribution
from core.contributions.tasks import record_phase_activity
from core.notifications.services import is_following


def test_registered_contribution_starts_in_the_initial_status_and_is_followed_by_its_author(suggestion, author):
    assert suggestion.status == "received"
    assert suggestion.is_public
    assert is_following(author, suggestion)


def test_unknown_kind_is_refused(space):
    with pytest.raises(ValueError, match="suggestions.nope"):
        register_contribution(plugin="suggestions", kind="nope", space=space, title="x")


def test_agent_changes_status_along_the_workflow(suggestion, agent):
    change_status(suggestion, "under_review", by=agent, note="Étude par les services techniques.")
    suggestion.refresh_from_db()
    assert suggestion.status == "under_review"
    change = StatusChange.objects.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("received", "under_review", agent)
    assert SpaceActivity.objects.filter(space=suggestion.space, verb="status_changed").count() == 1


def test_a_move_outside_the_workflow_is_refused(suggestion, agent):
    with pytest.raises(ValidationError):
        change_status(suggestion, "implemented", by=agent)
    suggestion.refresh_from_db()
    assert suggestion.status == "received"


@pytest.mark.parametrize("who", ["author", "other_citizen", "moderator", "foreign_admin"])
def test_only_workflow_roles_of_the_organisation_change_status(request, suggestion, who):
    with pytest.raises(PermissionDenied):
        change_status(suggestion, "under_review", by=request.getfixturevalue(who))


def test_official_answer_is_cleaned_signed_and_notifies_the_author(
    suggestion, official, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = publish_answer(
            suggestion, '<p>Accord <a href="javascript:alert(1)">ici</a><script>x()</script></p>',
            by=official, signature="Marie Dupont, adjointe au maire",
        )
    assert answer.role == "official"
    assert "javascript:" not in answer.body and "<script" not in answer.body
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert "Des bancs sur la place" in mail.outbox[0].subject


@pytest.mark.parametrize("body", ["", "   ", "<p> </p>", "<script>alert(1)</script>"])
def test_empty_answers_are_refused(suggestion, official, body):
    with pytest.raises(ValidationError):
        publish_answer(suggestion, body, by=official, signature="Marie Dupont")


def test_answer_by_a_moderator_or_another_organisation_is_refused(suggestion, moderator, foreign_admin):
    for user in (moderator, foreign_admin):
        with pytest.raises(PermissionDenied):
            publish_answer(suggestion, "Réponse", by=user, signature="X")


def test_agent_changes_status_with_an_answer_through_the_page_and_the_author_sees_it(
    client, suggestion, agent, author, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert "Changer le statut" in page and "Publier une réponse officielle" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/contributions/{suggestion.pk}/status/", {"status": "accepted", "note": "Budget voté."})
        assert response.status_code == 302
        response = client.post(
            f"/contributions/{suggestion.pk}/answer/",
            {"body": "Les bancs seront posés au printemps.", "signature": "Paul Agent, services techniques"},
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert all(m.to == [author.email] for m in mail.outbox)
    client.force_login(author)
    mine = client.get("/contributions/mine/").content.decode()
    assert "Des bancs sur la place" in mine
    assert "retenue" in mine
    assert "Les bancs seront posés au printemps." in mine
    assert "Paul Agent, services techniques" in mine


@pytest.mark.parametrize("who", [None, "author", "other_citizen", "moderator", "foreign_admin"])
def test_status_and_answer_endpoints_refuse_other_roles(request, client, suggestion, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    status = client.post(f"/contributions/{suggestion.pk}/status/", {"status": "accepted"})
    answer = client.post(f"/contributions/{suggestion.pk}/answer/", {"body": "x", "signature": "y"})
    expected = 302 if who is None else 403
    assert (status.status_code, answer.status_code) == (expected, expected)
    if who is None:
        assert "/accounts/login/" in status["Location"]
    suggestion.refresh_from_db()
    assert suggestion.status == "received" and not suggestion.answers.exists()


def test_state_changing_endpoints_need_csrf(suggestion, agent):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(f"/contributions/{suggestion.pk}/status/", {"status": "accepted"}).status_code == 403


def test_my_contributions_query_count_does_not_grow(client, space, author, official):
    client.force_login(author)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/contributions/mine/").status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            c = register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author, title=f"Idée {i}")
            publish_answer(c, "Merci", by=official, signature="Élue")

    add(2)
    few = count()
    add(15)
    assert Contribution.objects.filter(author=author).count() == 17
    assert count() == few


def test_activity_page_and_phase_task(client, space):
    assert record_phase_activity() == 1
    assert record_phase_activity() == 1  # idempotent: one entry per phase
    assert SpaceActivity.objects.filter(verb="phase_started").count() == 1
    page = client.get(f"/contributions/spaces/{space.slug}/activity/").content.decode()
    assert "Début de la phase « Contributions »" in page


def test_contribution_awaiting_moderation_is_visible_only_to_author_and_moderators(
    client, space, author, other_citizen, moderator
):
    c = register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author,
                              title="En attente", premoderated=True)
    assert client.get(c.get_absolute_url()).status_code == 404
    client.force_login(other_citizen)
    assert client.get(c.get_absolute_url()).status_code == 404
    client.force_login(author)
    assert "attend la validation" in client.get(c.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert client.get(c.get_absolute_url()).status_code == 200
