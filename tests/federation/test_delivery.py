"""Outbox and delivery: signed POSTs to a real HTTP server on loopback, retries, Retry-After,
the circuit breaker, shared-inbox de-duplication; and the SSRF-safe fetcher."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from federation import conf, delivery
from federation.actors import space_actor
from federation.fetch import FetchError, ForbiddenAddress, address_allowed, fetch_json
from federation.models import Delivery, Follow, HostHealth
from federation.outbox import record
from tests.federation.conftest import remote_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_with_followers(peer, space):
    group = space_actor(space)
    for name in ("alice", "bob"):
        Follow.objects.create(follower=remote_actor(peer, name), followed=group, state=Follow.State.ACCEPTED)
    Follow.objects.create(follower=remote_actor(peer, "carol", shared=False), followed=group,
                          state=Follow.State.ACCEPTED)
    return group


def test_shared_inbox_gets_one_delivery_and_the_post_is_signed(peer, group_with_followers):
    from bovine.crypto import build_validate_http_signature_raw
    from bovine.crypto.types import CryptographicIdentifier

    from federation.inbox import _verify  # noqa: F401 - the same bovine check our inbox uses

    activity = record(group_with_followers, {"type": "Create", "object": {"type": "Note", "content": "Bonjour"}},
                      to_followers=True)
    inboxes = sorted(activity.deliveries.values_list("inbox", flat=True))
    assert inboxes == [f"{peer.origin}/inbox", f"{peer.origin}/users/carol/inbox"]
    for row in activity.deliveries.all():
        assert delivery.deliver(row.pk) == Delivery.State.DELIVERED
    assert len(peer.requests) == 2
    path, headers, body = peer.requests[0]
    assert json.loads(body)["id"] == activity.uri
    assert 'headers="(request-target) host date digest content-type"' in headers["signature"]
    key = group_with_followers.keys.get()
    identifier = CryptographicIdentifier.from_pem(key.public_pem, group_with_followers.uri)

    async def retrieve(key_id):
        return identifier if key_id == key.key_id else None

    async def read():
        return body

    import asyncio

    signer = asyncio.run(build_validate_http_signature_raw(retrieve)("POST", path, headers, read))
    assert signer == group_with_followers.uri
    # Delivered once: running it again sends nothing.
    assert delivery.deliver(activity.deliveries.first().pk) == "skipped"
    assert len(peer.requests) == 2


def test_failures_follow_the_retry_schedule_and_honour_retry_after(peer, group_with_followers):
    activity = record(group_with_followers, {"type": "Create", "object": "x"}, to_followers=True)
    row = activity.deliveries.get(inbox=f"{peer.origin}/inbox")
    peer.answers = [(500, {}), (503, {"Retry-After": "7200"})]
    before = timezone.now()
    assert delivery.deliver(row.pk) == Delivery.State.PENDING
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_status == 500
    assert row.next_attempt_at >= before + conf.RETRY_SCHEDULE[0]
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk) == Delivery.State.PENDING
    row.refresh_from_db()
    # Retry-After (2 h) is later than the schedule's second delay (5 min).
    assert row.next_attempt_at >= before + timedelta(hours=2)
    assert row.id not in delivery.due_deliveries()


def test_a_refusal_is_not_retried(peer, group_with_followers):
    activity = record(group_with_followers, {"type": "Create", "object": "x"}, to_followers=True)
    row = activity.deliveries.get(inbox=f"{peer.origin}/inbox")
    peer.answers = [(410, {})]
    assert delivery.deliver(row.pk) == Delivery.State.GAVE_UP


def test_schedule_exhausted_gives_up(peer, group_with_followers):
    activity = record(group_with_followers, {"type": "Create", "object": "x"}, to_followers=True)
    row = activity.deliveries.get(inbox=f"{peer.origin}/inbox")
    Delivery.objects.filter(pk=row.pk).update(attempts=len(conf.RETRY_SCHEDULE))
    peer.answers = [(500, {})]
    assert delivery.deliver(row.pk) == Delivery.State.GAVE_UP


def test_circuit_breaker_opens_after_repeated_failures(peer, group_with_followers):
    host = peer.origin.split("//")[1]
    rows = []
    for _ in range(conf.CIRCUIT_THRESHOLD):
        activity = record(group_with_followers, {"type": "Create", "object": "x"}, to_followers=True)
        rows.append(activity.deliveries.get(inbox=f"{peer.origin}/inbox"))
    peer.answers = [(500, {})] * conf.CIRCUIT_THRESHOLD
    for row in rows:
        delivery.deliver(row.pk)
    health = HostHealth.objects.get(host=host)
    assert health.consecutive_failures == conf.CIRCUIT_THRESHOLD and health.open_until > timezone.now()
    waiting = record(group_with_followers, {"type": "Create", "object": "y"}, to_followers=True)
    assert not set(waiting.deliveries.values_list("pk", flat=True)) & set(delivery.due_deliveries())
    sent = len(peer.requests)
    assert delivery.deliver(waiting.deliveries.first().pk) == Delivery.State.PENDING
    assert len(peer.requests) == sent  # nothing sent while the circuit is open
    # A success closes it.
    HostHealth.objects.filter(host=host).update(open_until=None)
    Delivery.objects.filter(activity=waiting).update(next_attempt_at=timezone.now())
    delivery.deliver(waiting.deliveries.first().pk)
    assert HostHealth.objects.get(host=host).consecutive_failures == 0


def test_dispatcher_task_sends_due_deliveries(peer, group_with_followers):
    from federation.tasks import dispatch_deliveries

    activity = record(group_with_followers, {"type": "Create", "object": "x"}, to_followers=True)
    assert dispatch_deliveries.delay().get() == 2
    assert set(activity.deliveries.values_list("state", flat=True)) == {Delivery.State.DELIVERED}


def test_private_addresses_are_refused(settings):
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = False
    for ip in ("10.0.0.1", "192.168.1.1", "172.16.0.1", "169.254.169.254", "127.0.0.1", "::1",
               "::ffff:10.0.0.1", "fc00::1", "100.64.0.1", "0.0.0.0", "224.0.0.1"):
        assert not address_allowed(ip), ip
    assert address_allowed("93.184.216.34")
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = True
    assert address_allowed("127.0.0.1") and not address_allowed("10.0.0.1")


def test_fetcher_refuses_loopback_unless_allowed(peer, settings):
    peer.documents["/users/dora"] = json.dumps({"id": "x", "type": "Person"}).encode()
    assert fetch_json(f"{peer.origin}/users/dora")["type"] == "Person"
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = False
    settings.PARVIS_FEDERATION_ALLOW_HTTP = True
    with pytest.raises(ForbiddenAddress):
        fetch_json(f"{peer.origin}/users/dora")
    with pytest.raises(ForbiddenAddress):
        fetch_json(f"http://localhost:{peer.server.server_address[1]}/users/dora")
    settings.PARVIS_FEDERATION_ALLOW_HTTP = False
    with pytest.raises(FetchError, match="plain http"):
        fetch_json("http://partner.example/users/dora")


def test_fetcher_limits_size_and_refuses_non_objects(peer):
    peer.documents["/big"] = b'{"a": "' + b"x" * (conf.MAX_FETCH_BYTES + 10) + b'"}'
    peer.documents["/list"] = b"[1, 2]"
    with pytest.raises(FetchError, match="too large"):
        fetch_json(f"{peer.origin}/big")
    with pytest.raises(FetchError, match="not a JSON object"):
        fetch_json(f"{peer.origin}/list")
    with pytest.raises(FetchError, match="404"):
        fetch_json(f"{peer.origin}/missing")


def test_followers_on_blocked_domains_get_no_delivery(peer, space):
    from federation.models import Actor, DomainRule

    group = space_actor(space)
    Follow.objects.create(follower=remote_actor(peer, "alice", shared=False), followed=group,
                          state=Follow.State.ACCEPTED)
    for domain in ("bad.example", "fine.example"):
        follower = Actor.objects.create(uri=f"https://{domain}/users/x", domain=domain, kind="Person",
                                        inbox=f"https://{domain}/users/x/inbox")
        Follow.objects.create(follower=follower, followed=group, state=Follow.State.ACCEPTED)
    DomainRule.objects.create(domain="BAD.example", kind=DomainRule.Kind.BLOCK)
    activity = record(group, {"type": "Create", "object": "x"}, to_followers=True)
    assert sorted(activity.deliveries.values_list("host", flat=True)) == sorted(["fine.example", peer.origin.split("//")[1]])
