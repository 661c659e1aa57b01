"""The Celery application: queues ``default``, ``mail`` and ``federation``, plus beat.

Embedded default: a file-based broker under the data directory, consumed by the worker that
``parvis demo`` starts. Production: Redis (``REDIS_URL`` or ``CELERY_BROKER_URL``).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("default", "mail", "federation")
]
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_plugin_tasks(sender, **kwargs) -> None:
    """Beat runs the periodic tasks every plugin declares through the ``periodic_tasks`` hook."""
    import django

    django.setup()  # idempotent; the plugin hooks are loaded in CoreConfig.ready()
    from core.plugin_host import call_each

    for _slug, tasks in call_each("periodic_tasks"):
        for task in tasks:
            sender.conf.beat_schedule[task.name] = {
                "task": task.task,
                "schedule": task.every.total_seconds(),
                "kwargs": task.kwargs,
            }


def ensure_broker_folders() -> None:
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


def worker_command(*, beat: bool = True, hostname: str = "parvis@%h") -> list[str]:
    """The command line of a worker consuming every queue (and running beat if asked)."""
    import sys

    from django.conf import settings

    command = [
        sys.executable, "-m", "celery", "-A", "core.celery", "worker",
        "--queues", ",".join(settings.TASK_QUEUES), "--pool", "solo", "--loglevel", "WARNING",
        "--hostname", hostname, "--without-mingle", "--without-gossip",
    ]
    if beat:
        command += ["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
    return command
