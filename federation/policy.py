"""Federation policies: per instance, overridable per space, plus per-domain rules.

- ``off``: nothing federates (actor documents answer 404, nothing is published or accepted);
- ``publish_only``: documents and outboxes are public, the inbox accepts nothing;
- ``allowlist`` (the default): inbound activities only from partner domains;
- ``open``: from anyone but blocked domains.

A blocked domain is refused whatever the mode.
"""

from __future__ import annotations

from federation.models import DomainRule, Policy

Mode = Policy.Mode
DEFAULT_MODE = Mode.ALLOWLIST


def mode_for(space=None) -> str:
    """The mode that applies to ``space`` (or the instance)."""
    rows = {p.space_id: p.mode for p in Policy.objects.filter(space__isnull=True)}
    if space is not None:
        own = Policy.objects.filter(space=space).values_list("mode", flat=True).first()
        if own:
            return own
    return rows.get(None, DEFAULT_MODE)


def domain_rule(domain: str) -> str | None:
    return DomainRule.objects.filter(domain=domain.lower()).values_list("kind", flat=True).first()


def publishes(space=None) -> bool:
    return mode_for(space) != Mode.OFF


def accepts_from(domain: str, space=None) -> tuple[bool, str]:
    """Whether an inbound activity from ``domain`` is accepted, and why not."""
    rule = domain_rule(domain)
    if rule == DomainRule.Kind.BLOCK:
        return False, "this server is blocked here"
    mode = mode_for(space)
    if mode in (Mode.OFF, Mode.PUBLISH_ONLY):
        return False, "this instance does not accept activities"
    if mode == Mode.ALLOWLIST and rule != DomainRule.Kind.ALLOW:
        return False, "this server is not a partner of this instance"
    return True, ""


def is_blocked(domain: str) -> bool:
    return domain_rule(domain) == DomainRule.Kind.BLOCK
