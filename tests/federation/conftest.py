"""A remote ActivityPub server, simulated: its actors' documents are served to our fetcher
from memory, and it signs requests to our inboxes with its own RSA keys."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest
from bovine.crypto import generate_rsa_public_private_key
from bovine.crypto.types import CryptographicSecret
from django.test import TestCase

from federation.fetch import FetchError
from federation.signing import signed_post_headers

REMOTE = "https://partner.example"


@dataclass
class RemoteActor:
    uri: str
    public_pem: str
    private_pem: str
    shared_inbox: str = f"{REMOTE}/inbox"

    @property
    def key_id(self) -> str:
        return f"{self.uri}#main-key"

    def document(self) -> dict:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.uri, "type": "Person", "preferredUsername": self.uri.rsplit("/", 1)[1],
            "inbox": f"{self.uri}/inbox", "endpoints": {"sharedInbox": self.shared_inbox},
            "publicKey": {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_pem},
        }

    def secret(self) -> CryptographicSecret:
        return CryptographicSecret.from_pem(self.key_id, self.private_pem)

    def activity(self, type_: str, obj, **extra) -> dict:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{REMOTE}/activities/{uuid.uuid4()}", "type": type_, "actor": self.uri,
                "object": obj, **extra}


@dataclass
class Remote:
    documents: dict[str, dict] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def actor(self, name: str, host: str = REMOTE) -> RemoteActor:
        public_pem, private_pem = generate_rsa_public_private_key()
        actor = RemoteActor(f"{host}/users/{name}", public_pem, private_pem, shared_inbox=f"{host}/inbox")
        self.documents[actor.uri] = actor.document()
        return actor

    def fetch(self, url: str, signer=None) -> dict:
        self.fetched.append(url)
        if url not in self.documents:
            raise FetchError(f"{url} answered 404")
        return self.documents[url]


@pytest.fixture
def federation_settings(settings):
    settings.PARVIS_FEDERATION_BASE_URL = "http://testserver"
    return settings


@pytest.fixture
def remote(monkeypatch, federation_settings) -> Remote:
    fake = Remote()
    monkeypatch.setattr("federation.remote.fetch_json", fake.fetch)
    # Deliveries stay pending rows here (tests/federation/test_delivery.py sends them).
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    return fake


@pytest.fixture
def partner(db):
    """partner.example is a partner of this instance (the default policy is an allowlist)."""
    from federation.models import DomainRule

    return DomainRule.objects.create(domain="partner.example", kind=DomainRule.Kind.ALLOW)


def signed_post(client, path: str, actor: RemoteActor, activity: dict | bytes, *, headers=None,
                body: bytes | None = None, secret=None):
    """POST ``activity`` to ``path`` signed by ``actor`` (or ``secret``); ``body`` replaces the
    body after signing (to alter it), ``headers`` override signed headers."""
    payload = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    signed = signed_post_headers(secret or actor.secret(), f"http://testserver{path}", payload)
    signed.update(headers or {})
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items() if k not in ("host", "content-type")}
    # The inbound activity is processed after the commit, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.generic("POST", path, body if body is not None else payload,
                              content_type="application/activity+json", **extra)
