"""Production settings for the benchmarks, with the signing rate limits lifted: the load
comes from one loopback address."""

from core.settings import *  # noqa: F403

PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 10**9
PETITIONS_SIGNATURES_PER_DOMAIN_PER_HOUR = 10**9
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
