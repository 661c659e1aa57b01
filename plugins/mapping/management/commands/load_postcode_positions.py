"""``parvis load_postcode_positions FILE``: load where postcodes are, for maps by postcode."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plugins.mapping.positions import PositionFileError, load_positions


class Command(BaseCommand):
    help = ("Load the positions of postcodes (a GeoNames postal code dump such as FR.txt, or a CSV file with "
            "the columns postcode, name, latitude, longitude); replaces the table.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        try:
            report = load_positions(lines)
        except PositionFileError as exc:
            raise CommandError(str(exc)) from None
        for error in report.errors[:20]:
            self.stderr.write(f"skipped {error}")
        if len(report.errors) > 20:
            self.stderr.write(f"... and {len(report.errors) - 20} more lines skipped")
        self.stdout.write(f"{report.postcodes} postcodes placed from {report.lines} lines; "
                          f"{len(report.errors)} lines skipped.")
