"""``parvis a11y_record test-reports/axe/summary.json``: keep the last accessibility audit."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.accessibility import STATUS_LABELS, InvalidAudit, audit_path, conformity, record


class Command(BaseCommand):
    help = ("Record the summary written by the browser gate (test-reports/axe/summary.json) as "
            "the last accessibility audit; the organisations' accessibility statements show it.")

    def add_arguments(self, parser):
        parser.add_argument("report", help="the summary.json written by `tox -e browser`")

    def handle(self, *args, report: str, **options):
        path = Path(report)
        try:
            summary = json.loads(path.read_text())
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file; run `tox -e browser` first.") from None
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: not readable JSON ({exc}).") from None
        try:
            record(summary)
        except InvalidAudit as exc:
            raise CommandError(f"{path}: {exc}.") from None
        status = STATUS_LABELS[conformity(summary)]
        self.stdout.write(f"Recorded the audit of {summary['generated_at']} "
                          f"({len(summary['pages'])} pages) in {audit_path()}: {status}.")
