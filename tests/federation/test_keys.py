"""Key rotation for operators: ``parvis federation_rotate_keys``, what the actor document
publishes during and after the grace period, and what a peer verifying our signatures sees."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from federation import conf, keys
from federation.actors import instance_actor, space_actor
from federation.fetch import FetchError
from federation.inbox import _verify
from federation.models import KeyPair
from federation.remote import resolve_key
from federation.signing import signed_post_headers

pytestmark = pytest.mark.django_db


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("federation_rotate_keys", *args, stdout=out)
    return out.getvalue()


def key_rows() -> list[tuple]:
    return list(KeyPair.objects.order_by("pk").values_list("key_id", "retired_at", "expires_at"))


def published(client, actor) -> list[str]:
    keys_ = client.get(f"/federation/actors/{actor.username}").json()["publicKey"]
    return [k["id"] for k in (keys_ if isinstance(keys_, list) else [keys_])]


@pytest.fixture
def group(federation_settings, space):
    return space_actor(space)


@pytest.fixture
def peer_fetches_from_us(client, monkeypatch):
    """A peer's fetcher that reads our actor documents as this instance serves them."""

    def fetch(url: str, signer=None) -> dict:
        response = client.get(url.removeprefix("http://testserver"), HTTP_ACCEPT="application/activity+json")
        if response.status_code != 200:
            raise FetchError(f"{url} answered {response.status_code}")
        return response.json()

    monkeypatch.setattr("federation.remote.fetch_json", fetch)


def test_command_rotates_and_both_keys_are_published_during_the_grace_period(client, group):
    old = keys.current_key(group)
    with time_machine.travel(timezone.now(), tick=False):
        output = rotate("--actor", group.handle)
        until = (timezone.now() + conf.RETIRED_KEY_GRACE).strftime("%Y-%m-%d %H:%M UTC")
    new = keys.current_key(group)
    assert new.key_id != old.key_id
    assert output.strip() == (f"{group.handle}: old key {old.key_id} -> new key {new.key_id}; "
                              f"the old key is published until {until}")
    old.refresh_from_db()
    assert old.expires_at == old.retired_at + conf.RETIRED_KEY_GRACE
    assert published(client, group) == [new.key_id, old.key_id]
    assert keys.signing_secret(group).key_id == new.key_id


def test_retired_key_is_published_until_its_grace_period_ends(client, group):
    old = keys.current_key(group)
    rotate("--actor", group.uri)
    old.refresh_from_db()
    new = keys.current_key(group)
    with time_machine.travel(old.expires_at - timedelta(seconds=1), tick=False):
        assert published(client, group) == [new.key_id, old.key_id]
    with time_machine.travel(old.expires_at, tick=False):
        assert published(client, group) == [new.key_id]


def test_peer_verifies_a_request_signed_with_the_retired_key_during_grace(client, group, peer_fetches_from_us):
    old_secret = keys.signing_secret(group)
    rotate("--actor", group.username)
    new_secret = keys.signing_secret(group)
    url = "https://partner.example/inbox"
    body = json.dumps({"id": f"{group.uri}/activities/1", "type": "Like", "actor": group.uri}).encode()

    def peer_verifies(secret) -> str | None:
        # What a Parvis peer's inbox does with a signature it has no cached key for.
        headers = signed_post_headers(secret, url, body)
        resolved = resolve_key(secret.key_id, refresh=True)
        assert resolved.owner == group.uri
        return _verify("POST", "/inbox", headers, body, resolved)

    # A delivery signed just before the rotation reaches the peer afterwards: it still verifies.
    assert peer_verifies(old_secret) == group.uri
    assert peer_verifies(new_secret) == group.uri
    with time_machine.travel(timezone.now() + conf.RETIRED_KEY_GRACE + timedelta(minutes=1)):
        with pytest.raises(FetchError, match="does not claim this key"):
            peer_verifies(old_secret)
        assert peer_verifies(new_secret) == group.uri


def test_dry_run_changes_nothing(client, group):
    keys.current_key(group)
    before = key_rows()
    output = rotate("--all", "--dry-run")
    assert key_rows() == before
    assert f"{group.handle}: would retire {group.keys.get().key_id}" in output
    assert output.strip().endswith("dry run: nothing changed")
    assert published(client, group) == [group.keys.get().key_id]


