"""Who may take part: one service for the web, the API, paper entry and federation.

The rules of a space are alternatives (meeting one is enough); a component's rules apply on top
of its space's. Each rule is a set of conditions that must all hold. Conditions are judged on
:class:`~core.plugins.Attributes`: built from an account's verifications, or given directly
for a person without an account.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.identity.methods import all_methods
from core.identity.models import EligibilityRule
from core.identity.normalise import normalise_area
from core.identity.verifications import attributes_of
from core.models import Component, Organisation, Space
from core.plugins import (
    PROOF_AGE,
    PROOF_EMAIL,
    PROOF_IDENTITY,
    PROOF_MEMBERSHIP,
    PROOF_RESIDENCE,
    Attributes,
    Eligibility,
    MissingProof,
)


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _target_levels(target) -> tuple[Space, list[list[EligibilityRule]]]:
    """The space of ``target`` and its rule levels: [space rules, component rules]."""
    component = None
    if isinstance(target, Component):
        component = target
    elif isinstance(target, Space):
        pass
    elif isinstance(getattr(target, "component", None), Component):
        component = target.component
    elif isinstance(getattr(target, "space", None), Space):
        target = target.space
    else:
        raise TypeError(f"check_eligibility needs a Space or a Component, not {target!r}")
    space = component.phase.space if component is not None else target
    # One query for both levels: this runs on every signing and voting request.
    where = Q(space=space) | Q(component=component) if component is not None else Q(space=space)
    rules = list(EligibilityRule.objects.select_related("membership_organisation").filter(where).order_by("pk"))
    levels = [[rule for rule in rules if rule.space_id == space.pk and rule.component_id is None]]
    if component is not None:
        levels.append([rule for rule in rules if rule.component_id == component.pk])
    return space, [level for level in levels if level]


def _judge(rule: EligibilityRule, attrs: Attributes, day: date) -> list[MissingProof]:
    missing: list[MissingProof] = []
    areas = rule.area_list
    if areas:
        wanted = {normalise_area(a) for a in areas}
        held = {normalise_area(a) for a in attrs.areas}
        places = ", ".join(areas)
        if not held:
            missing.append(MissingProof(PROOF_RESIDENCE, _(
                "votre lieu de résidence n'est pas encore vérifié (il faut résider à : "
                "%(places)s)") % {"places": places}))
        elif not wanted & held:
            missing.append(MissingProof(PROOF_RESIDENCE, _(
                "cette participation est réservée aux personnes qui résident à : %(places)s"
            ) % {"places": places}, proven=True))
    if rule.min_age:
        text = ngettext("avoir %(age)d an ou plus", "avoir %(age)d ans ou plus",
                        rule.min_age) % {"age": rule.min_age}
        if attrs.birth_date is None:
            missing.append(MissingProof(PROOF_AGE, _(
                "votre âge n'est pas encore vérifié (il faut %(condition)s)") % {"condition": text}))
        elif age_on(attrs.birth_date, day) < rule.min_age:
            missing.append(MissingProof(PROOF_AGE, _("il faut %(condition)s") % {"condition": text},
                                        proven=True))
    organisation = rule.membership_organisation
    if organisation is not None and organisation.pk not in attrs.memberships:
        missing.append(MissingProof(PROOF_MEMBERSHIP, _(
            "cette participation est réservée aux membres de %(name)s, et votre adhésion n'est "
            "pas vérifiée") % {"name": organisation.name}))
    if rule.identity_level and attrs.identity_level < rule.identity_level:
        if rule.identity_level == 1:
            text = _("votre adresse électronique doit être confirmée")
        else:
            text = _("votre identité doit être vérifiée (au guichet, sur la liste des habitants "
                     "ou avec un fournisseur d'identité)")
        missing.append(MissingProof(PROOF_IDENTITY if rule.identity_level > 1 else PROOF_EMAIL,
                                    text))
    return missing


def _level_missing(rules: list[EligibilityRule], attrs: Attributes, day: date):
    """``None`` when one rule of the level holds, else the missing proofs of the closest one."""
    best: list[MissingProof] | None = None
    for rule in rules:
        missing = _judge(rule, attrs, day)
        if not missing:
            return None
        if best is None or len(missing) < len(best):
            best = missing
    return best


def describe_rule(rule: EligibilityRule) -> str:
    """The rule's label, or its conditions in words when it has none."""
    if rule.label:
        return rule.label
    parts = []
    if rule.area_list:
        parts.append(_("résider à : %(places)s") % {"places": ", ".join(rule.area_list)})
    if rule.min_age:
        parts.append(ngettext("avoir %(age)d an ou plus", "avoir %(age)d ans ou plus",
                              rule.min_age) % {"age": rule.min_age})
    if rule.membership_organisation is not None:
        parts.append(_("être membre de %(name)s") % {"name": rule.membership_organisation.name})
    if rule.identity_level == 1:
        parts.append(_("avoir une adresse électronique confirmée"))
    elif rule.identity_level:
        parts.append(_("avoir une identité vérifiée"))
    return ", ".join(parts) or str(rule)


