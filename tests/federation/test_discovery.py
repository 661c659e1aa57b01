"""WebFinger, NodeInfo, host-meta, actor documents, keys and the extension context."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from federation import keys
from federation.actors import instance_actor, space_actor

pytestmark = pytest.mark.django_db


def test_webfinger_resolves_the_instance_actor_and_back(client, federation_settings):
    response = client.get("/.well-known/webfinger", {"resource": "acct:instance@testserver"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    data = response.json()
    assert data["subject"] == "acct:instance@testserver"
    href = next(link["href"] for link in data["links"] if link["rel"] == "self")
    assert href == "http://testserver/federation/actors/instance"
    actor = client.get(href.removeprefix("http://testserver"), HTTP_ACCEPT="application/activity+json")
    assert actor.status_code == 200
    assert actor["Content-Type"] == "application/activity+json"
    document = actor.json()
    assert document["id"] == href and document["type"] == "Application"
    assert document["preferredUsername"] == "instance"
    # Resolving back: the actor URL as resource gives the same account.
    back = client.get("/.well-known/webfinger", {"resource": href}).json()
    assert back["subject"] == "acct:instance@testserver"


def test_each_published_space_is_a_group(client, federation_settings, space):
    data = client.get("/.well-known/webfinger", {"resource": f"acct:{space.slug}@testserver"}).json()
    assert any(link.get("href", "").endswith(space.get_absolute_url()) for link in data["links"])
    document = client.get(f"/federation/actors/{space.slug}").json()
    assert document["type"] == "Group" and document["name"] == space.title
    assert document["followers"] == f"http://testserver/federation/actors/{space.slug}/followers"
    assert document["endpoints"]["sharedInbox"] == "http://testserver/federation/inbox"
    assert "BEGIN PUBLIC KEY" in document["publicKey"]["publicKeyPem"]
    assert document["publicKey"]["owner"] == document["id"]
    assert "http://testserver/federation/context.jsonld" in document["@context"]


def test_unpublished_space_and_unknown_accounts_are_not_found(client, federation_settings, space):
    space.is_published = False
    space.save()
    assert client.get(f"/federation/actors/{space.slug}").status_code == 404
    assert client.get("/.well-known/webfinger", {"resource": f"acct:{space.slug}@testserver"}).status_code == 404
    assert client.get("/.well-known/webfinger", {"resource": "acct:instance@elsewhere.example"}).status_code == 404
    missing = client.get("/.well-known/webfinger")
    assert missing.status_code == 400 and "resource" in missing.json()["error"]


def test_policy_off_hides_the_actors(client, federation_settings, space):
    from federation.models import Policy

    Policy.objects.create(space=space, mode=Policy.Mode.OFF)
    assert client.get(f"/federation/actors/{space.slug}").status_code == 404
    assert client.get("/federation/actors/instance").status_code == 200


def test_nodeinfo_lists_the_plugins_and_versions(client, federation_settings):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    assert links[0]["href"] == "http://testserver/nodeinfo/2.1"
    data = client.get("/nodeinfo/2.1").json()
    assert data["version"] == "2.1" and data["software"]["name"] == "parvis"
    assert data["protocols"] == ["activitypub"]
    from core import __version__

    assert {"name": "petitions", "version": __version__} in data["metadata"]["plugins"]


def test_host_meta_points_to_webfinger(client, federation_settings):
    response = client.get("/.well-known/host-meta")
    assert response["Content-Type"] == "application/xrd+xml"
    assert 'template="http://testserver/.well-known/webfinger?resource={uri}"' in response.content.decode()


def test_extension_context_defines_the_terms(client, federation_settings):
    context = client.get("/federation/context.jsonld").json()["@context"]
    assert context["parvis"] == "http://testserver/federation/ns#"
    assert context["signatureCounts"]["@id"] == "parvis:signatureCounts"


def test_private_key_is_encrypted_at_rest_and_signs(federation_settings):
    actor = instance_actor()
    key = actor.keys.get()
    assert b"ENCRYPTED PRIVATE KEY" in bytes(key.private_pem_encrypted)
    secret = keys.signing_secret(actor)
    from bovine.crypto.types import CryptographicIdentifier

    identifier = CryptographicIdentifier.from_pem(key.public_pem, actor.uri)
    assert identifier.verify("message", secret.sign("message")) == actor.uri


def test_rotation_keeps_the_old_key_published_until_it_expires(client, federation_settings, space):
    actor = space_actor(space)
    old = keys.current_key(actor)
    new = keys.rotate_key(actor)
    document = client.get(f"/federation/actors/{space.slug}").json()
    assert [k["id"] for k in document["publicKey"]] == [new.key_id, old.key_id]
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        document = client.get(f"/federation/actors/{space.slug}").json()
    assert document["publicKey"]["id"] == new.key_id
    assert keys.signing_secret(actor).key_id == new.key_id
