"""Background work really runs in another process, through the configured broker.

The default test run uses the embedded set-up (file-based broker, SQLite); the integration run
(``tox -e integration``) uses Redis and PostgreSQL started by ``.ci/run``.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from core.celery import app, worker_command
from core.models import WorkerHeartbeat
from core.tasks import ping


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(tokens: set[str], timeout: float = 60.0) -> dict[str, WorkerHeartbeat]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = {row.token: row for row in WorkerHeartbeat.objects.filter(token__in=tokens)}
        if set(rows) == tokens:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"the worker ran {len(rows)} of {len(tokens)} tasks within {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_tasks_queued_by_the_web_process_run_in_a_worker_process():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _queue_then_start_a_worker()
    finally:
        app.conf.task_always_eager = eager


def _queue_then_start_a_worker():
    tokens = {queue: uuid.uuid4().hex for queue in settings.TASK_QUEUES}
    for queue, token in tokens.items():
        ping.apply_async(kwargs={"token": token}, queue=queue)
    # Nothing has run yet: the tasks wait in the broker for a worker.
    assert not WorkerHeartbeat.objects.exists()

    env = {**os.environ, "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(
        worker_command(beat=False, hostname=f"test-{uuid.uuid4().hex[:8]}@%h"), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        rows = _wait_for(set(tokens.values()))
    finally:
        worker.terminate()
        try:
            _out, err = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            _out, err = worker.communicate()
    assert {row.worker_pid for row in rows.values()} == {worker.pid}
    assert worker.pid != os.getpid()
    assert {rows[token].queue for token in tokens.values()} == set(settings.TASK_QUEUES), err


def test_embedded_default_needs_no_broker_service():
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL == os.environ["REDIS_URL"]
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


@pytest.mark.integration
def test_integration_run_uses_redis_and_postgresql():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert connection.vendor == "postgresql"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=3)
        assert conn.transport.driver_type == "redis"


def test_periodic_tasks_from_hooks_are_scheduled():
    app.loader.import_default_modules()
    from core.celery import schedule_plugin_tasks

    schedule_plugin_tasks(app)
    entry = app.conf.beat_schedule["core.scheduler-heartbeat"]
    assert entry["task"] == "core.ping"
    assert entry["schedule"] == 300.0
