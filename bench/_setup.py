"""Shared set-up for benchmarks: a throw-away instance in a temporary data directory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def django_instance() -> Path:
    """Configure Django on a fresh SQLite database (or DATABASE_URL) and migrate it."""
    data = Path(tempfile.mkdtemp(prefix="parvis-bench-"))
    os.environ.setdefault("PARVIS_MODE", "demo")
    os.environ["PARVIS_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return data


def timed(function: Callable[[], object], *, repeat: int = 20) -> float:
    """Median wall time of ``function`` in seconds, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(name: str, measured: float, baseline: float, baseline_name: str) -> None:
    print(f"{name}: {measured * 1000:.1f} ms | {baseline_name}: {baseline * 1000:.1f} ms | "
          f"ratio {measured / baseline:.1f}x")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    """A server that exited, or did not answer HTTP in time (it has been stopped)."""


def started(process: subprocess.Popen, port: int, name: str, *, timeout: float = 60,
            path: str = "/", host: str = "localhost") -> subprocess.Popen:
    """``process`` (started in its own session) once it answers an HTTP request for ``path``
    on ``port``, whatever the status: an open port is not enough (gunicorn opens it before its
    workers have loaded the application, which takes seconds on a loaded machine). Stopped,
    and :class:`ServerDidNotStart` raised, if it exits or does not answer within ``timeout``
    seconds."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            raise ServerDidNotStart(f"{name} exited with code {process.returncode} before answering HTTP "
                                    f"on 127.0.0.1:{port}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=remaining)
        try:
            connection.request("GET", path, headers={"Host": host})
            connection.getresponse().read()
            return process
        except (OSError, http.client.HTTPException):
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        finally:
            connection.close()
    stop(process)
    raise ServerDidNotStart(f"{name} did not answer HTTP on 127.0.0.1:{port} within {timeout:g} s")


def stop(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """SIGTERM to the process group, SIGKILL after ``timeout`` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
