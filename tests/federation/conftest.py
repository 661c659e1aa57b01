"""A remote ActivityPub server, simulated: its actors' documents are served to our fetcher
from memory, and it signs requests to our inboxes with its own RSA keys. ``Peer`` is a real
HTTP server on loopback that our deliveries reach."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bovine.crypto import generate_rsa_public_private_key
from bovine.crypto.types import CryptographicSecret
from django.test import TestCase

from federation.fetch import FetchError
from federation.models import Actor
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


class Peer:
    """A loopback HTTP server answering each POST with the next queued status (202 when none
    is queued). ``port=0`` takes a free port. With ``hold`` set, each POST is recorded, then
    waits (bounded) until ``release`` is set before answering: a slow peer."""

    def __init__(self, port: int = 0):
        self.requests: list[tuple[str, dict, bytes]] = []
        self.answers: list[tuple[int, dict]] = []
        self.documents: dict[str, bytes] = {}
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                peer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if peer.hold:
                    peer.arrived.set()
                    peer.release.wait(timeout=30)
                status, headers = peer.answers.pop(0) if peer.answers else (202, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                body = peer.documents.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def activity_ids(self) -> list[str]:
        """The ``id`` of every activity POSTed, in arrival order (duplicates kept)."""
        return [json.loads(body)["id"] for _path, _headers, body in self.requests]

    def start(self) -> Peer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def start_peer(settings):
    """Start loopback peers (on a given port, or a free one); every one is stopped afterwards."""
    settings.PARVIS_FEDERATION_BASE_URL = "http://testserver"
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = True
    started: list[Peer] = []

    def start(port: int = 0) -> Peer:
        started.append(Peer(port).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def peer(start_peer) -> Peer:
    return start_peer()


def remote_actor(peer: Peer | str, name: str, shared: bool = True) -> Actor:
    """A remote actor on ``peer`` (or on an origin where nothing may listen yet)."""
    origin = peer if isinstance(peer, str) else peer.origin
    return Actor.objects.create(
        uri=f"{origin}/users/{name}", domain=origin.split("//")[1], kind="Person",
        inbox=f"{origin}/users/{name}/inbox", shared_inbox=f"{origin}/inbox" if shared else "",
    )
