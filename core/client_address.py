"""The address of the person behind a request, for per-address rate limits.

Behind a reverse proxy every request comes from the proxy's address. ``X-Forwarded-For`` then
names the client, but anyone can send that header: it is read only when the direct peer is one
of ``PARVIS_TRUSTED_PROXIES``, and only the addresses appended by trusted proxies are believed —
the right-most address that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_address", "trusted_proxy_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxy_networks() -> tuple[Network, ...]:
    """``PARVIS_TRUSTED_PROXIES`` as networks (a single address is a /32 or /128)."""
    return _networks(tuple(getattr(settings, "PARVIS_TRUSTED_PROXIES", ())))


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]" or "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address, or ``None`` when the request has none that can be read."""
    if request is None:
        return None
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = trusted_proxy_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # garbage no trusted proxy wrote: the last believed hop stands
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
