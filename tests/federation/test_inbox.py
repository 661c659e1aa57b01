"""The inbox: every check before anything is stored, then follows and plugin handlers."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from federation.actors import instance_actor, space_actor
from federation.models import Activity, Actor, Delivery, DomainRule, Follow, Policy
from federation.signing import signed_get_headers
from tests.federation.conftest import signed_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(federation_settings, space):
    return space_actor(space)


def inbox(actor) -> str:
    return f"/federation/actors/{actor.username}/inbox"


def nothing_stored():
    return not Activity.objects.filter(direction="in").exists() and not Actor.objects.filter(is_local=False).exists()


def test_signed_follow_of_a_group_is_accepted_and_answered(client, remote, partner, group):
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    response = signed_post(client, inbox(group), alice, follow)
    assert response.status_code == 202, response.content
    stored = Activity.objects.get(uri=follow["id"])
    assert stored.state == Activity.State.PROCESSED
    row = Follow.objects.get(followed=group, follower__uri=alice.uri)
    assert row.state == Follow.State.ACCEPTED
    accept = Activity.objects.get(direction="out", type="Accept")
    assert accept.payload["object"]["id"] == follow["id"] and accept.actor == group
    assert list(accept.deliveries.values_list("inbox", flat=True)) == ["https://partner.example/inbox"]
    # The actor and its key are cached now.
    assert Actor.objects.get(uri=alice.uri).keys.get().key_id == alice.key_id
    assert client.get(f"/federation/actors/{group.username}/followers").json()["totalItems"] == 1


def test_unsigned_request_is_refused(client, remote, partner, group):
    alice = remote.actor("alice")
    response = client.post(inbox(group), json.dumps(alice.activity("Follow", group.uri)),
                           content_type="application/activity+json")
    assert response.status_code == 401 and "not signed" in response.json()["error"]
    assert nothing_stored()


def test_key_of_another_actor_is_refused(client, remote, partner, group):
    alice, mallory = remote.actor("alice"), remote.actor("mallory")
    # Mallory signs with her own (valid) key an activity that claims to be Alice's.
    response = signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri), secret=mallory.secret())
    assert response.status_code == 401 and "another actor" in response.json()["error"]
    assert nothing_stored()


def test_forged_signature_with_alices_key_id_is_refused(client, remote, partner, group):
    alice, mallory = remote.actor("alice"), remote.actor("mallory")
    from bovine.crypto.types import CryptographicSecret

    forged = CryptographicSecret(alice.key_id, mallory.secret().private_key)
    response = signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri), secret=forged)
    assert response.status_code == 401 and "does not verify" in response.json()["error"]
    assert nothing_stored()


def test_stale_date_is_refused(client, remote, partner, group):
    alice = remote.actor("alice")
    stale = format_datetime(timezone.now() - timedelta(minutes=30), usegmt=True)
    response = signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri), headers={"date": stale})
    assert response.status_code == 401 and "Date" in response.json()["error"]
    assert nothing_stored()


def test_altered_body_fails_the_digest(client, remote, partner, group):
    alice = remote.actor("alice")
    activity = alice.activity("Follow", group.uri)
    altered = json.dumps({**activity, "object": instance_actor().uri}).encode()
    response = signed_post(client, inbox(group), alice, activity, body=altered)
    assert response.status_code == 401
    assert nothing_stored()


def test_signature_must_cover_host_and_digest(client, remote, partner, group):
    from bovine.crypto.http_signature import build_signature
    from bovine.utils import get_gmt_now

    alice = remote.actor("alice")
    body = json.dumps(alice.activity("Follow", group.uri)).encode()
    helper = build_signature("testserver", "post", inbox(group)).with_field("date", get_gmt_now())
    response = client.generic("POST", inbox(group), body, content_type="application/activity+json",
                              HTTP_DATE=helper.headers["date"],
                              HTTP_SIGNATURE=helper.sign_for_http_draft(alice.secret()))
    assert response.status_code == 401 and "digest" in response.json()["error"]
    assert nothing_stored()


def test_oversized_body_is_refused_before_parsing(client, remote, partner, group):
    alice = remote.actor("alice")
    activity = alice.activity("Create", {"type": "Note", "content": "x" * 300_000})
    response = signed_post(client, inbox(group), alice, activity)
    assert response.status_code == 413
    assert nothing_stored() and remote.fetched == []


def test_replayed_activity_is_a_no_op(client, remote, partner, group):
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    assert signed_post(client, inbox(group), alice, follow).status_code == 202
    again = signed_post(client, inbox(group), alice, follow)
    assert again.status_code == 202 and again.json()["status"] == "already received"
    assert Activity.objects.filter(uri=follow["id"]).count() == 1
    assert Activity.objects.filter(type="Accept").count() == 1


def test_origin_rules(client, remote, partner, group):
    alice = remote.actor("alice")
    foreign_id = {**alice.activity("Follow", group.uri), "id": "https://elsewhere.example/a/1"}
    assert signed_post(client, inbox(group), alice, foreign_id).status_code == 400
    note = alice.activity("Create", {"id": "https://elsewhere.example/notes/1", "type": "Note"})
    assert signed_post(client, inbox(group), alice, note).status_code == 400
    key_elsewhere = remote.actor("alice", host="https://elsewhere.example")
    response = signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri),
                           secret=key_elsewhere.secret())
    assert response.status_code == 401
    assert nothing_stored()


def test_policies(client, remote, group):
    alice = remote.actor("alice")
    # Default: allowlist, and partner.example is not a partner yet.
    response = signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri))
    assert response.status_code == 403 and "partner" in response.json()["error"]
    assert remote.fetched == []  # refused before fetching anything
    Policy.objects.create(space=None, mode=Policy.Mode.OPEN)
    assert signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri)).status_code == 202
    DomainRule.objects.create(domain="partner.example", kind=DomainRule.Kind.BLOCK)
    response = signed_post(client, inbox(group), alice, alice.activity("Like", group.uri))
    assert response.status_code == 403 and "blocked" in response.json()["error"]
    Policy.objects.create(space=group.space, mode=Policy.Mode.PUBLISH_ONLY)
    DomainRule.objects.all().delete()
    assert signed_post(client, inbox(group), alice, alice.activity("Like", group.uri)).status_code == 403


def test_instance_agreement_waits_for_an_administrator(client, remote, partner, federation_settings, superuser):
    from federation.services import approve_follow

    peer = remote.actor("instance")
    me = instance_actor()
    assert signed_post(client, "/federation/inbox", peer, peer.activity("Follow", me.uri)).status_code == 202
    row = Follow.objects.get(followed=me)
    assert row.state == Follow.State.PENDING
    assert not Activity.objects.filter(type="Accept").exists()
    approve_follow(row, by=superuser)
    row.refresh_from_db()
    assert row.state == Follow.State.ACCEPTED and row.decided_by == superuser
    assert Activity.objects.get(type="Accept").deliveries.get().inbox == "https://partner.example/inbox"


@pytest.mark.parametrize(("kind", "by_hand"), [("Application", True), ("Group", False), ("Person", False)])
def test_each_actor_document_says_truly_whether_follows_wait_for_approval(
        client, remote, partner, group, official, commune, kind, by_hand):
    from federation.actors import person_actor

    followed = {"Application": instance_actor(), "Group": group,
                "Person": person_actor(official, commune, username="Marie Dupont")}[kind]
    document = client.get(f"/federation/actors/{followed.username}",
                          HTTP_ACCEPT="application/activity+json").json()
    assert document["type"] == kind and document["manuallyApprovesFollowers"] is by_hand
    alice = remote.actor("alice")
    assert signed_post(client, inbox(followed), alice, alice.activity("Follow", followed.uri)).status_code == 202
    row = Follow.objects.get(followed=followed, follower__uri=alice.uri)
    answered = Activity.objects.filter(direction="out", type="Accept", actor=followed).exists()
    assert (row.state == Follow.State.PENDING, not answered) == (by_hand, by_hand)


def test_undo_block_and_delete(client, remote, partner, group):
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    signed_post(client, inbox(group), alice, follow)
    assert Follow.objects.filter(followed=group).count() == 1
    undo = alice.activity("Undo", {"id": follow["id"], "type": "Follow", "actor": alice.uri, "object": group.uri})
    assert signed_post(client, inbox(group), alice, undo).status_code == 202
    assert not Follow.objects.filter(followed=group).exists()
    signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri))
    signed_post(client, inbox(group), alice, alice.activity("Block", group.uri))
    assert not Follow.objects.filter(followed=group).exists()
    signed_post(client, inbox(group), alice, alice.activity("Follow", group.uri))
    signed_post(client, inbox(group), alice, alice.activity("Delete", alice.uri))
    assert not Follow.objects.filter(followed=group).exists()
    assert Actor.objects.get(uri=alice.uri).document == {}


def test_inbound_activities_reach_plugin_handlers(client, remote, partner, group):
    from core.plugin_host import get_manager
    from core.plugins import hookimpl
    from federation.api import InboundHandler

    received = []

    class Supports:
        @staticmethod
        @hookimpl
        def federation_inbound_handlers():
            return [InboundHandler(key="likes", activity_types=("Like",),
                                   handle=lambda activity: received.append(activity) or True)]

        @staticmethod
        @hookimpl
        def federation_object_types():
            return []

    manager = get_manager()
    manager.register(Supports, name="test_supports")
    try:
        alice = remote.actor("alice")
        like = alice.activity("Like", "http://testserver/federation/objects/petitions/petition/1")
        assert signed_post(client, inbox(group), alice, like).status_code == 202
    finally:
        manager.unregister(name="test_supports")
    assert [(a.id, a.type, a.actor, a.target_actor) for a in received] == [(like["id"], "Like", alice.uri, group)]
    assert Activity.objects.get(uri=like["id"]).state == Activity.State.PROCESSED


def test_reading_an_inbox_needs_its_owners_credentials(client, remote, partner, group, official, commune, citizen):
    """ActivityPub lets an inbox's owner read it (GET); nobody owns one through this server
    (there is no client-to-server access), so a GET is unauthorised: 401 without credentials,
    403 with some. Every inbox answers alike; other methods than GET, HEAD and POST are 405."""
    from federation.actors import person_actor

    person = person_actor(official, commune, username="Marie Dupont")
    paths = ["/federation/inbox", inbox(instance_actor()), inbox(group), inbox(person)]
    client.force_login(citizen)  # a session is no credential here
    alice = remote.actor("alice")
    for path in paths:
        for method in ("GET", "HEAD"):
            response = client.generic(method, path, HTTP_ACCEPT="application/activity+json")
            assert response.status_code == 401, (method, path)
            assert response["WWW-Authenticate"].startswith('Signature realm="testserver"')
        assert "owner" in client.get(path).json()["error"]
        signed = signed_get_headers(alice.secret(), f"http://testserver{path}", "application/activity+json")
        response = client.get(path, HTTP_SIGNATURE=signed["signature"], HTTP_DATE=signed["date"],
                              HTTP_ACCEPT="application/activity+json")
        assert response.status_code == 403 and "owner" in response.json()["error"]
        response = client.put(path, b"{}", content_type="application/activity+json")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
    assert client.get("/federation/actors/nobody/inbox").status_code == 404
    assert nothing_stored() and Delivery.objects.count() == 0


def test_the_inbox_verifies_under_asgi_and_from_a_running_event_loop(remote, partner, group):
    import asyncio

    from asgiref.sync import async_to_sync
    from django.test import AsyncClient, TestCase

    from federation.inbox import _run
    from federation.signing import signed_post_headers

    # The same request through Django's ASGI handler (the view runs in a worker thread).
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    body = json.dumps(follow).encode()
    signed = signed_post_headers(alice.secret(), f"http://testserver{inbox(group)}", body)
    headers = {k: v for k, v in signed.items() if k not in ("host", "content-type")}
    async def post():
        return await AsyncClient().generic("POST", inbox(group), body, content_type="application/activity+json",
                                           headers=headers)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = async_to_sync(post)()
    assert response.status_code == 202, response.content
    assert Follow.objects.get(followed=group, follower__uri=alice.uri).state == Follow.State.ACCEPTED

    # Called by code that already runs an event loop in this thread, verification still runs.
    async def answer():
        return 42

    async def inside_a_loop():
        return _run(answer())

    assert asyncio.run(inside_a_loop()) == 42
