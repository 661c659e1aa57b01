"""The core's identity hooks; ``core/hooks.py`` imports them so they register as ``core``."""

from __future__ import annotations

from core.plugins import hookimpl


@hookimpl
def verification_methods():
    from core.identity.methods import builtin_methods

    return builtin_methods()
