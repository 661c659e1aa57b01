"""Fetching remote documents without being turned against the network we run in (SSRF).

Every connection resolves the host name, refuses any address that is not global (private,
loopback, link-local, multicast, reserved, shared, IPv4-mapped private...) and connects to the
checked address itself, so that DNS cannot answer differently between the check and the
connection. Redirects are not followed, proxies from the environment are ignored, bodies are
read up to a limit. ``PARVIS_FEDERATION_ALLOW_LOOPBACK`` (test-only, see docs/FEDERATION.md)
lets 127.0.0.0/8 and ::1 through, nothing else.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from federation import conf

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "Parvis (ActivityPub)"


class FetchError(Exception):
    """A remote document could not be fetched or is not acceptable."""


class ForbiddenAddress(FetchError):
    """The host resolves to an address we do not connect to."""


def address_allowed(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return conf.allow_loopback()
    return address.is_global and not address.is_multicast


def resolve_allowed(host: str, port: int) -> str:
    """The first address of ``host`` if every address it resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    for ip in addresses:
        if not address_allowed(ip):
            raise ForbiddenAddress(f"{host} resolves to {ip}, which is not a public address")
    return addresses[0]


class _GuardedMixin:
    def _new_conn(self):  # noqa: D401 - urllib3's hook
        # Connect to the checked address; TLS still verifies the certificate of the host name.
        self._dns_host = resolve_allowed(self.host, self.port)
        return super()._new_conn()


class _HTTPConnection(_GuardedMixin, HTTPConnection):
    pass


class _HTTPSConnection(_GuardedMixin, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A requests session that only reaches allowed addresses."""
    s = requests.Session()
    s.trust_env = False  # no proxy from the environment
    adapter = GuardedAdapter(max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    return s


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:200]}")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are refused")
    if parts.scheme == "http" and not conf.allow_loopback() and not _insecure_allowed():
        raise FetchError("plain http is refused; use https")


def _insecure_allowed() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "PARVIS_FEDERATION_ALLOW_HTTP", False))


def read_limited(response: requests.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"document too large ({declared} bytes)")
    chunks, size = [], 0
    for chunk in response.iter_content(16384):
        size += len(chunk)
        if size > limit:
            raise FetchError("document too large")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_json(url: str, *, signer=None) -> dict[str, Any]:
    """GET a remote ActivityPub document. ``signer`` (a bovine ``CryptographicSecret``) signs
    the request for servers that require authorized fetch."""
    check_url(url)
    headers = {"Accept": ACCEPT}
    if signer is not None:
        from federation.signing import signed_get_headers

        headers.update(signed_get_headers(signer, url, ACCEPT))
    try:
        with session().get(url, headers=headers, timeout=conf.TIMEOUT, stream=True,
                           allow_redirects=False) as response:
            if response.status_code != 200:
                raise FetchError(f"{url[:200]} answered {response.status_code}")
            body = read_limited(response, conf.MAX_FETCH_BYTES)
    except ForbiddenAddress:
        raise
    except requests.RequestException as exc:
        raise FetchError(f"{url[:200]}: {type(exc).__name__}") from None
    try:
        document = json.loads(body)
    except ValueError:
        raise FetchError(f"{url[:200]} is not JSON") from None
    if not isinstance(document, dict):
        raise FetchError(f"{url[:200]} is not a JSON object")
    return document