def test_all_rotates_every_local_actor(group):
    instance = instance_actor()
    before = {actor.pk: keys.current_key(actor).key_id for actor in (group, instance)}
    output = rotate("--all")
    for actor in (group, instance):
        assert keys.current_key(actor).key_id != before[actor.pk]
        assert actor.keys.get(key_id=before[actor.pk]).retired_at is not None
        assert f"{actor.handle}: old key {before[actor.pk]} -> new key" in output


def test_unknown_or_remote_actor_is_refused_and_nothing_changes(group, remote):
    alice = remote.actor("alice")
    from federation.remote import store_actor

    store_actor(remote.documents[alice.uri], key_id=alice.key_id, public_pem=alice.public_pem)
    before = key_rows()
    with pytest.raises(CommandError, match="no local actor 'nobody'"):
        rotate("--actor", group.handle, "--actor", "nobody")
    with pytest.raises(CommandError, match="no local actor"):
        rotate("--actor", "https://testserver.example/federation/actors/nobody")
    with pytest.raises(CommandError, match="remote actor"):
        rotate("--actor", alice.uri)
    with pytest.raises(CommandError, match="remote actor"):
        rotate("--actor", "@alice@partner.example")
    with pytest.raises(CommandError, match="--all"):
        rotate()
    with pytest.raises(CommandError, match="--all"):
        rotate("--all", "--actor", group.handle)
    assert key_rows() == before


def test_parvis_command_line_finds_it():
    # ``parvis`` hands every argument to Django's command line, which finds the command here.
    assert get_commands()["federation_rotate_keys"] == "federation"


# --- Keys of remote actors: the actor's document is the truth ---------------------------------


def _like(client, group, actor, signer=None):
    from tests.federation.conftest import signed_post

    activity = actor.activity("Like", "https://elsewhere.example/objects/1")
    return signed_post(client, f"/federation/actors/{group.username}/inbox", actor, activity,
                       secret=signer.secret() if signer else None)


def test_a_remote_key_the_actor_no_longer_lists_stops_being_accepted(client, group, remote, partner):
    from bovine.crypto import generate_rsa_public_private_key

    from tests.federation.conftest import RemoteActor

    alice = remote.actor("alice")
    assert _like(client, group, alice).status_code == 202
    # Alice's server revokes her key (a leak) and publishes a new one under another id.
    class Renewed(RemoteActor):
        @property
        def key_id(self) -> str:
            return f"{self.uri}#key-2"

    renewed = Renewed(alice.uri, *generate_rsa_public_private_key())
    remote.documents[alice.uri] = renewed.document()
    # Within the cache period the old key is still trusted from the cache...
    assert _like(client, group, alice).status_code == 202
    with time_machine.travel(timezone.now() + conf.ACTOR_CACHE + timedelta(minutes=1)):
        # ...then the document is fetched again: the old key is refused, the new one accepted.
        refused = _like(client, group, alice)
        assert refused.status_code == 401, refused.content
        assert _like(client, group, renewed).status_code == 202
    assert list(KeyPair.objects.filter(actor__uri=alice.uri).values_list("key_id", flat=True)) == [
        f"{alice.uri}#key-2"]


def test_a_remote_actor_publishing_two_keys_is_stored_with_both(client, group, remote, partner):
    """A peer in its grace period after a rotation lists its new key then its old one."""
    from bovine.crypto import generate_rsa_public_private_key

    from tests.federation.conftest import RemoteActor

    alice = remote.actor("alice")
    public_pem, private_pem = generate_rsa_public_private_key()

    class Old(RemoteActor):
        @property
        def key_id(self) -> str:
            return f"{self.uri}#old"

    old = Old(alice.uri, public_pem, private_pem)
    document = alice.document()
    document["publicKey"] = [document["publicKey"], {"id": old.key_id, "owner": alice.uri, "publicKeyPem": public_pem}]
    remote.documents[alice.uri] = document
    assert _like(client, group, old).status_code == 202
    assert _like(client, group, alice).status_code == 202
    rows = dict(KeyPair.objects.filter(actor__uri=alice.uri).values_list("key_id", "retired_at"))
    assert set(rows) == {alice.key_id, old.key_id}
    assert rows[alice.key_id] is None and rows[old.key_id] is not None
