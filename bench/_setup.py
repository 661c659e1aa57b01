"""Shared set-up for benchmarks: a throw-away instance in a temporary data directory."""

from __future__ import annotations

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


def started(process: subprocess.Popen, port: int, name: str, *, timeout: float = 30) -> subprocess.Popen:
    """``process`` (started in its own session) once it accepts connections on ``port``; stopped
    and an error raised if it does not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{name} did not start")


def stop(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """SIGTERM to the process group, SIGKILL after ``timeout`` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
