"""Test fixtures for Parvis and its plugins: organisations, spaces and people in every role.

Plugin authors load them with `pytest_plugins = ["core.testing"]` in their `conftest.py`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Membership, Organisation, Phase, Role, Space, User


@pytest.fixture
def commune(db) -> Organisation:
    return Organisation.objects.create(name="Saint-Aubin", slug="saint-aubin")


@pytest.fixture
def association(db) -> Organisation:
    return Organisation.objects.create(
        name="Collectif Air", slug="collectif-air", kind=Organisation.Kind.ASSOCIATION
    )


def make_space(organisation: Organisation, slug: str = "centre-bourg", *, published: bool = True,
               ends_in_days: int = 30) -> Space:
    now = timezone.now()
    space = Space.objects.create(slug=slug, title=f"Espace {slug}", is_published=published)
    space.organisations.add(organisation)
    space.save()  # ParentalManyToManyField writes on save
    Phase.objects.create(
        space=space, title="Contributions", starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=ends_in_days),
    )
    return space


@pytest.fixture
def space(commune) -> Space:
    return make_space(commune)


def make_user(email: str, *, organisation: Organisation | None = None, role: str | None = None,
              **extra) -> User:
    user = User.objects.create_user(email=email, password="correct horse battery", **extra)
    if organisation and role:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def citizen(db) -> User:
    return make_user("camille@example.org")


@pytest.fixture
def superuser(db) -> User:
    return make_user("root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def commune_admin(commune) -> User:
    return make_user("admin@saint-aubin.example", organisation=commune, role=Role.ADMIN)


@pytest.fixture
def moderator(commune) -> User:
    return make_user("moderation@saint-aubin.example", organisation=commune, role=Role.MODERATOR)


@pytest.fixture
def agent(commune) -> User:
    return make_user("agent@saint-aubin.example", organisation=commune, role=Role.AGENT)


@pytest.fixture
def official(commune) -> User:
    return make_user("elue@saint-aubin.example", organisation=commune, role=Role.OFFICIAL)


@pytest.fixture
def foreign_admin(association) -> User:
    """An administrator of another organisation: no right over the commune's spaces."""
    return make_user("admin@collectif.example", organisation=association, role=Role.ADMIN)


@pytest.fixture
def foreign_agent(association) -> User:
    """An agent of another organisation."""
    return make_user("agent@collectif.example", organisation=association, role=Role.AGENT)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages cached for visitors, rate-limit counters and what processes keep in memory
    (core.process_cache) must not leak from one test to the next."""
    from django.core.cache import cache

    from core.process_cache import clear_all

    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


# Ledger tables whose triggers refuse UPDATE, DELETE and TRUNCATE (participation migrations 0002
# and 0003).
LEDGER_TABLES = ("participation_ledgerentry", "participation_signedhead")


@contextmanager
def ledger_triggers_disabled() -> Iterator:
    """Direct SQL on the append-only ledger tables, their triggers off (a test playing the
    attacker, or clearing the ledger before a transactional test's flush); on again after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: check them now, ALTER TABLE needs no pending event.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                for table in LEDGER_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            # SQLite cannot switch a trigger off: drop it and create it again from its own text.
            placeholders = ", ".join(["%s"] * len(LEDGER_TABLES))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           f"AND tbl_name IN ({placeholders})", LEDGER_TABLES)
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield cursor
            finally:
                for _name, sql in triggers:
                    cursor.execute(sql)
        else:
            yield cursor


@pytest.fixture(autouse=True)
def _ledger_cleared_before_flush(request):
    """A transactional test ends with Django's flush (DELETE on SQLite, TRUNCATE on PostgreSQL),
    which the append-only ledger refuses once it holds rows: clear it first, triggers off."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so that this teardown runs before the flush
    yield
    with ledger_triggers_disabled() as cursor:
        for table in LEDGER_TABLES:
            cursor.execute(f"DELETE FROM {table}")


def give_site(organisation: Organisation, hostname: str, port: int = 80) -> str:
    """Give ``organisation`` a Wagtail site of its own at ``hostname`` (its pages live there,
    docs/operators.md "Host names"); returns the host name, for ``HTTP_HOST``."""
    from wagtail.models import Page, Site

    organisation.site = Site.objects.create(hostname=hostname, port=port, root_page=Page.get_first_root_node())
    organisation.save()
    return hostname


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache and the rate-limit counters pointed at a Redis that does not answer."""
    from core.redis_cache import local_counters

    settings.CACHES = {"default": {
        "BACKEND": "core.redis_cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
    local_counters.clear()
    yield
    local_counters.clear()
