"""The retention rules of the core and of every plugin, the delays in force, and the run.

Rules come from the ``retention_rules`` hook (:class:`core.plugins.RetentionRule`). Each
organisation may choose a delay per rule within its bounds
(:class:`~core.retention.models.RetentionDelay`); otherwise the rule's default applies.
:func:`run` applies every rule for every organisation; the periodic task
``retention.apply_rules`` and ``parvis retention`` call it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.plugin_host import call_each
from core.plugins import RetentionRule

__all__ = ["all_rules", "delays_for", "bounds_error", "format_delay", "run", "RuleResult"]

logger = logging.getLogger("parvis.retention")


def all_rules() -> dict[str, RetentionRule]:
    """Every rule of every loaded plugin, by ``"<plugin slug>.<key>"``, the core's first."""
    return {f"{slug}.{rule.key}": rule for slug, answer in call_each("retention_rules") for rule in answer}


def delays_for(organisation, rules: dict[str, RetentionRule] | None = None) -> dict[str, timedelta]:
    """The delay in force for each rule at ``organisation`` (its choice, else the default)."""
    from core.retention.models import RetentionDelay

    rules = all_rules() if rules is None else rules
    chosen = {}
    if organisation is not None and organisation.pk:
        chosen = dict(RetentionDelay.objects.filter(settings__organisation=organisation).values_list("rule", "hours"))
    delays = {}
    for key, rule in rules.items():
        delay = timedelta(hours=chosen[key]) if key in chosen else rule.default
        # A delay chosen before the rule's bounds changed is brought back within them.
        delays[key] = min(max(delay, rule.minimum), rule.maximum)
    return delays


def format_delay(delay: timedelta, rule: RetentionRule | None = None) -> str:
    """« 7 jours », « 48 heures »: in the unit of ``rule``'s form field (:func:`in_days`),
    or without a rule in days when whole days, else in hours."""
    hours = int(delay.total_seconds() // 3600)
    if hours % 24 == 0 and (rule is None or in_days(rule)):
        days = hours // 24
        return ngettext("%(count)d jour", "%(count)d jours", days) % {"count": days}
    return ngettext("%(count)d heure", "%(count)d heures", hours) % {"count": hours}


def in_days(rule: RetentionRule) -> bool:
    """Whether the rule's delays are set in days (all its bounds are whole days) or hours."""
    return all(d % timedelta(days=1) == timedelta(0) for d in (rule.default, rule.minimum, rule.maximum))


def bounds_error(rule: RetentionRule, delay: timedelta) -> str | None:
    """A clear French message when ``delay`` is outside the rule's bounds, else ``None``."""
    if rule.minimum <= delay <= rule.maximum:
        return None
    return _("Choisissez une durée comprise entre %(minimum)s et %(maximum)s.") % {
        "minimum": format_delay(rule.minimum, rule), "maximum": format_delay(rule.maximum, rule),
    }


@dataclass(frozen=True)
class RuleResult:
    organisation: str  # slug
    rule: str
    delay: timedelta
    count: int
    error: str = ""


def run(*, now: datetime | None = None, dry_run: bool = False, organisations=None) -> list[RuleResult]:
    """Apply every rule for every organisation (or the given ones) and log the counts.

    Each rule runs in its own transaction: a failing rule is logged and the others still run.
    With ``dry_run`` each rule runs and is rolled back, so the counts are exact and nothing
    changes. Idempotent: a second run at the same ``now`` changes nothing.
    """
    from core.models import Organisation

    now = now or timezone.now()
    rules = all_rules()
    organisations = Organisation.objects.order_by("slug") if organisations is None else organisations
    results = []
    for organisation in organisations:
        delays = delays_for(organisation, rules)
        for key, rule in rules.items():
            delay = delays[key]
            try:
                with transaction.atomic():
                    count = int(rule.apply(organisation, delay, now))
                    if dry_run:
                        transaction.set_rollback(True)
            except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
                logger.exception("retention: rule %s failed for %s", key, organisation.slug)
                results.append(RuleResult(organisation.slug, key, delay, 0, f"{type(exc).__name__}: {exc}"))
                continue
            if count:
                logger.info("retention: %s %s: %d row(s)%s", organisation.slug, key, count,
                            " (dry run)" if dry_run else "")
            results.append(RuleResult(organisation.slug, key, delay, count))
    return results
