"""``parvis demo``: where its links point, what it does to the administrator's password, and
that stopping it stops everything it started."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from core.demo import ADMIN_EMAIL, serve_at
from core.models import Component, Organisation, User
from federation.models import Activity
from plugins.petitions import services as petitions
from plugins.petitions import tasks as petition_tasks
from plugins.petitions.models import PetitionSettings


def run_demo_setup(port: int, **options) -> str:
    """``parvis demo --no-serve --port <port>`` in this process; returns what it printed."""
    out = io.StringIO()
    call_command("demo", no_serve=True, port=port, stdout=out, **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    return output.split("Password:")[1].split()[0]


@pytest.fixture
def demo_settings(db, settings, tmp_path, monkeypatch):
    """The demo's data directory in ``tmp_path``; whatever the command changes in the settings
    is undone after the test (pytest-django's ``settings`` fixture)."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(petition_tasks, "_woken_at", float("-inf"))
    return settings


def _confirmation_link(space, port: int, django_capture_on_commit_callbacks) -> str:
    """Sign a petition of ``space`` and return the link of the confirmation e-mail."""
    admin = User.objects.get(email=ADMIN_EMAIL)
    box = Component.objects.create(phase=space.phases.order_by("sort_order").first(),
                                   component_type="petitions.petition_box", title=f"Pétitions {port}")
    PetitionSettings.objects.create(component=box, sponsors_required=2, answer_threshold=50, debate_threshold=300)
    petition = petitions.create_petition(box, author=admin, title=f"Une pétition {port}", text="Texte.",
                                         on_behalf_of_organisation=True)
    address = f"signataire-{port}@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        petitions.sign(petition, name="Léa", email=address)
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"https?://\S+/petitions/confirm/\S+/", message.body).group(0)


def test_the_demos_links_follow_its_port_on_the_first_run_and_on_later_ones(
        demo_settings, django_capture_on_commit_callbacks):
    client = Client()
    for port in (8765, 8766):  # a first run, then a later one on another port (the data stays)
        output = run_demo_setup(port)
        assert f"http://localhost:{port}/" in output
        # Every demo site is served on this port; the association keeps its own host name.
        assert {(s.hostname, s.port) for s in Site.objects.all()} == {("localhost", port), ("asso.localhost", port)}
        association = Organisation.objects.get(slug="collectif-sante-environnement")
        assert association.site.root_url == f"http://asso.localhost:{port}"
        served = {f"localhost:{port}", f"asso.localhost:{port}"}

        for space in association.spaces.all()[:1]:
            link = _confirmation_link(space, port, django_capture_on_commit_callbacks)
            assert urlsplit(link).netloc in served, link

        links = client.get("/.well-known/nodeinfo").json()["links"]
        assert {urlsplit(link["href"]).netloc for link in links} <= served, links
        nodeinfo = client.get(urlsplit(links[0]["href"]).path).json()
        assert urlsplit(nodeinfo["software"]["homepage"]).netloc in served, nodeinfo

        actor = client.get("/federation/actors/air-sain-ecoles", HTTP_ACCEPT="application/activity+json").json()
        assert urlsplit(actor["id"]).netloc in served and urlsplit(actor["inbox"]).netloc in served, actor
        # What the demo data published (the commune's space) is stored with its ids: moved too.
        published = Activity.objects.filter(direction=Activity.Direction.OUTBOX)
        assert published and {urlsplit(a.uri).netloc for a in published} <= served
        assert {urlsplit(a.payload["actor"]).netloc for a in published} <= served


def test_the_demos_address_follows_its_host(demo_settings):
    demo_settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", ".localhost"]  # the demo's
    # Listening on every interface, or on a loopback address: reached as localhost.
    assert serve_at("0.0.0.0", 8770) == "http://localhost:8770"
    assert Site.objects.get(is_default_site=True).root_url == "http://localhost:8770"
    # Another address: the links name it, and the demo answers to it.
    assert serve_at("192.0.2.10", 8771) == "http://192.0.2.10:8771"
    assert demo_settings.WAGTAILADMIN_BASE_URL == "http://192.0.2.10:8771"
    assert Site.objects.get(is_default_site=True).root_url == "http://192.0.2.10:8771"
    assert Client().get("/", HTTP_HOST="192.0.2.10:8771").status_code == 200


