"""The Content-Security-Policy of every response.

Public pages load scripts, styles and images from the instance only (no inline script or
style), plus the map tiles of ``PARVIS_MAP_TILE_URL``. Wagtail's admin writes inline scripts
and styles, so its pages get a policy that allows them, still with no third-party origin; it
frames its own page previews. A view that sets its own policy keeps it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["ContentSecurityPolicyMiddleware", "policy_for", "tile_origin"]

ADMIN_PREFIX = "/admin/"


def tile_origin(tile_url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: ``{s}`` subdomains become a wildcard."""
    parts = urlsplit(tile_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host[len("{s}."):]
    if "{" in host or "}" in host:
        return f"{parts.scheme}:"  # another placeholder in the host: the scheme is all we can say
    return f"{parts.scheme}://{host}"


@lru_cache(maxsize=8)
def _policy(admin: bool, tile_url: str) -> str:
    images = ["'self'", "data:"]
    if tile_url and (origin := tile_origin(tile_url)):
        images.append(origin)
    if admin:
        images.append("blob:")  # image uploads are previewed before they are sent
    inline = " 'unsafe-inline'" if admin else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'" + inline,
        "style-src": "'self'" + inline,
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'self'" if admin else "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def policy_for(request: HttpRequest) -> str:
    """The policy of ``request``'s response: the admin's or the public pages'."""
    return _policy(request.path.startswith(ADMIN_PREFIX), settings.PARVIS_MAP_TILE_URL or "")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy_for(request)
        return response
