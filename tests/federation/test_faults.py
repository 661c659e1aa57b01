"""Faults: a peer that is down then back, a worker that dies in the middle of a delivery, the
same activity received twice. Deliveries go to real HTTP servers on loopback."""

from __future__ import annotations

import inspect
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.celery import app, worker_command
from federation import conf, delivery, tasks
from federation.actors import space_actor
from federation.models import Activity, Actor, Delivery, Follow, HostHealth
from federation.outbox import record
from federation.processing import process
from federation.signing import signed_post_headers
from tests.federation.conftest import remote_actor, signed_post

#: How long a delivery may stay ``sending`` before the dispatcher takes it back.
STUCK_AFTER = inspect.signature(delivery.release_stuck).parameters["after"].default


def free_port() -> int:
    """A loopback port where nothing listens (yet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def no_kick(monkeypatch):
    # Deliveries stay pending rows until a test sends them.
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)


def followed_group(space, origin: str) -> Actor:
    """The Group of ``space``, followed by one actor on ``origin`` (no shared inbox)."""
    group = space_actor(space)
    Follow.objects.create(follower=remote_actor(origin, "alice", shared=False), followed=group,
                          state=Follow.State.ACCEPTED)
    return group


# --- A peer down, then back ------------------------------------------------------------------


@pytest.mark.django_db
def test_peer_down_then_back_is_retried_on_schedule_and_delivered_once(start_peer, space, no_kick):
    port = free_port()
    host = f"127.0.0.1:{port}"
    group = followed_group(space, f"http://{host}")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        activity = record(group, {"type": "Create", "object": "x"}, to_followers=True)
        row = activity.deliveries.get()
        for attempt, delay in enumerate(conf.RETRY_SCHEDULE[:3], start=1):
            assert delivery.deliver(row.pk) == Delivery.State.PENDING
            row.refresh_from_db()
            assert (row.attempts, row.last_status) == (attempt, None)
            assert row.last_error.startswith("ConnectionError")
            assert row.next_attempt_at == timezone.now() + delay
            health = HostHealth.objects.get(host=host)
            assert health.consecutive_failures == attempt and health.last_failure_at == timezone.now()
            # Not due yet: neither the dispatcher nor a stray task sends it.
            assert row.pk not in delivery.due_deliveries()
            assert delivery.deliver(row.pk) == "skipped"
            clock.shift(delay)
        peer = start_peer(port)
        assert tasks.dispatch_deliveries.delay().get() == 1
        row.refresh_from_db()
        assert row.state == Delivery.State.DELIVERED and row.delivered_at == timezone.now()
    assert (row.attempts, row.last_status, row.last_error) == (4, 202, "")
    assert HostHealth.objects.get(host=host).consecutive_failures == 0
    assert peer.activity_ids() == [activity.uri]
    # Nothing is due any more: running the dispatcher again sends nothing.
    assert tasks.dispatch_deliveries.delay().get() == 0
    assert delivery.deliver(row.pk) == "skipped"
    assert peer.activity_ids() == [activity.uri]


# --- A worker killed in the middle of a delivery ---------------------------------------------


@pytest.mark.django_db
def test_delivery_left_sending_by_a_dead_worker_is_released_and_sent_once(peer, space, no_kick):
    group = followed_group(space, peer.origin)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        activity = record(group, {"type": "Create", "object": "x"}, to_followers=True)
        row = activity.deliveries.get()
        # A worker claims the delivery, then dies before sending anything.
        assert delivery.claim(row.pk) is not None
        # The same task handed to another worker sends nothing while the claim holds.
        assert delivery.deliver(row.pk) == "skipped"
        assert delivery.release_stuck() == 0
        clock.shift(STUCK_AFTER)
        assert delivery.release_stuck() == 0
        assert Delivery.objects.get(pk=row.pk).state == Delivery.State.SENDING
        assert peer.requests == []
        clock.shift(timedelta(seconds=1))
        # The dispatcher (run by beat) takes it back and sends it.
        assert tasks.dispatch_deliveries.delay().get() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == (Delivery.State.DELIVERED, 2, 202)
    assert peer.activity_ids() == [activity.uri]
    assert delivery.deliver(row.pk) == "skipped"
    assert delivery.release_stuck(now=timezone.now() + 2 * STUCK_AFTER) == 0
    assert peer.activity_ids() == [activity.uri]


@pytest.mark.django_db
def test_a_worker_that_outlived_its_claim_does_not_overwrite_the_outcome(peer, space, no_kick):
    group = followed_group(space, peer.origin)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        row = record(group, {"type": "Create", "object": "x"}, to_followers=True).deliveries.get()
        slow = delivery.claim(row.pk)  # a worker stuck on a slow peer
        clock.shift(STUCK_AFTER + timedelta(seconds=1))
        assert delivery.release_stuck() == 1
        assert delivery.deliver(row.pk) == Delivery.State.DELIVERED  # another worker
        # The first worker's request finally fails: its result changes nothing.
        delivery._failure(slow, 503, "answered 503", None, timezone.now())
        delivery._give_up(slow, 410, "refused with 410")
    row.refresh_from_db()
    assert (row.state, row.last_status, row.last_error) == (Delivery.State.DELIVERED, 202, "")


@pytest.mark.django_db
def test_a_key_that_no_longer_decrypts_is_retried_and_rotation_repairs_it(peer, space, no_kick, settings):
    from federation import keys

    group = followed_group(space, peer.origin)
    keys.current_key(group)
    settings.PARVIS_FEDERATION_KEY_SECRET = "a-new-secret-the-old-keys-were-not-encrypted-with"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        row = record(group, {"type": "Create", "object": "x"}, to_followers=True).deliveries.get()
        assert delivery.deliver(row.pk) == Delivery.State.PENDING
        row.refresh_from_db()
        assert row.state == Delivery.State.PENDING and "cannot sign" in row.last_error
        keys.rotate_key(group)  # what `parvis federation_rotate_keys` does
        clock.shift(conf.RETRY_SCHEDULE[0])
        assert delivery.deliver(row.pk) == Delivery.State.DELIVERED
    assert peer.activity_ids() == [row.activity.uri]


def test_celery_redelivers_federation_tasks_to_federation_workers(settings):
    # A task is acknowledged once it has run: a worker killed meanwhile leaves it to the broker.
    assert settings.CELERY_TASK_ACKS_LATE is True and app.conf.task_acks_late is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    for task in (tasks.dispatch_deliveries, tasks.deliver, tasks.process_inbound):
        route = app.amqp.router.route({"queue": task.queue}, task.name, (1,), {})
        assert route["queue"].name == "federation", task.name
    assert "federation" in {queue.name for queue in app.conf.task_queues}
    command = worker_command(beat=False)
    assert "federation" in command[command.index("--queues") + 1].split(",")


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _start_worker() -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "PARVIS_MODE": "test",
           "PARVIS_FEDERATION_BASE_URL": "http://testserver", "PARVIS_FEDERATION_ALLOW_LOOPBACK": "1"}
    command = worker_command(beat=False, hostname=f"faults-{uuid.uuid4().hex[:8]}@%h")
    command[command.index("--queues") + 1] = "federation"
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.terminate()
    try:
        return worker.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[1]


def _wait_for_state(pk: int, state: str, timeout: float = 60.0) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = Delivery.objects.get(pk=pk)
        if row.state == state:
            return row
        time.sleep(0.2)
    raise AssertionError(f"delivery {pk} is {row.state}, not {state}, after {timeout} s")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_sending_then_restarted_delivers(start_peer, space, no_kick):
    peer = start_peer()
    peer.hold = True  # the peer reads the POST, then keeps the worker waiting for its answer
    group = followed_group(space, peer.origin)
    activity = record(group, {"type": "Create", "object": "x"}, to_followers=True)
    row = activity.deliveries.get()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    first = second = None
    try:
        tasks.deliver.delay(row.pk)
        first = _start_worker()
        assert peer.arrived.wait(timeout=60), "the first worker did not send the delivery"
        first.kill()  # SIGKILL: no clean-up, the delivery stays claimed
        first.wait(timeout=20)
        peer.hold = False
        peer.release.set()
        assert Delivery.objects.get(pk=row.pk).state == Delivery.State.SENDING
        # Beat's next dispatcher run after the timeout; the worker's clock cannot be moved.
        assert delivery.release_stuck(now=timezone.now() + STUCK_AFTER + timedelta(seconds=1)) == 1
        second = _start_worker()
        tasks.dispatch_deliveries.delay()
        row = _wait_for_state(row.pk, Delivery.State.DELIVERED)
    finally:
        app.conf.task_always_eager = eager
        errors = [_stop(worker) for worker in (first, second) if worker is not None]
    assert first.returncode == -9
    assert (row.attempts, row.last_status) == (2, 202), errors
    # At least once: the POST cut by the kill and the one after the restart carry the same
    # activity id, which the receiver de-duplicates (an inbox answers "already received").
    assert peer.activity_ids() == [activity.uri, activity.uri]
    assert Delivery.objects.filter(activity=activity).count() == 1


# --- The same activity received twice ---------------------------------------------------------


def _inbox(actor: Actor) -> str:
    return f"/federation/actors/{actor.username}/inbox"


@pytest.fixture
def counted_likes():
    """A plugin inbound handler for ``Like`` that records every call."""
    from core.plugin_host import get_manager
    from core.plugins import hookimpl
    from federation.api import InboundHandler

    calls: list[str] = []

    class Likes:
        @staticmethod
        @hookimpl
        def federation_inbound_handlers():
            return [InboundHandler(key="likes", activity_types=("Like",),
                                   handle=lambda activity: calls.append(activity.id) or True)]

        @staticmethod
        @hookimpl
        def federation_object_types():
            return []

    manager = get_manager()
    manager.register(Likes, name="test_counted_likes")
    try:
        yield calls
    finally:
        manager.unregister(name="test_counted_likes")


@pytest.mark.django_db
def test_activity_received_at_two_inboxes_and_replayed_has_one_effect(client, remote, partner, space,
                                                                       counted_likes):
    group = space_actor(space)
    alice = remote.actor("alice")
    like = alice.activity("Like", "http://testserver/federation/objects/petitions/petition/1")
    # Servers deliver to the personal inbox and to the shared inbox, and retry after timeouts.
    answers = [signed_post(client, path, alice, like).json()["status"]
               for path in (_inbox(group), "/federation/inbox", _inbox(group))]
    assert answers == ["accepted", "already received", "already received"]
    stored = Activity.objects.get(uri=like["id"])
    assert stored.state == Activity.State.PROCESSED
    assert counted_likes == [like["id"]]
    # The processing task delivered twice by the broker (acks_late) does nothing the second time.
    assert process(stored.pk, group.pk) == "skipped"
    assert tasks.process_inbound.delay(stored.pk, group.pk).get() == "skipped"
    assert counted_likes == [like["id"]]


@pytest.mark.django_db
def test_follow_processed_twice_makes_one_follow_and_one_accept(client, remote, partner, space):
    group = space_actor(space)
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    assert signed_post(client, _inbox(group), alice, follow).json()["status"] == "accepted"
    stored = Activity.objects.get(uri=follow["id"])
    assert process(stored.pk, group.pk) == "skipped"
    assert Follow.objects.filter(followed=group).count() == 1
    assert Activity.objects.filter(direction="out", type="Accept").count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_same_activity_posted_concurrently_is_stored_once(remote, partner, space):
    # SQLite serialises writers; the sequential case is test_inbox's replay test.
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL=postgres://..."
    group = space_actor(space)
    alice = remote.actor("alice")
    follow = alice.activity("Follow", group.uri)
    body = json.dumps(follow).encode()
    barrier = threading.Barrier(2, timeout=30)
    answers: list[tuple[int, str]] = []

    def post():
        try:
            headers = signed_post_headers(alice.secret(), f"http://testserver{_inbox(group)}", body)
            extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
                     if k not in ("host", "content-type")}
            barrier.wait()
            response = Client().generic("POST", _inbox(group), body, content_type="application/activity+json",
                                        **extra)
            answers.append((response.status_code, response.json().get("status", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(answers) == [(202, "accepted"), (202, "already received")]
    assert Activity.objects.filter(uri=follow["id"]).count() == 1
    assert Follow.objects.filter(followed=group, follower__uri=alice.uri).count() == 1
    assert Activity.objects.filter(direction="out", type="Accept").count() == 1
