"""Plugins' objects on the fediverse (petitions as Page), publishing through the outbox, the
outbox collection's query budget, and the personal data of followable officials."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Component
from federation.actors import person_actor, space_actor
from federation.api import publish_object
from federation.models import Activity, Actor, Follow
from federation.registry import object_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(federation_settings, space, agent):
    from plugins.petitions import services
    from plugins.petitions.models import PetitionSettings

    box = Component.objects.create(phase=space.phases.first(), component_type="petitions.petition_box",
                                   title="Pétitions")
    PetitionSettings.objects.create(component=box, answer_threshold=50, debate_threshold=200)
    return services.create_petition(box, author=agent, title="Des bancs au parc", text="Trois bancs.",
                                    on_behalf_of_organisation=True)


def test_petitions_declare_a_page_type():
    object_type = object_types()[("petitions", "petition")]
    assert object_type.as_type == "Page"


def test_a_public_petition_is_a_page_of_its_group(client, petition, space):
    response = client.get(f"/federation/objects/petitions/petition/{petition.pk}")
    assert response.status_code == 200
    page = response.json()
    assert page["id"] == f"http://testserver/federation/objects/petitions/petition/{petition.pk}"
    assert page["type"] == "Page" and page["name"] == "Des bancs au parc" and page["content"] == "Trois bancs."
    assert page["url"] == f"http://testserver{petition.get_absolute_url()}"
    assert page["attributedTo"] == space_actor(space).uri
    assert page["state"] == "open" and page["published"]
    assert {c["channel"]: c["count"] for c in page["signatureCounts"]} == {"web": 0, "paper": 0, "partner": 0}
    assert [(t["name"], t["threshold"]) for t in page["thresholds"]] == [("answer", 50), ("debate", 200)]
    assert "http://testserver/federation/context.jsonld" in page["@context"]


def test_draft_and_unknown_objects_are_not_found(client, petition):
    # A draft has no registry row yet (a petition under review is public, as on the web).
    type(petition).objects.filter(pk=petition.pk).update(contribution=None)
    assert client.get(f"/federation/objects/petitions/petition/{petition.pk}").status_code == 404
    assert client.get("/federation/objects/petitions/petition/abc").status_code == 404
    assert client.get("/federation/objects/nothing/petition/1").status_code == 404


def test_publishing_writes_the_activity_and_its_deliveries(client, petition, space, monkeypatch):
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    group = space_actor(space)
    follower = Actor.objects.create(uri="https://partner.example/users/alice", domain="partner.example",
                                    kind="Person", inbox="https://partner.example/users/alice/inbox")
    Follow.objects.create(follower=follower, followed=group, state=Follow.State.ACCEPTED)
    activity = publish_object("petitions", "petition", petition, verb="Update")
    assert activity.type == "Update" and activity.actor == group and activity.is_public
    assert activity.payload["object"]["id"].endswith(f"/petitions/petition/{petition.pk}")
    assert list(activity.deliveries.values_list("inbox", flat=True)) == [follower.inbox]
    # The activity has a stable, dereferenceable id, and is in the Group's outbox.
    assert client.get(activity.uri.removeprefix("http://testserver")).json()["id"] == activity.uri
    outbox = client.get(f"/federation/actors/{group.username}/outbox?page=1").json()
    # The petition's Create (published when it opened), then this Update, newest first.
    assert [item["type"] for item in outbox["orderedItems"]] == ["Update", "Create"]
    assert outbox["orderedItems"][0]["id"] == activity.uri


def test_nothing_is_published_when_the_space_does_not_federate(petition, space):
    from federation.models import Policy

    Policy.objects.create(space=space, mode=Policy.Mode.OFF)
    before = Activity.objects.count()  # the Create of the petition's opening
    assert publish_object("petitions", "petition", petition) is None
    assert Activity.objects.count() == before


def test_outbox_query_count_does_not_grow(client, federation_settings, space):
    group = space_actor(space)

    def add(n):
        Activity.objects.bulk_create(
            Activity(uri=f"http://testserver/a/{n}-{i}", direction="out", type="Create", actor=group,
                     payload={"id": f"http://testserver/a/{n}-{i}"}, is_public=True, state="published")
            for i in range(n))

    counts = []
    for n in (10, 300):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/federation/actors/{group.username}/outbox?page=1").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert client.get(f"/federation/actors/{group.username}/outbox?page=999").status_code == 404
    assert client.get(f"/federation/actors/{group.username}/outbox?page=x").status_code == 404


def test_person_actor_export_and_erase(client, federation_settings, commune, official, monkeypatch):
    from core.privacy import erase_user, export_user_data

    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    actor = person_actor(official, commune, username="Maire Dupont")
    assert actor.username == "maire-dupont" and actor.kind == "Person"
    follower = Actor.objects.create(uri="https://partner.example/users/alice", domain="partner.example",
                                    kind="Person", inbox="https://partner.example/users/alice/inbox")
    Follow.objects.create(follower=follower, followed=actor, state=Follow.State.ACCEPTED)
    exported = export_user_data(official)
    assert exported["core"]["federation"]["data"]["federated_profiles"][0]["handle"] == "maire-dupont@testserver"
    erase_user(official)
    actor.refresh_from_db()
    assert actor.user_id is None and actor.name == ""
    delete = Activity.objects.get(type="Delete", actor=actor)
    assert delete.payload["object"] == actor.uri
    assert list(delete.deliveries.values_list("inbox", flat=True)) == [follower.inbox]
    assert client.get("/federation/actors/maire-dupont").status_code == 410
