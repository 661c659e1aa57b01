"""Reports, decisions with reasons from the charter, the queue and the public log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.comments.services import post_comment
from core.contributions.services import register_contribution
from core.moderation.models import ModerationDecision, ModerationReason, Report
from core.moderation.services import charter, decide, report


def reason(code: str) -> ModerationReason:
    return ModerationReason.objects.get(organisation__isnull=True, code=code)


def test_default_charter_and_organisation_overrides(commune):
    codes = [r.code for r in charter(commune)]
    assert {"insult", "spam", "personal-data", "off-topic"} <= set(codes)
    ModerationReason.objects.create(organisation=commune, code="spam", label="Démarchage", sort_order=0)
    ModerationReason.objects.create(organisation=commune, code="elections", label="Propagande électorale")
    labels = {r.code: r.label for r in charter(commune)}
    assert labels["spam"] == "Démarchage"
    assert labels["elections"] == "Propagande électorale"
    assert [r.code for r in charter(commune)].count("spam") == 1


def test_citizen_comments_another_reports_moderator_hides_public_log_shows_it(
    client, suggestion, author, other_citizen, moderator, commune
):
    # A citizen comments through the page.
    client.force_login(author)
    response = client.post(f"/comments/on/{suggestion.pk}/", {"body": "Vous êtes tous des idiots"})
    assert response.status_code == 302
    comment = suggestion.comments.get()
    # Another reports it.
    client.force_login(other_citizen)
    form = client.get(f"/moderation/report/comment/{comment.pk}/").content.decode()
    assert "Propos injurieux" in form
    response = client.post(f"/moderation/report/comment/{comment.pk}/", {"reason": reason("insult").pk, "message": "Insulte"})
    assert response.status_code == 302
    assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 1
    # The moderator finds it in the queue and hides it with a reason.
    client.force_login(moderator)
    queue = client.get(f"/moderation/o/{commune.slug}/").content.decode()
    assert f"/moderation/decide/comment/{comment.pk}/" in queue
    response = client.post(f"/moderation/decide/comment/{comment.pk}/", {"action": "hide", "reason": reason("insult").pk})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    decision = ModerationDecision.objects.get()
    assert (decision.moderator, decision.reason.code, decision.organisation) == (moderator, "insult", commune)
    assert Report.objects.get().resolved_at is not None
    # The thread shows a placeholder, not the text.
    page = Client().get(suggestion.get_absolute_url()).content.decode()
    assert "Vous êtes tous des idiots" not in page
    assert "Commentaire masqué par la modération (Propos injurieux ou discriminatoires)" in page
    # The public log counts it by reason, without the content.
    log = Client().get(f"/moderation/o/{commune.slug}/log/").content.decode()
    assert "<td>Propos injurieux ou discriminatoires</td><td>1</td>" in log
    assert "idiots" not in log


def test_a_second_open_report_by_the_same_person_is_refused(suggestion, other_citizen):
    report(suggestion, reporter=other_citizen, reason=reason("spam"))
    with pytest.raises(ValidationError, match="déjà signalé"):
        report(suggestion, reporter=other_citizen, reason=reason("spam"))


def test_report_reason_must_belong_to_the_charter_of_the_organisation(suggestion, other_citizen, association):
    foreign = ModerationReason.objects.create(organisation=association, code="asso-only", label="Motif de l'association")
    with pytest.raises(ValidationError):
        report(suggestion, reporter=other_citizen, reason=foreign)


def test_oversized_report_message_is_refused(suggestion, other_citizen):
    with pytest.raises(ValidationError):
        report(suggestion, reporter=other_citizen, reason=reason("spam"), message="x" * 2001)


def test_hiding_requires_a_reason_and_restoring_is_recorded(suggestion, moderator):
    with pytest.raises(ValidationError):
        decide(suggestion, "hide", moderator=moderator)
    decide(suggestion, "hide", moderator=moderator, reason=reason("spam"))
    suggestion.refresh_from_db()
    assert suggestion.is_hidden and not suggestion.is_public
    decide(suggestion, "restore", moderator=moderator)
    suggestion.refresh_from_db()
    assert not suggestion.is_hidden
    assert list(ModerationDecision.objects.order_by("decided_at", "pk").values_list("action", flat=True)) == ["hide", "restore"]


@pytest.mark.parametrize("who", ["author", "other_citizen", "agent", "official", "foreign_admin"])
def test_only_moderators_and_admins_of_the_organisation_moderate(request, suggestion, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decide(suggestion, "hide", moderator=user, reason=reason("spam"))


@pytest.mark.parametrize(("who", "status"), [
    (None, 302), ("author", 403), ("other_citizen", 403), ("agent", 403), ("foreign_admin", 403),
    ("moderator", 302), ("commune_admin", 302),
])
def test_decision_endpoint_permissions(request, client, suggestion, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/moderation/decide/contribution/{suggestion.pk}/", {"action": "hide", "reason": reason("spam").pk})
    assert response.status_code == status
    suggestion.refresh_from_db()
    assert suggestion.is_hidden is (who in {"moderator", "commune_admin"})


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("other_citizen", 403), ("foreign_admin", 403), ("agent", 403), ("moderator", 200)])
def test_queue_permissions(request, client, commune, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(f"/moderation/o/{commune.slug}/").status_code == status


def test_report_endpoint_needs_login_and_csrf(suggestion, other_citizen):
    anonymous = Client()
    response = anonymous.post(f"/moderation/report/contribution/{suggestion.pk}/", {"reason": reason("spam").pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other_citizen)
    assert strict.post(f"/moderation/report/contribution/{suggestion.pk}/", {"reason": reason("spam").pk}).status_code == 403
    assert not Report.objects.exists()


def test_premoderation_approve_and_reject(space, author, moderator):
    pending = register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author,
                                    title="À valider", premoderated=True)
    rejected = register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author,
                                     title="À refuser", premoderated=True)
    decide(pending, "approve", moderator=moderator)
    decide(rejected, "hide", moderator=moderator, reason=reason("off-topic"))
    pending.refresh_from_db()
    rejected.refresh_from_db()
    assert pending.is_public
    assert rejected.is_hidden and not rejected.awaiting_moderation
    with pytest.raises(ValidationError):
        decide(pending, "approve", moderator=moderator)


def test_queue_is_paginated_with_a_query_count_independent_of_its_size(client, space, author, moderator, commune):
    from core.models import User

    reporters = User.objects.bulk_create(User(email=f"r{i}@example.org") for i in range(60))

    def fill(n: int) -> None:
        start = Report.objects.count()
        for i in range(start, start + n):
            c = register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author, title=f"Idée {i}")
            Report.objects.create(contribution=c, reporter=reporters[i], reason=reason("spam"))

    client.force_login(moderator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/moderation/o/{commune.slug}/").status_code == 200
        return len(ctx.captured_queries)

    fill(3)
    few = queries()
    fill(50)
    assert queries() == few
    page = client.get(f"/moderation/o/{commune.slug}/").content.decode()
    assert "53 signalements à traiter" in page and "Page 1 sur 3" in page


def test_comment_thread_query_count_does_not_grow(client, suggestion, author, other_citizen, moderator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(suggestion.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    first = post_comment(suggestion, author=author, body="Premier")
    hidden = post_comment(suggestion, author=other_citizen, body="Deuxième", parent=first)
    decide(hidden, "hide", moderator=moderator, reason=reason("spam"))
    client.force_login(other_citizen)
    few = queries()
    for i in range(25):
        reply = post_comment(suggestion, author=author if i % 2 else other_citizen, body=f"Réponse {i}", parent=first)
        if i % 5 == 0:
            decide(reply, "hide", moderator=moderator, reason=reason("off-topic"))
    assert queries() == few
