"""The client's address behind reverse proxies (core.client_address) and the limits that use it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from core.client_address import client_address
from tests.conftest import make_user

PROXY = "10.0.0.2"


def _address(remote_addr: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.PARVIS_TRUSTED_PROXIES = []
    assert _address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.PARVIS_TRUSTED_PROXIES = [PROXY]
    assert _address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings):
    settings.PARVIS_TRUSTED_PROXIES = [PROXY]
    assert _address(PROXY, "203.0.113.1") == "203.0.113.1"
    # Whatever the visitor wrote in the header comes before what the proxy appended.
    assert _address(PROXY, "1.2.3.4, 203.0.113.1") == "203.0.113.1"
    assert _address(PROXY, "not-an-address, 203.0.113.1") == "203.0.113.1"
    # A trusted proxy that sent no header: the proxy is all we know.
    assert _address(PROXY) == PROXY


def test_chains_of_trusted_proxies_and_networks(settings):
    settings.PARVIS_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    # client -> CDN (10.1.1.1) -> load balancer (10.2.2.2) -> Parvis.
    assert _address("10.2.2.2", "203.0.113.1, 10.1.1.1") == "203.0.113.1"
    assert _address("10.2.2.2", "1.2.3.4, 203.0.113.1, 10.1.1.1") == "203.0.113.1"
    assert _address("2001:db8::5", "2001:db8:ffff::1, 2a01:e0a::9") == "2a01:e0a::9"
    # Every hop trusted: the left-most one is as far as anybody can tell.
    assert _address("10.2.2.2", "10.3.3.3, 10.1.1.1") == "10.3.3.3"
    # Garbage where a trusted proxy should have written: the last believed hop.
    assert _address("10.2.2.2", "203.0.113.1, junk, 10.1.1.1") == "10.1.1.1"


def test_an_invalid_trusted_proxy_setting_is_refused_at_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from core import settings as parvis_settings

    monkeypatch.setenv("PARVIS_TRUSTED_PROXIES", "10.0.0.1,proxy.example")
    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        parvis_settings._trusted_proxies()
    monkeypatch.setenv("PARVIS_TRUSTED_PROXIES", " 10.0.0.1 , 192.168.0.0/16")
    assert parvis_settings._trusted_proxies() == ["10.0.0.1", "192.168.0.0/16"]


def _fail_login(visitor: str, n: int) -> str:
    response = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor).post(
        "/accounts/login/", {"login": f"nobody{n}@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    return response.content.decode()


def test_behind_a_trusted_proxy_two_visitors_have_separate_login_limits(db, settings):
    make_user("lea@example.org")
    settings.PARVIS_TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    too_many = "Trop de tentatives de connexion"
    assert not any(too_many in _fail_login("203.0.113.1", n) for n in range(2))
    assert too_many in _fail_login("203.0.113.1", 2)
    assert too_many not in _fail_login("203.0.113.2", 3)
