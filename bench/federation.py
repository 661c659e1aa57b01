"""Federation: publishing to 1,000 followers, delivering signed activities, verifying inbound ones.

Each measure goes through the real code and has its baseline beside it, in the same run:

1. publishing: ``outbox.record`` of a space Group's ``Create`` to its followers (1,000 remote
   actors on 500 hosts, one shared inbox per host) in the caller's transaction, the dispatcher
   kicked on commit. Target: <= 200 ms, with exactly 500 Delivery rows (checked). Baseline: a
   bare ``bulk_create`` of 500 Delivery rows.
2. delivery: ``delivery.deliver`` (claim, signature with the Group's key, POST, new state) to a
   loopback inbox server in another process answering 202, with one worker, then with two
   worker processes. Target: >= 50 signed activities/s. Baseline: unsigned ``requests.post``
   of the same body to the same server.
3. inbound: ``inbox.receive`` of distinct signed ``Create`` activities from a remote actor
   whose key is cached, from a partner domain. Target: >= 50/s. Baseline: ``json.loads``, the
   digest and one RSA verification (cryptography) of the same requests; bovine's validation
   alone is printed too.

Usage: ``python bench/federation.py [--deliveries 300] [--inbound 300]``. SQLite always, and
PostgreSQL too when ``DATABASE_URL`` is set (each database in its own process: Django is set up
once per process). Exits non-zero when a publication does not make exactly 500 deliveries, or
when a delivery or an inbound activity is not accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _setup import django_instance, free_port, report, started, stop, timed

FOLLOWERS = 1000
HOSTS = 500
BASE_URL = "http://parvis.test"
REMOTE = "https://remote.test"
NOTE = "Le conseil de quartier se réunit jeudi à 19 h à la maison des associations. " * 6


def serve_inbox(port: int) -> None:
    """Remote inboxes on loopback: every POST is read and answered 202; ``GET /count`` says
    how many signed and unsigned POSTs arrived."""
    counts = {"signed": 0, "unsigned": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                counts["signed" if "Signature" in self.headers else "unsigned"] += 1
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            body = json.dumps(counts).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    server.server_close()


def start_inbox_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-inbox", str(port)], start_new_session=True
    )
    return started(process, port, "the inbox server", timeout=15)


def new_group(tag: str, name: str):
    """The Group of a new published space (slugs carry ``tag``: a database may be reused)."""
    from core.models import Organisation, Space
    from federation.actors import space_actor

    commune = Organisation.objects.create(name=f"Bench {tag} {name}", slug=f"bench-{tag}-{name}")
    space = Space.objects.create(slug=f"{name}-{tag}", title=f"Bench {name}", is_published=True)
    space.organisations.add(commune)
    return space_actor(space)


def note(group) -> dict:
    from django.utils import timezone

    from federation.documents import PUBLIC
    from federation.outbox import followers_url

    return {
        "type": "Create",
        "object": {
            "id": f"{group.uri}/notes/{uuid.uuid4()}",
            "type": "Note",
            "attributedTo": group.uri,
            "content": NOTE,
        },
        "published": timezone.now().isoformat(),
        "to": [PUBLIC],
        "cc": [followers_url(group)],
    }


def publishing(tag: str) -> bool:
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from federation.models import Actor, Delivery, Follow
    from federation.outbox import record

    group = new_group(tag, "publication")
    followers = Actor.objects.bulk_create(
        Actor(
            uri=f"https://h{i % HOSTS}.test/users/{tag}-{i}",
            domain=f"h{i % HOSTS}.test",
            kind=Actor.Kind.PERSON,
            inbox=f"https://h{i % HOSTS}.test/users/{tag}-{i}/inbox",
            shared_inbox=f"https://h{i % HOSTS}.test/inbox",
        )
        for i in range(FOLLOWERS)
    )
    Follow.objects.bulk_create(
        Follow(follower=f, followed=group, state=Follow.State.ACCEPTED) for f in followers
    )
    published = []

    def publish():
        with transaction.atomic():  # the caller's transaction; the dispatcher is kicked on commit
            published.append(record(group, note(group), to_followers=True))

    measured = timed(publish)
    counts = dict(
        Delivery.objects.filter(activity__in=published)
        .values("activity")
        .annotate(n=Count("pk"))
        .values_list("activity", "n")
    )
    wrong = [a.pk for a in published if counts.get(a.pk) != HOSTS]
    rows = counts.get(published[-1].pk, 0)

    batch = iter(range(10**9))

    def bare_rows():
        n, now = next(batch), timezone.now()
        with transaction.atomic():
            Delivery.objects.bulk_create(
                Delivery(
                    activity=published[0],
                    inbox=f"https://b{i}.test/inbox/{n}",
                    host=f"b{i}.test",
                    next_attempt_at=now,
                )
                for i in range(HOSTS)
            )

    baseline = timed(bare_rows)
    report(
        f"publishing one activity to {FOLLOWERS:,} followers on {HOSTS} hosts (record, to_followers)",
        measured,
        baseline,
        f"bare bulk_create of {HOSTS} Delivery rows",
    )
    verdict = "met" if measured <= 0.2 else "MISSED"
    print(
        f"  {rows} Delivery rows per publication (expected {HOSTS}, {len(published)} publications, "
        f"{len(wrong)} wrong); {measured * 1000:.0f} ms (target <= 200 ms): {verdict}"
    )
    return not wrong


def deliver_many(ids: list[int]) -> list[str]:
    from federation.delivery import deliver

    return [deliver(pk) for pk in ids]


def delivering(tag: str, count: int) -> bool:
    import requests
    from django.db import connections

    from federation import conf
    from federation.models import Actor, Delivery
    from federation.outbox import record
    from federation.signing import CONTENT_TYPE

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    server = start_inbox_server(port)
    try:
        group = new_group(tag, "livraison")
        recipients = Actor.objects.bulk_create(
            Actor(
                uri=f"{origin}/users/{tag}-{i}",
                domain=f"127.0.0.1:{port}",
                kind=Actor.Kind.PERSON,
                inbox=f"{origin}/users/{tag}-{i}/inbox",
            )
            for i in range(count)
        )

        def scheduled(to: list) -> tuple[list[int], bytes]:
            activity = record(group, note(group), recipients=to)
            body = json.dumps(activity.payload, separators=(",", ":")).encode()
            return list(activity.deliveries.values_list("pk", flat=True)), body

        warm_up, _ = scheduled(recipients[:5])
        deliver_many(warm_up)

        ids, body = scheduled(recipients)
        start = time.perf_counter()
        states = deliver_many(ids)
        one_worker = len(ids) / (time.perf_counter() - start)

        ids_two, _ = scheduled(recipients)
        connections.close_all()  # the forked workers open their own connections
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pool.map(len, [[], []])  # both workers are up before timing
            start = time.perf_counter()
            halves = pool.map(deliver_many, [ids_two[0::2], ids_two[1::2]])
            two_workers = len(ids_two) / (time.perf_counter() - start)
        states += [state for half in halves for state in half]

        inboxes = [r.inbox for r in recipients]
        start = time.perf_counter()
        for inbox in inboxes:
            response = requests.post(
                inbox, data=body, headers={"Content-Type": CONTENT_TYPE}, timeout=conf.TIMEOUT
            )
            assert response.status_code == 202, response.status_code
        unsigned = len(inboxes) / (time.perf_counter() - start)
        received = requests.get(f"{origin}/count", timeout=conf.TIMEOUT).json()
    finally:
        stop(server)

    delivered = Delivery.objects.filter(
        pk__in=ids + ids_two, state=Delivery.State.DELIVERED
    ).count()
    print(
        f"signed delivery (deliver: claim, sign, POST, state), 1 worker: {one_worker:.0f}/s "
        f"({1000 / one_worker:.1f} ms each) | unsigned requests.post of the same body: "
        f"{unsigned:.0f}/s ({1000 / unsigned:.1f} ms) | ratio {unsigned / one_worker:.1f}x"
    )
    verdict = "met" if two_workers >= 50 else "MISSED"
    print(
        f"  2 worker processes: {two_workers:.0f}/s (target >= 50/s): {verdict}; "
        f"{delivered} of {2 * len(ids)} delivered, the server received {received['signed']} "
        f"signed and {received['unsigned']} unsigned POSTs"
    )
    return (
        delivered == 2 * len(ids)
        and states.count("delivered") == 2 * len(ids)
        and received["signed"] == 2 * len(ids) + len(warm_up)
    )


def inbound(tag: str, count: int) -> bool:
    from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
    from bovine.crypto.signature import Signature
    from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from django.utils import timezone

    from federation import conf, inbox
    from federation.models import Activity, Actor, DomainRule, KeyPair
    from federation.signing import signed_post_headers

    public_pem, private_pem = generate_rsa_public_private_key()
    uri = f"{REMOTE}/users/{tag}"
    actor = Actor.objects.create(
        uri=uri,
        domain="remote.test",
        kind=Actor.Kind.PERSON,
        inbox=f"{uri}/inbox",
        shared_inbox=f"{REMOTE}/inbox",
        fetched_at=timezone.now(),
    )
    key = KeyPair.objects.create(actor=actor, key_id=f"{uri}#main-key", public_pem=public_pem)
    DomainRule.objects.get_or_create(domain="remote.test", defaults={"kind": DomainRule.Kind.ALLOW})
    group = new_group(tag, "reception")
    path = f"/federation/actors/{group.username}/inbox"
    secret = CryptographicSecret.from_pem(key.key_id, private_pem)

    def signed(n: int) -> list[tuple[dict, bytes]]:
        prepared = []
        for _ in range(n):
            body = json.dumps(
                {
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": f"{REMOTE}/activities/{uuid.uuid4()}",
                    "type": "Create",
                    "actor": uri,
                    "object": {
                        "id": f"{REMOTE}/notes/{uuid.uuid4()}",
                        "type": "Note",
                        "attributedTo": uri,
                        "content": NOTE,
                    },
                }
            ).encode()
            prepared.append((signed_post_headers(secret, BASE_URL + path, body), body))
        return prepared

    def receive_all(prepared) -> list[int]:
        return [
            inbox.receive(
                method="POST", url=path, host=conf.domain(), headers=h, body=b, target=group
            ).status
            for h, b in prepared
        ]

    receive_all(signed(5))
    batch = signed(count)
    inbound_rows = Activity.objects.filter(actor=actor, direction=Activity.Direction.INBOX)
    before = inbound_rows.count()
    start = time.perf_counter()
    statuses = receive_all(batch)
    measured = count / (time.perf_counter() - start)
    stored = inbound_rows.count() - before

    public_key = serialization.load_pem_public_key(public_pem.encode())

    def bare(headers: dict, body: bytes) -> None:
        json.loads(body)
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert headers["digest"] == f"SHA-256={digest}"
        signature = Signature.from_signature_header(headers["signature"])
        lines = [
            f"{name}: {f'post {path}' if name == '(request-target)' else headers[name]}"
            for name in signature.fields
        ]
        public_key.verify(
            base64.b64decode(signature.signature),
            "\n".join(lines).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )

    start = time.perf_counter()
    for headers, body in batch:
        bare(headers, body)
    baseline = count / (time.perf_counter() - start)

    identifier = CryptographicIdentifier.from_pem(public_pem, uri)

    async def retrieve(key_id: str):
        return identifier

    def validate(headers: dict, body: bytes):
        async def read_body():
            return body

        validator = build_validate_http_signature_raw(retrieve)
        return asyncio.run(validator("POST", path, headers, read_body))

    start = time.perf_counter()
    valid = [validate(h, b) for h, b in batch]
    bovine_alone = count / (time.perf_counter() - start)

    print(
        f"inbound activities verified and stored (inbox.receive): {measured:.0f}/s "
        f"({1000 / measured:.1f} ms each) | json.loads + digest + bare RSA verify: "
        f"{baseline:.0f}/s ({1000 / baseline:.2f} ms) | ratio {baseline / measured:.1f}x"
    )
    verdict = "met" if measured >= 50 else "MISSED"
    print(
        f"  bovine validation alone: {bovine_alone:.0f}/s; {statuses.count(202)} of {count} "
        f"answered 202, {stored} stored (target >= 50/s): {verdict}"
    )
    return statuses.count(202) == count and stored == count and valid.count(uri) == count


def measure(args) -> int:
    os.environ["PARVIS_FEDERATION_BASE_URL"] = BASE_URL
    os.environ["PARVIS_FEDERATION_ALLOW_LOOPBACK"] = "1"
    os.environ["PARVIS_FEDERATION_ALLOW_HTTP"] = "1"
    django_instance()
    from django.db import connection

    print(f"database: {connection.vendor}", flush=True)
    tag = uuid.uuid4().hex[:8]
    ok = publishing(tag)
    ok = delivering(tag, args.deliveries) and ok
    ok = inbound(tag, args.inbound) and ok
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--inbound", type=int, default=300)
    parser.add_argument("--serve-inbox", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", choices=["sqlite", "url"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_inbox:
        serve_inbox(args.serve_inbox)
        return
    if args.database:
        sys.exit(measure(args))
    runs = [("sqlite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        runs.append(("url", dict(os.environ)))
    failed = 0
    for database, env in runs:
        command = [sys.executable, __file__, "--database", database]
        command += ["--deliveries", str(args.deliveries), "--inbound", str(args.inbound)]
        failed += subprocess.call(command, env=env) != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
