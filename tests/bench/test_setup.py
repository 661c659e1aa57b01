"""The benchmarks' shared helpers: a server counts as started once it answers HTTP, not once
its port is open (gunicorn opens the port long before a worker can answer)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from bench._setup import ServerDidNotStart, free_port, started, stop

#: A server that listens at once and answers HTTP only after ``delay`` seconds (never if < 0).
SLOW_SERVER = """
import http.server, socket, sys, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", port))
sock.listen(16)
time.sleep(delay if delay >= 0 else 3600)

class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

server = http.server.HTTPServer(("127.0.0.1", port), Answer, bind_and_activate=False)
server.socket = sock
server.serve_forever()
"""


def start_slow_server(port: int, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SLOW_SERVER, str(port), str(delay)], start_new_session=True)


def test_a_server_counts_as_started_once_it_answers_http():
    port = free_port()
    process = started(start_slow_server(port, 3), port, "the slow server", timeout=60)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            assert response.status == 200 and response.read() == b"ok"
    finally:
        stop(process)


def test_a_server_that_never_answers_is_stopped_with_a_clear_error():
    port = free_port()
    process = start_slow_server(port, -1)
    begun = time.monotonic()
    with pytest.raises(ServerDidNotStart, match=rf"the mute server did not answer HTTP on 127.0.0.1:{port} within 3 s"):
        started(process, port, "the mute server", timeout=3)
    assert time.monotonic() - begun < 15
    assert process.poll() is not None  # stopped


def test_a_server_that_exits_is_reported_at_once_with_its_exit_code():
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True)
    begun = time.monotonic()
    with pytest.raises(ServerDidNotStart, match="exited with code 3"):
        started(process, free_port(), "the broken server", timeout=60)
    assert time.monotonic() - begun < 30