def conditions_of(target: Model) -> list[str]:
    """The conditions to take part in ``target``, in words: one item per level (the space's
    rules, then the component's), alternatives joined by « ou ». Empty: open to everyone."""
    _space, levels = _target_levels(target)
    separator = f" {_('ou')} "
    return [separator.join(describe_rule(rule) for rule in rules) for rules in levels]


def has_rules(target: Model) -> bool:
    """Do eligibility rules apply to ``target`` (its own or its space's)?"""
    return bool(_target_levels(target)[1])


def has_rules_annotation(component: str, space: str) -> Exists:
    """:func:`has_rules` of a component as an expression, to read it with the row that holds
    the component instead of in a query of its own. ``component`` and ``space`` are the
    lookups, from the annotated model, of the component and of its space (e.g. ``"component"``
    and ``"component__phase__space"``); the levels are those of :func:`_target_levels`."""
    return Exists(EligibilityRule.objects.filter(
        Q(space=OuterRef(space), component__isnull=True) | Q(component=OuterRef(component))
    ))


def _how_to_verify(missing: list[MissingProof], organisations: list[Organisation],
                   rules_level: int) -> list[tuple[str, str]]:
    """Links to the methods that prove what has not been proved yet."""
    needed = {m.proof for m in missing if not m.proven}
    links: list[tuple[str, str]] = []
    if not needed:
        return links
    for method in all_methods().values():
        useful = needed & method.proves
        if PROOF_IDENTITY in needed and method.identity_level >= max(rules_level, 2):
            useful.add(PROOF_IDENTITY)
        if PROOF_EMAIL in needed and method.identity_level >= 1:
            useful.add(PROOF_EMAIL)
        if not useful or method.start_url is None:
            continue
        url = method.start_url
        if callable(url):
            url = next((u for u in (url(o) for o in organisations or [None]) if u), None)
        if url and (str(method.label), url) not in links:
            links.append((str(method.label), url))
    return links


def check_eligibility(user_or_attributes, target: Model, at: datetime | None = None) -> Eligibility:
    """May this person take part in ``target`` (a Space, a Component, or an object with a
    ``component`` or ``space``) at ``at`` (now by default)?

    ``user_or_attributes`` is an account (its verifications valid at ``at`` count) or an
    :class:`~core.plugins.Attributes` (paper entry, federation). The answer carries a clear
    message and, when something is unproven, links to the ways of proving it.
    """
    at = at or timezone.now()
    day = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    space, levels = _target_levels(target)
    if not levels:
        return Eligibility(ok=True, message=_("Cette participation est ouverte à toutes et à tous."))
    if isinstance(user_or_attributes, Attributes):
        attrs = user_or_attributes
    else:
        attrs = attributes_of(user_or_attributes, at)
    missing: list[MissingProof] = []
    needed_level = 0
    for rules in levels:
        level_missing = _level_missing(rules, attrs, day)
        if level_missing:
            missing += [m for m in level_missing if m not in missing]
            needed_level = max(needed_level, *(r.identity_level for r in rules))
    if not missing:
        return Eligibility(ok=True, message=_("Vous remplissez les conditions pour participer."))
    reasons = " ; ".join(m.message for m in missing)  # French typography: space before ;
    message = format_lazy("{} {}.", _("Vous ne pouvez pas participer pour l'instant :"), reasons)
    how = _how_to_verify(missing, list(space.organisations.all()), needed_level)
    if how:
        message = format_lazy("{} {}", message, _(
            "Vous pouvez faire vérifier ce qui manque : voir les moyens proposés ci-dessous."))
    elif all(m.proven for m in missing):
        message = format_lazy("{} {}", message, _(
            "Si vous pensez que c'est une erreur, adressez-vous à la mairie ou aux organisateurs."))
    return Eligibility(ok=False, missing=missing, message=str(message), how_to_verify=how)
