"""Export and erasure of everything the instance keeps about one person.

Every app that stores a person answers the ``personal_data`` hook (see
:class:`core.plugins.PersonalData`); this module gathers the sections and runs them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.plugin_host import call_each
from core.plugins import PersonalData

__all__ = ["sections", "claimed_models", "export_user_data", "erase_user"]

ACCOUNT = "account"  # the core's section for the account, its addresses and memberships


def sections() -> list[tuple[str, PersonalData]]:
    """Every ``(plugin slug, section)`` pair, the core's first. Disabled-per-organisation
    plugins are included: a person's data is erased wherever it is."""
    return [(slug, section) for slug, answer in call_each("personal_data") for section in answer]


def claimed_models() -> set[str]:
    return {label for _slug, section in sections() for label in section.models}


def export_user_data(user) -> dict[str, Any]:
    """``{plugin slug: {section key: {"description", "models", "data"}}}``, JSON-ready."""
    export: dict[str, Any] = {}
    for slug, section in sections():
        export.setdefault(slug, {})[section.key] = {
            "description": str(section.description),
            "models": list(section.models),
            "data": section.export(user),
        }
    return export


def erase_user(user):
    """Erase ``user``: every section's ``erase`` then the account, all or nothing.

    Returns the :class:`~core.models.ErasureRecord` kept as proof, which holds no personal
    data (only when and which plugins took part).
    """
    from core.models import ErasureRecord

    every = sections()
    # The account section goes last: the others may still read the account and its verified
    # addresses (petitions find signatures by e-mail).
    ordered = [pair for pair in every if pair[1].key != ACCOUNT] + [pair for pair in every if pair[1].key == ACCOUNT]
    with transaction.atomic():
        slugs = []
        for slug, section in ordered:
            section.erase(user)
            if slug not in slugs:
                slugs.append(slug)
        user.delete()
        return ErasureRecord.objects.create(plugin_slugs=slugs)
