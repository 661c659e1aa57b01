"""The ``parvis`` command: every ``manage.py`` command, plus ``demo``, ``plugins``, ``verify``...

Configuration mistakes end with one line naming the problem and the fix, not a stack trace.

Commands that only read a file and print (``parvis pb tally``, ``parvis verify``) do not start
Django at all: they run from any directory with no configuration, in a fraction of the time
and memory. Commands that serve no page and sign nothing but need the plugin registry
(``parvis plugins``, ``parvis help``) start Django without requiring a secret key.
"""

from __future__ import annotations

import importlib
import os
import sys

STANDALONE_COMMANDS = {
    # command: (module, function called with the arguments after the command, plugin needed)
    "pb": ("plugins.participatory_budget.tally.command", "main", "participatory_budget"),
    "verify": ("core.ledger.cli", "verify_command", None),
}
"""Commands run without Django; each function returns the exit status."""

UNSIGNED_COMMANDS = frozenset({"plugins", "help", "--help", "-h", "version", "--version"})
"""Commands that serve nothing and sign nothing: a missing secret key is not an error for them
(``SECRET_KEY`` is then empty, so that Django refuses to sign anything)."""


def _standalone(argv: list[str]):
    """The function running ``argv`` without Django, or None when Django is needed."""
    if len(argv) < 2 or argv[1] not in STANDALONE_COMMANDS:
        return None
    module, function, plugin = STANDALONE_COMMANDS[argv[1]]
    disabled = {slug.strip() for slug in os.environ.get("PARVIS_DISABLED_PLUGINS", "").split(",")}
    if plugin is not None and plugin in disabled:
        return None  # Django then says that the command is unknown
    return getattr(importlib.import_module(module), function)


def _fail(message: str) -> None:
    print(f"parvis: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "parvis"
    standalone = _standalone(argv)
    if standalone is not None:
        raise SystemExit(standalone(argv[2:]))
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("PARVIS_MODE", "demo")
    if len(argv) < 2 or argv[1] in UNSIGNED_COMMANDS:
        import core

        core.SECRET_KEY_OPTIONAL = True
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

    from django.core.exceptions import ImproperlyConfigured

    try:
        import django
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reads the settings now, to report errors cleanly
        django.setup()
    except ImproperlyConfigured as exc:
        _fail(str(exc))

    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(argv)
    except OperationalError as exc:
        from django.db import connection

        where = connection.settings_dict.get("HOST") or connection.settings_dict.get("NAME")
        _fail(f"cannot use the database ({where}): {exc}".strip() + " — check DATABASE_URL.")


if __name__ == "__main__":  # pragma: no cover
    main()
