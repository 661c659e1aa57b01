"""Agents and administrators write to every follower of a space."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Role
from core.notifications.models import Notification
from core.notifications.services import follow
from tests.conftest import make_user
from tests.core.notifications.conftest import csrf_client

MESSAGE = {"title": "Résultats publiés", "message": "Les projets retenus sont en ligne."}


def message_url(space) -> str:
    return reverse("notifications:space_message", kwargs={"slug": space.slug})


@pytest.fixture
def followers(space, citizen):
    other = make_user("voisin@example.org")
    for user in (citizen, other):
        follow(user, space)
    return [citizen, other]


def person(role: str, space, association):
    commune = space.organisations.get()
    if role == "superuser":
        return make_user("root@example.org", is_superuser=True, is_staff=True)
    if role == "participant":
        return make_user("participant@example.org")
    if role == "other-admin":
        return make_user("other@example.org", organisation=association, role=Role.ADMIN)
    return make_user(f"{role}@example.org", organisation=commune, role=role)


def test_anonymous_visitors_are_sent_to_log_in(client, space, followers):
    for response in (client.get(message_url(space)), client.post(message_url(space), MESSAGE)):
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "role", ["participant", "other-admin", Role.MODERATOR, Role.OFFICIAL]
)
def test_other_people_are_forbidden(client, space, association, followers, role):
    client.force_login(person(role, space, association))
    assert client.get(message_url(space)).status_code == 403
    assert client.post(message_url(space), MESSAGE).status_code == 403
    assert not Notification.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN, "superuser"])
def test_agents_and_admins_notify_every_follower(
    client, space, association, followers, role, django_capture_on_commit_callbacks
):
    client.force_login(person(role, space, association))
    page = client.get(message_url(space))
    assert page.status_code == 200
    assert "2 personnes suivent cet espace." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(message_url(space), MESSAGE)
    assert response.status_code == 302 and response.url == message_url(space)
    rows = Notification.objects.order_by("recipient__email")
    assert [(n.recipient, n.kind, n.title, n.body, n.url) for n in rows] == [
        (user, "core.space_message", MESSAGE["title"], MESSAGE["message"], space.get_absolute_url())
        for user in sorted(followers, key=lambda u: u.email)
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in followers)
    assert "Message envoyé à 2 personnes." in client.get(response.url).content.decode()


def test_csrf_is_enforced(space, followers):
    agent = make_user("agent@example.org", organisation=space.organisations.get(), role=Role.AGENT)
    client, token = csrf_client(agent)
    assert client.post(message_url(space), MESSAGE).status_code == 403
    assert not Notification.objects.exists()
    response = client.post(message_url(space), {**MESSAGE, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "fields", "error"),
    [
        ({"title": "", "message": ""}, {"title", "message"}, "requis"),
        ({"title": "   ", "message": "Texte"}, {"title"}, "requis"),
        ({"title": "x" * 201, "message": "Texte"}, {"title"}, "au plus 200 caractères"),
        ({"title": "Titre", "message": "x" * 5001}, {"message"}, "au plus 5000 caractères"),
    ],
)
def test_bad_input_shows_french_errors(client, commune_admin, space, followers, data, fields,
                                       error):
    client.force_login(commune_admin)
    response = client.post(message_url(space), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    html = response.content.decode()
    assert error in html and "This field is required" not in html
    assert 'id="id_title_error"' in html or "title" not in fields
    assert not Notification.objects.exists()


def test_unknown_spaces_are_not_found(client, commune_admin):
    client.force_login(commune_admin)
    assert client.get("/notifications/spaces/inconnu/message/").status_code == 404
