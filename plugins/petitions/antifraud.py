"""Limits against mass signing: rates per IP address and per e-mail domain, refused domains."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

DISPOSABLE_DOMAINS = frozenset(
    line.strip().lower()
    for line in (Path(__file__).parent / "disposable_domains.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


@dataclass(frozen=True)
class Limits:
    per_ip_per_hour: int
    per_domain_per_hour: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            per_ip_per_hour=getattr(settings, "PETITIONS_SIGNATURES_PER_IP_PER_HOUR", 20),
            per_domain_per_hour=getattr(settings, "PETITIONS_SIGNATURES_PER_DOMAIN_PER_HOUR", 500),
        )


# Large webmail providers are shared by too many honest people for a per-domain cap.
SHARED_DOMAINS = frozenset({
    "gmail.com", "yahoo.fr", "yahoo.com", "hotmail.com", "hotmail.fr", "outlook.com", "outlook.fr",
    "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "icloud.com", "live.fr", "gmx.fr",
    "proton.me", "protonmail.com", "bbox.fr", "neuf.fr", "aol.com",
})


def is_refused_domain(domain: str, blocked: str = "") -> bool:
    """Disposable domains and the petition box's own block list (one domain per line)."""
    custom = {line.strip().lower() for line in blocked.splitlines() if line.strip()}
    labels = domain.lower().split(".")
    # The domain and each parent domain ("a.b.example" -> "b.example" -> "example"): a set
    # lookup each, whatever the length of the lists.
    parents = {".".join(labels[i:]) for i in range(len(labels))}
    return not parents.isdisjoint(DISPOSABLE_DOMAINS) or not parents.isdisjoint(custom)


def _hit(key: str, limit: int) -> bool:
    """Count one more attempt in the current hour; True while under the limit."""
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def allow_signature(petition_id: int, ip: str | None, domain: str, limits: Limits | None = None) -> bool:
    """Record a signing attempt; False when the IP or the domain exceeds its hourly limit."""
    limits = limits or Limits.from_settings()
    if ip and not _hit(f"petitions:rate:ip:{ip}", limits.per_ip_per_hour):
        return False
    if domain not in SHARED_DOMAINS and not _hit(
        f"petitions:rate:domain:{petition_id}:{domain}", limits.per_domain_per_hour
    ):
        return False
    return True
