"""``parvis retention [--dry-run] [--organisation SLUG]``: apply the retention rules now.

The periodic task ``retention.apply_rules`` does the same every hour; this command shows, per
organisation and rule, the delay in force and how many rows were (or, with ``--dry-run``,
would be) deleted or anonymised. Exit status 1 when a rule failed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.retention.rules import all_rules, format_delay, run


class Command(BaseCommand):
    help = "Apply every retention rule for every organisation (or count, with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be purged, change nothing")
        parser.add_argument("--organisation", metavar="SLUG", help="only this organisation")

    def handle(self, *args, dry_run: bool = False, organisation: str | None = None, **options):
        from core.models import Organisation

        organisations = None
        if organisation:
            organisations = list(Organisation.objects.filter(slug=organisation))
            if not organisations:
                raise CommandError(f"no organisation has the slug {organisation!r}")
        results = run(dry_run=dry_run, organisations=organisations)
        rules = all_rules()
        verb = "would change" if dry_run else "changed"
        for result in results:
            line = f"{result.organisation}\t{result.rule}\t{format_delay(result.delay, rules.get(result.rule))}\t"
            if result.error:
                self.stderr.write(line + f"FAILED: {result.error}")
            else:
                self.stdout.write(line + f"{verb} {result.count}")
        total = sum(r.count for r in results)
        self.stdout.write(f"{'Dry run: ' if dry_run else ''}{total} row(s) {verb}.")
        if any(r.error for r in results):
            raise CommandError("some retention rules failed (see above)", returncode=1)
