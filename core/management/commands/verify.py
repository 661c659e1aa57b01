"""``parvis verify EXPORT.json [--heads HEADS.json] [--public-key KEY]``.

The same check as ``python -m core.ledger verify``, with the same exit status:
0 when everything checks out, 1 naming the first bad entry, 2 when an input is unreadable.
The ``parvis`` console script runs :func:`core.ledger.cli.verify_command` instead, without
starting Django; this command is what ``manage.py verify`` and ``call_command`` run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.ledger.cli import add_verify_arguments, run_verify


class Command(BaseCommand):
    help = "Verify a public ledger export: hashes, signed heads, running hashes and totals."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        add_verify_arguments(parser)

    def handle(self, *args, **options):
        status = run_verify(
            options["export"],
            options["heads"],
            options["public_keys"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
        if status:
            raise SystemExit(status)
