"""The ``parvis`` command: every ``manage.py`` command, plus ``demo``, ``plugins``, ``verify``...

Configuration mistakes end with one line naming the problem and the fix, not a stack trace.
"""

from __future__ import annotations

import os
import sys


def _fail(message: str) -> None:
    print(f"parvis: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "parvis"
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("PARVIS_MODE", "demo")
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
