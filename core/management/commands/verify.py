"""``parvis verify EXPORT.json [--heads HEADS.json] [--public-key KEY]``.

The same check as ``python -m core.ledger verify``, with the same exit status:
0 when everything checks out, 1 naming the first bad entry, 2 when an input is unreadable.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.ledger.cli import run_verify


class Command(BaseCommand):
    help = "Verify a public ledger export: hashes, signed heads, running hashes and totals."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("export", help="the export file (JSON)")
        parser.add_argument("--heads", help="JSON file of signed heads published separately")
        parser.add_argument(
            "--public-key",
            action="append",
            dest="public_keys",
            metavar="KEY",
            help="trusted signing key: base64, PEM, or a file holding one (repeatable)",
        )

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
