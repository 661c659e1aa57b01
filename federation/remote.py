"""Remote actors and their keys: resolved through the SSRF-safe fetcher, cached only once an
activity they signed has passed every check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.utils import timezone

from federation import conf
from federation.fetch import FetchError, fetch_json
from federation.models import Actor, KeyPair

ACTOR_TYPES = {"Person", "Group", "Application", "Service", "Organization"}


def fetch_signed(url: str) -> dict[str, Any]:
    """GET a remote document signed by our instance actor: servers in "authorized fetch" mode
    (Mastodon's secure mode) answer only signed requests. Raises :class:`FetchError`."""
    from federation import keys
    from federation.actors import instance_actor

    return fetch_json(url, signer=keys.signing_secret(instance_actor()))


def host_of(uri: str) -> str:
    return (urlsplit(uri).netloc or "").lower()


@dataclass
class ResolvedKey:
    key_id: str
    owner: str
    public_pem: str
    cached: KeyPair | None = None
    actor_document: dict[str, Any] | None = field(default=None, repr=False)


def _keys_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    keys = document.get("publicKey")
    if isinstance(keys, dict):
        keys = [keys]
    return [k for k in keys or [] if isinstance(k, dict)]


def _key_in(document: dict[str, Any], key_id: str) -> dict[str, Any] | None:
    return next((k for k in _keys_of(document) if k.get("id") == key_id
                 and isinstance(k.get("publicKeyPem"), str)), None)


def check_actor_document(document: dict[str, Any], expected_id: str) -> None:
    if document.get("id") != expected_id:
        raise FetchError("the actor document has another id")
    if document.get("type") not in ACTOR_TYPES:
        raise FetchError("the document is not an actor")
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or host_of(inbox) != host_of(expected_id):
        raise FetchError("the actor's inbox is missing or on another host")


def _still_trusted(key: KeyPair) -> bool:
    """A cached key is used while its actor's document was fetched less than
    ``conf.ACTOR_CACHE`` ago; after that the document is fetched again, so that a key the actor
    no longer lists (rotated, or revoked after a leak) stops being accepted."""
    now = timezone.now()
    if key.expires_at is not None and key.expires_at <= now:
        return False
    fetched = key.actor.fetched_at
    return fetched is not None and now - fetched < conf.ACTOR_CACHE


def resolve_key(key_id: str, *, refresh: bool = False) -> ResolvedKey:
    """The public key ``key_id`` and the actor that owns it (the owner's document must list
    the key). Raises :class:`FetchError`."""
    if not refresh:
        cached = (KeyPair.objects.select_related("actor").filter(key_id=key_id, actor__is_local=False).first())
        if cached and _still_trusted(cached):
            return ResolvedKey(key_id, cached.actor.uri, cached.public_pem, cached=cached)
    url, _fragment = urldefrag(key_id)
    document = fetch_signed(url)
    if document.get("type") in ACTOR_TYPES:
        owner, actor_document = document.get("id"), document
    else:
        # A key document: follow its owner, whose own document must list the key.
        owner = document.get("owner") or document.get("controller")
        if not isinstance(owner, str):
            raise FetchError("the key has no owner")
        actor_document = fetch_signed(owner)
    if not isinstance(owner, str) or host_of(owner) != host_of(key_id):
        raise FetchError("the key and its owner are on different hosts")
    check_actor_document(actor_document, owner)
    key = _key_in(actor_document, key_id)
    if key is None or key.get("owner", owner) != owner:
        raise FetchError("the actor does not claim this key")
    return ResolvedKey(key_id, owner, key["publicKeyPem"], actor_document=actor_document)


def remember(resolved: ResolvedKey) -> Actor:
    """Cache the actor and key of a verified signature (called after every check passed)."""
    if resolved.cached is not None and resolved.actor_document is None:
        return resolved.cached.actor
    return store_actor(resolved.actor_document, key_id=resolved.key_id, public_pem=resolved.public_pem)


def store_actor(document: dict[str, Any], *, key_id: str = "", public_pem: str = "") -> Actor:
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox") if isinstance(endpoints.get("sharedInbox"), str) else ""
    if shared and host_of(shared) != host_of(document["id"]):
        shared = ""
    username = document.get("preferredUsername")
    actor, _created = Actor.objects.update_or_create(
        uri=document["id"], is_local=False,
        defaults={
            "kind": document["type"], "domain": host_of(document["id"]),
            "username": username[:100] if isinstance(username, str) else "",
            "name": str(document.get("name") or "")[:200], "inbox": document["inbox"],
            "shared_inbox": shared, "document": document, "fetched_at": timezone.now(),
        },
    )
    listed = {key["id"]: key["publicKeyPem"] for key in _keys_of(document)
              if isinstance(key.get("id"), str) and isinstance(key.get("publicKeyPem"), str)
              and host_of(key["id"]) == actor.domain}
    if key_id and public_pem:
        listed.setdefault(key_id, public_pem)
    # The document is the truth: a key it no longer lists is no longer accepted. The first key
    # listed is the actor's current one; the others are kept as retired (still accepted).
    actor.keys.exclude(key_id__in=list(listed)).delete()
    now = timezone.now()
    actor.keys.update(retired_at=now)
    for position, (listed_id, pem) in enumerate(listed.items()):
        KeyPair.objects.update_or_create(
            key_id=listed_id,
            defaults={"actor": actor, "public_pem": pem, "retired_at": None if position == 0 else now},
        )
    return actor


def remote_actor(uri: str) -> Actor:
    """A remote actor from the cache, fetched again when stale. Raises :class:`FetchError`."""
    actor = Actor.objects.filter(uri=uri, is_local=False).first()
    if actor and actor.fetched_at and timezone.now() - actor.fetched_at < conf.ACTOR_CACHE:
        return actor
    document = fetch_signed(uri)
    check_actor_document(document, uri)
    return store_actor(document)