def test_a_later_run_keeps_the_administrators_password_unless_asked(demo_settings):
    first = printed_password(run_demo_setup(8765))
    again = run_demo_setup(8765)
    assert printed_password(again) == first and "unchanged" in again
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.check_password(first)

    reset = run_demo_setup(8765, reset_password=True)
    new = printed_password(reset)
    assert new != first and "(new)" in reset
    admin.refresh_from_db()
    assert admin.check_password(new) and not admin.check_password(first)
    assert printed_password(run_demo_setup(8765)) == new


def test_a_password_the_administrator_changed_is_kept_and_not_replaced(demo_settings):
    generated = printed_password(run_demo_setup(8765))
    admin = User.objects.get(email=ADMIN_EMAIL)
    admin.set_password("mon-mot-de-passe-a-moi")
    admin.save()
    again = run_demo_setup(8765)
    assert generated not in again and "unchanged" in again and "--reset-password" in again
    admin.refresh_from_db()
    assert admin.check_password("mon-mot-de-passe-a-moi")


# --- The demo's processes ----------------------------------------------------------------------

#: Every process the demo starts inherits its environment: this variable marks them, whoever
#: their parent is by then (an orphan is re-parented to PID 1).
MARK = "PARVIS_TEST_DEMO_RUN"


def marked_processes(mark: str) -> dict[int, str]:
    """Living processes whose environment carries ``MARK=mark``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"{MARK}={mark}".encode() in environ:
            found[int(entry.name)] = command
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_demo(data: Path, mark: str, port: int) -> subprocess.Popen:
    """``parvis demo --port <port>`` in ``data``; what it prints goes to ``data/demo.log`` (a
    file: a process left behind holding a pipe would block the reader)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "PARVIS_MODE",
                        "PARVIS_BASE_URL", "CELERY_TASK_ALWAYS_EAGER"}}
    env.update({"PARVIS_DATA_DIR": str(data), MARK: mark})
    with (data / "demo.log").open("wb") as log:
        # Its own process group, as a shell gives a command run in the foreground (Ctrl-C
        # reaches the whole group).
        return subprocess.Popen(
            [sys.executable, "-c", "from core.cli import main; main()", "demo", "--port", str(port)],
            env=env, cwd=data, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


def wait_until(condition, timeout: float, what: str, demo: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if demo is not None and demo.poll() is not None:
            raise AssertionError(f"the demo exited ({demo.returncode}) before {what}")
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def answers_http(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def kill_left_overs(mark: str) -> None:
    for pid in marked_processes(mark):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGTERM to the demo", "Ctrl-C"])
def test_stopping_the_demo_stops_its_worker_and_scheduler(demo_data, stop):
    mark, port = uuid.uuid4().hex, free_port()
    demo = start_demo(demo_data, mark, port)
    try:
        wait_until(lambda: answers_http(port), 180, "the demo answers HTTP", demo)
        # The worker and its embedded scheduler are running beside the web server.
        wait_until(lambda: len(set(marked_processes(mark)) - {demo.pid}) >= 2, 60,
                   "the worker and its scheduler run", demo)
        # The worker builds the e-mails' links: it was given the demo's address.
        for pid in set(marked_processes(mark)) - {demo.pid}:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert f"PARVIS_BASE_URL=http://localhost:{port}".encode() in environ
        if stop == "Ctrl-C":
            os.killpg(demo.pid, signal.SIGINT)  # what the terminal does: the foreground group
        else:
            demo.send_signal(signal.SIGTERM)  # `kill PID`: the demo alone
        demo.wait(timeout=30)
        left = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            left = marked_processes(mark)
            if not left:
                break
            time.sleep(0.2)
        assert left == {}, f"still running after the demo stopped: {left}"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        kill_left_overs(mark)


def test_a_demo_that_cannot_listen_starts_nothing_and_says_why(tmp_path):
    mark = uuid.uuid4().hex
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo = start_demo(tmp_path, mark, port)
        try:
            demo.wait(timeout=120)
            printed = (tmp_path / "demo.log").read_text()
            assert demo.returncode != 0
            assert f"127.0.0.1:{port}" in printed and "--port" in printed, printed
            assert "Traceback" not in printed, printed
            time.sleep(1)  # a worker started meanwhile would still be running
            assert marked_processes(mark) == {}
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait()
            kill_left_overs(mark)
