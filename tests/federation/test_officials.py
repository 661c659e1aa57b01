"""Officials followable from the fediverse: an official or agent chooses to have a ``Person``
actor for their organisation; their official answers are then ``Note``s it publishes (to its
followers and to the space's), and without one the space's ``Group`` publishes them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.contributions.services import publish_answer, register_contribution
from federation.actors import space_actor
from federation.models import Activity, Actor, Follow
from federation.outbox import object_id
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(federation_settings, space, monkeypatch):
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    return register_contribution(plugin="suggestions", kind="suggestion", space=space,
                                 author=make_user("auteur@example.org", display_name="Alice Auteur"),
                                 title="Des bancs sur la place", summary="À l'ombre des tilleuls.")


def remote_follower(name: str, followed: Actor) -> Actor:
    follower = Actor.objects.create(uri=f"https://{name}.example/users/{name}", domain=f"{name}.example",
                                    kind="Person", inbox=f"https://{name}.example/users/{name}/inbox")
    Follow.objects.create(follower=follower, followed=followed, state=Follow.State.ACCEPTED)
    return follower


def become_followable(client, user, organisation) -> Actor:
    client.force_login(user)
    assert client.post(reverse("federation:become_followable", args=[organisation.pk])).status_code == 302
    return Actor.objects.get(is_local=True, kind="Person", user=user)


def test_an_official_becomes_followable_under_their_public_name(client, official, commune):
    official.display_name = "Marie Dupont"
    official.save()
    person = become_followable(client, official, commune)
    assert person.username == "marie-dupont" and person.organisation == commune
    assert "elue" not in person.handle  # never from the e-mail address
    page = client.get(reverse("federation:profile")).content.decode()
    assert f"@{person.handle}" in page and "Ne plus être suivable" in page
    document = client.get(f"/federation/actors/{person.username}", HTTP_ACCEPT="application/activity+json").json()
    assert document["type"] == "Person" and document["name"] == "Marie Dupont"
    # A second click makes nothing more.
    client.post(reverse("federation:become_followable", args=[commune.pk]))
    assert Actor.objects.filter(is_local=True, kind="Person").count() == 1


@pytest.mark.parametrize("who", ["resident", "moderator", "foreign_admin"])
def test_only_officials_agents_and_admins_of_the_organisation(request, client, commune, who):
    if who == "resident":
        user = make_user("habitant@example.org")
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post(reverse("federation:become_followable", args=[commune.pk])).status_code == 403
    assert client.post(reverse("federation:stop_being_followable", args=[commune.pk])).status_code == 403
    assert not Actor.objects.filter(is_local=True, kind="Person").exists()


def test_the_answer_of_a_followable_official_is_their_note_to_both_audiences(client, suggestion, official, commune):
    person = become_followable(client, official, commune)
    group = space_actor(suggestion.space)
    remote_follower("camille", person)
    remote_follower("dominique", group)
    answer = publish_answer(suggestion, "<p>Les bancs seront posés en mai.</p>", by=official,
                            signature="Marie Dupont, adjointe")
    create = Activity.objects.get(direction="out", type="Create")
    note = create.payload["object"]
    assert create.actor == person and note["type"] == "Note" and note["attributedTo"] == person.uri
    assert note["id"] == object_id("core", "answer", answer.pk)
    assert "Les bancs seront posés en mai." in note["content"] and "Marie Dupont, adjointe" in note["content"]
    assert note["url"].endswith(f"#reponse-{answer.pk}")
    assert sorted(create.deliveries.values_list("host", flat=True)) == ["camille.example", "dominique.example"]
    served = client.get(note["id"], HTTP_ACCEPT="application/activity+json")
    assert served.status_code == 200 and served.json()["attributedTo"] == person.uri


def test_without_a_followable_profile_the_group_publishes_the_answer(suggestion, agent):
    group = space_actor(suggestion.space)
    publish_answer(suggestion, "<p>À l'étude.</p>", by=agent, signature="Services techniques")
    create = Activity.objects.get(direction="out", type="Create")
    assert create.actor == group and create.payload["object"]["attributedTo"] == group.uri


def test_stopping_tells_followers_and_later_answers_come_from_the_group(client, suggestion, official, commune):
    person = become_followable(client, official, commune)
    remote_follower("camille", person)
    assert client.post(reverse("federation:stop_being_followable", args=[commune.pk])).status_code == 302
    delete = Activity.objects.get(direction="out", type="Delete")
    assert delete.actor == person and delete.payload["object"] == person.uri
    assert list(delete.deliveries.values_list("host", flat=True)) == ["camille.example"]
    person.refresh_from_db()
    assert person.user is None and person.name == ""
    publish_answer(suggestion, "<p>Réponse suivante.</p>", by=official, signature="Marie Dupont")
    assert Activity.objects.get(direction="out", type="Create").actor == space_actor(suggestion.space)


def test_answers_to_hidden_contributions_are_not_published(suggestion, official):
    suggestion.is_hidden = True
    suggestion.save()
    answer = publish_answer(suggestion, "<p>Réponse.</p>", by=official, signature="Marie Dupont")
    assert not Activity.objects.filter(direction="out", type="Create").exists()
    from core.contributions.federation import load

    assert load(str(answer.pk)) is None
