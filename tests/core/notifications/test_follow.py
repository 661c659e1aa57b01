"""The follow endpoint: who may follow what, CSRF, safe redirects."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Role
from core.notifications.models import Follow
from core.notifications.services import follow, is_following
from tests.conftest import make_space, make_user
from tests.core.notifications.conftest import csrf_client, make_contribution


def follow_url(target_type: str, pk: int) -> str:
    return reverse("notifications:follow", kwargs={"target_type": target_type, "pk": pk})


def test_anonymous_visitors_are_sent_to_log_in(client, space):
    response = client.post(follow_url("space", space.pk))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Follow.objects.exists()


@pytest.mark.parametrize("role", [None, "other-admin", Role.AGENT, Role.ADMIN, "superuser"])
def test_every_signed_in_person_may_follow_and_unfollow(client, space, association, role):
    if role == "superuser":
        user = make_user("root@example.org", is_superuser=True, is_staff=True)
    elif role == "other-admin":
        user = make_user("other@example.org", organisation=association, role=Role.ADMIN)
    else:
        user = make_user("person@example.org", organisation=space.organisations.get(), role=role)
    client.force_login(user)
    url = follow_url("space", space.pk)
    response = client.post(url, {"next": "/spaces/centre-bourg/?tab=2"})
    assert response.status_code == 302 and response.url == "/spaces/centre-bourg/?tab=2"
    assert is_following(user, space)
    client.post(url)  # no action given: toggles
    assert not is_following(user, space)


def test_explicit_actions_make_double_submits_harmless(client, citizen, contribution):
    client.force_login(citizen)
    url = follow_url("contribution", contribution.pk)
    for _attempt in range(2):
        client.post(url, {"action": "follow"})
    assert Follow.objects.filter(user=citizen, contribution=contribution).count() == 1
    for _attempt in range(2):
        client.post(url, {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_csrf_is_enforced(citizen, space):
    client, token = csrf_client(citizen)
    url = follow_url("space", space.pk)
    assert client.post(url).status_code == 403
    assert not Follow.objects.exists()
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert is_following(citizen, space)


def test_get_is_not_allowed(client, citizen, space):
    client.force_login(citizen)
    assert client.get(follow_url("space", space.pk)).status_code == 405
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_open_redirects_are_refused(client, citizen, space, next_url):
    client.force_login(citizen)
    response = client.post(follow_url("space", space.pk), {"next": next_url})
    assert response.status_code == 302
    assert response.url == space.get_absolute_url()


def test_without_next_a_contribution_goes_back_to_its_page(client, citizen, contribution):
    client.force_login(citizen)
    response = client.post(follow_url("contribution", contribution.pk))
    assert response.url == contribution.url
    assert "Vous suivez désormais « Un banc place de l&#x27;église »." in client.get(
        reverse("notifications:inbox")).content.decode()


@pytest.mark.parametrize(
    "target",
    ["unknown-type", "missing-space", "missing-contribution", "unpublished-space",
     "hidden", "awaiting-moderation", "in-unpublished-space"],
)
def test_unknown_or_non_public_targets_are_not_found(client, citizen, commune, space, target):
    draft = make_space(commune, "brouillon", published=False)
    url = {
        "unknown-type": follow_url("organisation", commune.pk),
        "missing-space": follow_url("space", 999999),
        "missing-contribution": follow_url("contribution", 999999),
        "unpublished-space": follow_url("space", draft.pk),
        "hidden": follow_url("contribution", make_contribution(space, is_hidden=True).pk),
        "awaiting-moderation": follow_url(
            "contribution", make_contribution(space, awaiting_moderation=True).pk),
        "in-unpublished-space": follow_url("contribution", make_contribution(draft).pk),
    }[target]
    client.force_login(citizen)
    assert client.post(url).status_code == 404
    assert not Follow.objects.exists()


def test_a_follower_may_stop_following_what_was_hidden_since(client, citizen, contribution):
    follow(citizen, contribution)
    contribution.is_hidden = True
    contribution.save()
    client.force_login(citizen)
    assert client.post(follow_url("contribution", contribution.pk)).status_code == 302
    assert not is_following(citizen, contribution)
