"""The service functions plugins call: follow, followers, notify."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from core.notifications.models import Follow, Notification
from core.notifications.services import (
    follow,
    followers_of,
    is_following,
    notification_kinds,
    notify,
    notify_followers,
    unfollow,
)
from core.plugin_host import get_manager
from tests.conftest import make_space, make_user
from tests.core.notifications.conftest import make_contribution, probe_module


def test_follow_and_unfollow_are_idempotent(citizen, space, contribution):
    first = follow(citizen, space)
    assert follow(citizen, space) == first
    follow(citizen, contribution)
    assert Follow.objects.filter(user=citizen).count() == 2
    assert is_following(citizen, space) and is_following(citizen, contribution)
    unfollow(citizen, space)
    unfollow(citizen, space)
    assert not is_following(citizen, space)
    assert is_following(citizen, contribution)


def test_only_spaces_and_contributions_can_be_followed(citizen, commune):
    with pytest.raises(TypeError):
        follow(citizen, commune)


def test_a_follow_has_exactly_one_target(citizen, space, contribution):
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=citizen, space=space, contribution=contribution)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=citizen)
    follow(citizen, space)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=citizen, space=space)


def test_followers_of_lists_active_followers_of_exactly_that_target(citizen, space, contribution):
    other = make_user("other@example.org")
    gone = make_user("gone@example.org", is_active=False)
    for user in (citizen, gone):
        follow(user, space)
    follow(other, contribution)
    assert list(followers_of(space)) == [citizen]
    assert list(followers_of(contribution)) == [other]
    assert not is_following(None, space)


def test_kinds_come_from_the_hook_and_are_not_cached(kinds):
    assert {"probe.update", "probe.reminder", "core.status_changed", "core.answer_published",
            "core.comment_reply", "core.space_message"} <= set(kinds)
    late = probe_module()
    manager = get_manager()
    manager.register(late, name="late_probe")
    try:
        assert "late_probe.update" in notification_kinds()
    finally:
        manager.unregister(late)
    assert "late_probe.update" not in notification_kinds()


def test_notify_rejects_unknown_kinds_by_name(citizen):
    with pytest.raises(ValueError, match="probe.unknown"):
        notify([citizen], "probe.unknown", title="Bonjour")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "x" * 2001])
def test_notify_rejects_urls_that_are_not_links(citizen, url):
    with pytest.raises(ValueError):
        notify([citizen], "probe.update", title="Bonjour", url=url)


def test_notify_deduplicates_and_skips_excluded_and_inactive(citizen, commune_admin):
    inactive = make_user("inactive@example.org", is_active=False)
    count = notify(
        [citizen, citizen, commune_admin, inactive, None], "probe.update",
        title="Nouveau", body="Le projet avance.", url="/spaces/centre-bourg/",
        exclude=commune_admin,
    )
    assert count == 1
    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.title, row.body, row.url) == (
        citizen, "probe.update", "Nouveau", "Le projet avance.", "/spaces/centre-bourg/"
    )
    assert row.read_at is None and row.emailed_at is None


def test_notify_accepts_a_queryset_and_an_iterable_exclude(citizen, commune_admin, superuser):
    from core.models import User

    count = notify(User.objects.all(), "probe.update", title="Tous", exclude=[commune_admin])
    assert count == 2
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        citizen.email, superuser.email
    }


def test_notify_shortens_long_titles(citizen):
    notify([citizen], "probe.update", title="Très long " * 100)
    title = Notification.objects.get().title
    assert len(title) == 300 and title.endswith("…")


def test_notify_sends_emails_only_after_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notify([citizen], "probe.update", title="Bientôt", url="/x/") == 1
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert [m.subject for m in mail.outbox] == ["Bientôt"]


def test_a_rolled_back_notification_sends_nothing(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify([citizen], "probe.update", title="Annulé")
            raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_notify_followers_of_a_space_and_of_a_contribution(
    citizen, commune_admin, space, contribution, django_capture_on_commit_callbacks
):
    follow(citizen, space)
    follow(commune_admin, space)
    follow(commune_admin, contribution)
    other_space = make_space(space.organisations.get(), "autre")
    make_contribution(other_space)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_followers(space, "probe.update", title="Résultats publiés",
                                exclude=commune_admin) == 1
        assert notify_followers(contribution, "core.status_changed", title="Retenue") == 1
    assert sorted((n.recipient.email, n.kind) for n in Notification.objects.all()) == [
        (commune_admin.email, "core.status_changed"),
        (citizen.email, "probe.update"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [commune_admin.email, citizen.email]


def test_notifying_nobody_creates_nothing(space, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify_followers(space, "probe.update", title="Personne") == 0
    assert callbacks == []
