"""Writes of the retention app: an organisation's privacy settings."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from core.retention.models import PrivacySettings, RetentionDelay
from core.retention.rules import all_rules, bounds_error

LEGAL_FIELDS = ("noindex_contributions", "publisher", "publication_director", "host", "privacy_contact",
                "additional_notices")


@transaction.atomic
def save_privacy_settings(organisation, *, delays: dict[str, timedelta], **fields) -> PrivacySettings:
    """Store ``organisation``'s choices. A delay equal to the rule's default is not stored, so
    that the organisation follows the default if it changes; one out of bounds is refused."""
    unknown = set(fields) - set(LEGAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown privacy settings {sorted(unknown)}")
    rules = all_rules()
    for key, delay in delays.items():
        if key not in rules:
            raise ValueError(f"unknown retention rule {key!r}")
        error = bounds_error(rules[key], delay)
        if error:
            raise ValueError(f"{key}: {error}")
    settings, _created = PrivacySettings.objects.update_or_create(organisation=organisation, defaults=fields)
    for key, delay in delays.items():
        if delay == rules[key].default:
            RetentionDelay.objects.filter(settings=settings, rule=key).delete()
        else:
            RetentionDelay.objects.update_or_create(
                settings=settings, rule=key, defaults={"hours": int(delay.total_seconds() // 3600)})
    return settings
