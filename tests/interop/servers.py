"""The servers of the interop tests, as real processes on loopback: Parvis instances, and a
fediverse server that is not Parvis (Fedify).

Each Parvis instance is a ``runserver`` subprocess with its own ``PARVIS_DATA_DIR`` (SQLite), on its
own 127.0.0.1 port, with the test-only loopback and http allowances switched on; the work of
the ``federation`` queue runs in-process (eager tasks), in the server for what it receives and
in the ``manage shell`` commands that drive the instance.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds for migrate + server start, per instance
COMMAND_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Instance:
    def __init__(self, name: str, data_dir: Path):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.domain = f"127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")},
            "PARVIS_MODE": "test", "PARVIS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "core.settings",
            "PARVIS_FEDERATION_BASE_URL": self.base, "PARVIS_BASE_URL": self.base,
            "PARVIS_FEDERATION_ALLOW_LOOPBACK": "1", "PARVIS_FEDERATION_ALLOW_HTTP": "1",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log = (data_dir / "server.log").open("wb")
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: int = COMMAND_TIMEOUT) -> str:
        done = subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{self.name}: {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def run(self, code: str) -> dict:
        """Run ``code`` in the instance's Django shell; it sets ``result`` (JSON-serialisable)."""
        script = textwrap.dedent(code) + "\nimport json as _j; print('RESULT=' + _j.dumps(result))\n"
        out = self.manage("shell", "-c", script)
        line = [row for row in out.splitlines() if row.startswith("RESULT=")][-1]
        return json.loads(line.removeprefix("RESULT="))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def start(self) -> None:
        self.manage("migrate", "--noinput", timeout=START_TIMEOUT * 2)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.name} stopped; see {self.log.name}"
            try:
                if self.get("/.well-known/nodeinfo")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} did not start within {START_TIMEOUT}s")

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


def stop_process(process: subprocess.Popen | None) -> None:
    """Terminate a server, then kill it if it does not stop within 10 s."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class FedifyPeer:
    """``tests/interop/fedify_peer.mjs``: a Person actor served by Fedify (npm ``@fedify/fedify``,
    installed by ``npm ci``), driven through its ``/_peer/`` control API."""

    SCRIPT = ROOT / "tests" / "interop" / "fedify_peer.mjs"

    def __init__(self, data_dir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.domain = f"127.0.0.1:{self.port}"
        self.actor = f"{self.base}/users/peer"
        self.log = (data_dir / "fedify.log").open("wb")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert (ROOT / "node_modules" / "@fedify" / "fedify").is_dir(), "run `npm ci` first: Fedify is missing"
        self.process = subprocess.Popen(["node", str(self.SCRIPT), str(self.port)], cwd=ROOT,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the Fedify peer stopped; see {self.log.name}"
            try:
                self.received()
                return
            except OSError:
                time.sleep(0.25)
        raise TimeoutError(f"the Fedify peer did not start within {START_TIMEOUT}s")

    def _call(self, method: str, path: str, **query: str):
        url = f"{self.base}/_peer/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(request, timeout=COMMAND_TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"Fedify peer: {path} answered {error.code}: {error.read()[:2000]!r}") from None

    def received(self) -> list[dict]:
        """The activities Fedify received and verified, in order."""
        return self._call("GET", "received")

    def command(self, path: str, **query: str) -> dict:
        return self._call("POST", path, **query)

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()
