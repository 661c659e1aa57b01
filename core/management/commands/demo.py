"""``parvis demo``: a complete demo instance on SQLite, with its background worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.celery import worker_command
from core.demo import ensure_admin, load_demo, serve_at

#: How long the worker may take to finish its task and stop before it is killed.
WORKER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Start a demo instance: SQLite, demo data, an administrator, web server and worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database and data, then exit."
        )
        parser.add_argument(
            "--reset-password", action="store_true",
            help="Give the administrator a new password (later runs keep it otherwise).",
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, reset_password: bool, **options):
        if not no_serve:
            _check_can_listen(host, port)  # before anything is started or changed
        self.stdout.write(f"Parvis demo — data in {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        login = ensure_admin(reset_password=reset_password)
        base = serve_at(host, port)  # before the data: it stores some of its addresses
        created = load_demo()
        if created:
            self.stdout.write("Demo data loaded: Saint-Aubin-des-Prés and Collectif Santé Environnement.")
        if os.environ.get("PARVIS_BASE_URL", base) != base:
            self.stdout.write(f"PARVIS_BASE_URL={os.environ['PARVIS_BASE_URL']} is replaced by {base} "
                              "(the demo's links follow --host and --port).")
        if login.password is None:
            password = ("unchanged, and changed since the demo made it: "
                        "`parvis demo --reset-password` gives a new one")
        elif login.is_new:
            password = f"{login.password}  (new)"
        else:
            password = f"{login.password}  (unchanged; `parvis demo --reset-password` gives a new one)"
        mail = getattr(settings, "EMAIL_FILE_PATH", None)
        self.stdout.write(self.style.SUCCESS(
            f"\n  Site:   {base}/\n  Admin:  {base}/admin/\n"
            f"  Login:  {login.email}\n  Password: {password}\n"
            + (f"  Mail sent by the demo is written to {mail}\n" if mail else "")
        ))
        if no_serve:
            return
        self._serve(host, port, base)

    def _serve(self, host: str, port: int, base: str) -> None:
        """Run the web server with the worker beside it; whatever ends the server (Ctrl-C,
        SIGTERM, SIGHUP, an error) stops the worker and its scheduler too."""
        handled = (signal.SIGTERM, signal.SIGHUP)
        previous = {signum: signal.signal(signum, _exit_on_signal) for signum in handled}
        worker = None
        try:
            worker = _start_worker(base)
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                _stop_worker(worker)
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _check_can_listen(host: str, port: int) -> None:
    """Fail with one clear line when the server could not listen (the development server would
    end the whole process without cleaning up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port} ({exc.strerror}): "
                               "choose another port with --port, or stop what uses it.") from None


def _exit_on_signal(signum, _frame) -> None:
    # Leaves the server's loop through the ``finally`` blocks, which stop the worker.
    raise SystemExit(128 + signum)


def _start_worker(base: str) -> subprocess.Popen:
    """The Celery worker with its embedded scheduler (a child process of the worker), in a
    process group of their own: the demo stops them together, and Ctrl-C in the terminal
    reaches the demo only, which then stops them in order."""
    return subprocess.Popen(
        worker_command(), env={**os.environ, "PARVIS_MODE": "demo", "PARVIS_BASE_URL": base},
        start_new_session=True, preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
    )


def _stop_with_parent() -> None:
    """In the worker, before it starts (Linux): SIGTERM when the demo's process ends, however
    it ends (even killed)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM to the worker's group (the worker finishes its task, then stops), SIGKILL to
    whatever of the group is left after ``WORKER_STOP_SECONDS``."""
    try:
        os.killpg(worker.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    while time.monotonic() < deadline and _group_alive(worker.pid):
        worker.poll()  # reaps the worker once it exits, so that it no longer counts
        time.sleep(0.1)
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
