"""HTTP signatures (draft-cavage, as Mastodon uses them) through bovine."""

from __future__ import annotations

from bovine.clients.utils import host_target_from_url
from bovine.crypto.helper import content_digest_sha256
from bovine.crypto.http_signature import build_signature
from bovine.crypto.types import CryptographicSecret
from bovine.utils import get_gmt_now

CONTENT_TYPE = "application/activity+json"


def signed_post_headers(secret: CryptographicSecret, url: str, body: bytes) -> dict[str, str]:
    """Headers of a POST of ``body`` to ``url`` signed over (request-target), host, date,
    digest and content-type."""
    host, target = host_target_from_url(url)
    helper = (
        build_signature(host, "post", target)
        .with_field("date", get_gmt_now())
        .with_field("digest", content_digest_sha256(body, prefix="SHA-256"))
        .with_field("content-type", CONTENT_TYPE)
    )
    return {**helper.headers, "signature": helper.sign_for_http_draft(secret)}


def signed_get_headers(secret: CryptographicSecret, url: str, accept: str) -> dict[str, str]:
    host, target = host_target_from_url(url)
    helper = (
        build_signature(host, "get", target)
        .with_field("date", get_gmt_now())
        .with_field("accept", accept)
    )
    return {**helper.headers, "signature": helper.sign_for_http_draft(secret)}
