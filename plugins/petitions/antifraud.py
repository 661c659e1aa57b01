"""Limits against mass signing: rates per IP address and per e-mail domain, refused domains."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from core import ratelimit

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


def allow_signature(petition_id: int, ip: str | None, domain: str, limits: Limits | None = None) -> bool:
    """Record a signing attempt; False when the IP or the domain exceeds its hourly limit."""
    limits = limits or Limits.from_settings()
    counters = []
    if ip:
        counters.append((f"petitions:rate:ip:{ip}", limits.per_ip_per_hour))
    if domain not in SHARED_DOMAINS:
        counters.append((f"petitions:rate:domain:{petition_id}:{domain}", limits.per_domain_per_hour))
    # One round trip for both counters; an attempt refused for its IP does not count for its domain.
    return ratelimit.hit(counters, window=3600)
