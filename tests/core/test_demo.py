"""``parvis demo``: what it does to the administrator's password."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from core.demo import ADMIN_EMAIL
from core.models import User


def run_demo_setup(port: int, **options) -> str:
    """``parvis demo --no-serve --port <port>`` in this process; returns what it printed."""
    out = io.StringIO()
    call_command("demo", no_serve=True, port=port, stdout=out, **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    return output.split("Password:")[1].split()[0]


@pytest.fixture
def demo_settings(db, settings, tmp_path):
    """The demo's data directory in ``tmp_path``; whatever the command changes in the settings
    is undone after the test (pytest-django's ``settings`` fixture)."""
    settings.DATA_DIR = tmp_path
    return settings


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
