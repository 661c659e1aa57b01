"""Redis unreachable: the cache degrades to no cache, rate-limit counters to each process's memory."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import make_user


def test_the_cache_behaves_as_no_cache_and_keeps_counters_locally(redis_down):
    assert cache.get("page", "missing") == "missing"
    cache.set("page", "html")
    assert cache.get("page") is None and cache.get_many(["page"]) == {}
    assert cache.add("any", 1) is True
    with pytest.raises(ValueError):
        cache.incr("page")
    # Counters of the limits still count, in this process.
    assert cache.add("identity:failures:ip:203.0.113.1", 1) is True
    assert cache.incr("identity:failures:ip:203.0.113.1") == 2
    assert cache.get("identity:failures:ip:203.0.113.1") == 2
    cache.set("delete-account-failures:7", 1)
    assert cache.incr("delete-account-failures:7") == 2
    # A sign-in code already used stays used.
    assert cache.add("identity:oidc:code:abc", 1) is True and cache.add("identity:oidc:code:abc", 1) is False


def test_after_a_failure_redis_is_left_alone_for_a_while(redis_down, monkeypatch):
    from core import redis_cache

    cache.get("x")
    tried = []
    monkeypatch.setattr(redis_cache.DjangoRedisCache, "get", lambda *a, **k: tried.append(a))
    assert cache.get("x") is None and tried == []


def _log_in(email: str, password: str):
    return Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.1").post(
        "/accounts/login/", {"login": email, "password": password})


def test_logging_in_works_and_failed_logins_are_limited_per_process(db, redis_down, settings):
    from allauth.account.models import EmailAddress

    user = make_user("lea@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    response = _log_in("lea@example.org", "correct horse battery")
    assert response.status_code == 302
    for n in range(2):
        assert "Trop de tentatives" not in _log_in(f"x{n}@example.org", "wrong").content.decode()
    assert "Trop de tentatives" in _log_in("x3@example.org", "wrong").content.decode()
