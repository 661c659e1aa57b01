"""Fediverse supports: a remote ``Like`` of a petition is counted apart from its signatures,
once per actor, withdrawn by ``Undo``, forgotten with a deleted actor, not counted while the
actor's domain is blocked, and shown on the petition's page and count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import Component
from federation.actors import space_actor
from federation.models import DomainRule, Support
from federation.outbox import object_id
from federation.supports import support_count, support_counts
from tests.federation.conftest import signed_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(federation_settings, space, agent, monkeypatch):
    from plugins.petitions import services
    from plugins.petitions.models import PetitionSettings

    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    box = Component.objects.create(phase=space.phases.first(), component_type="petitions.petition_box",
                                   title="Pétitions")
    PetitionSettings.objects.create(component=box)
    return services.create_petition(box, author=agent, title="Des bancs au parc", text="Trois bancs.",
                                    on_behalf_of_organisation=True)


def like(client, remote, group, actor, uri: str):
    actor = remote.actor(actor) if isinstance(actor, str) else actor
    activity = actor.activity("Like", uri)
    response = signed_post(client, f"/federation/actors/{group.username}/inbox", actor, activity)
    assert response.status_code == 202, response.content
    return actor, activity


def test_a_like_is_a_support_never_a_signature(client, remote, partner, petition):
    group = space_actor(petition.component.phase.space)
    uri = object_id("petitions", "petition", petition.pk)
    like(client, remote, group, "alice", uri)
    like(client, remote, group, "bob", uri)
    assert support_count(uri) == 2
    assert petition.signatures.count() == 0
    petition.refresh_from_db()
    assert petition.signature_count == 0
    count = client.get(reverse("petitions:count", args=[petition.pk])).json()
    assert count["fediverse_supports"] == 2 and count["total"] == 0
    with translation.override("fr"):
        page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "2 soutiens sur le fédivers" in page


def test_one_support_per_actor_and_undo_withdraws_it(client, remote, partner, petition):
    group = space_actor(petition.component.phase.space)
    uri = object_id("petitions", "petition", petition.pk)
    alice, first = like(client, remote, group, "alice", uri)
    like(client, remote, group, alice, uri)  # a second like by the same actor
    assert support_count(uri) == 1
    undo = alice.activity("Undo", {"id": first["id"], "type": "Like", "actor": alice.uri, "object": uri})
    assert signed_post(client, f"/federation/actors/{group.username}/inbox", alice, undo).status_code == 202
    assert support_count(uri) == 0


def test_undo_without_the_like_id_finds_it_by_object(client, remote, partner, petition):
    group = space_actor(petition.component.phase.space)
    uri = object_id("petitions", "petition", petition.pk)
    alice, _ = like(client, remote, group, "alice", uri)
    undo = alice.activity("Undo", {"type": "Like", "actor": alice.uri, "object": uri})
    signed_post(client, f"/federation/actors/{group.username}/inbox", alice, undo)
    assert support_count(uri) == 0


def test_likes_of_what_is_not_ours_or_not_public_count_nothing(client, remote, partner, petition):
    group = space_actor(petition.component.phase.space)
    alice = remote.actor("alice")
    like(client, remote, group, alice, "https://elsewhere.example/objects/1")
    like(client, remote, group, alice, object_id("petitions", "petition", 999_999))
    like(client, remote, group, alice, "http://testserver/federation/actors/instance")
    assert Support.objects.count() == 0


def test_deleted_actor_and_blocked_domain(client, remote, partner, petition):
    group = space_actor(petition.component.phase.space)
    uri = object_id("petitions", "petition", petition.pk)
    alice, _ = like(client, remote, group, "alice", uri)
    like(client, remote, group, "bob", uri)
    assert support_counts([uri, "https://other"]) == {uri: 2, "https://other": 0}
    gone = alice.activity("Delete", alice.uri)
    assert signed_post(client, f"/federation/actors/{group.username}/inbox", alice, gone).status_code == 202
    assert support_count(uri) == 1 and not Support.objects.filter(actor__uri=alice.uri).exists()
    DomainRule.objects.filter(domain=partner.domain).update(kind=DomainRule.Kind.BLOCK)
    assert support_count(uri) == 0
