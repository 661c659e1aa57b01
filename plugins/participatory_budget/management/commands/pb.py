"""``parvis pb tally FILE.pb``: count a participatory-budget election stored in pabulib format.

Prints the funded project ids, one per line, or a JSON object with ``--json``. A malformed file
ends with one line, ``parvis: error: FILE:LINE: what is wrong``, and a non-zero exit status.

The ``parvis`` console script does not come here: it runs the same count without starting
Django (:mod:`plugins.participatory_budget.tally.command`). This command is what
``manage.py pb`` and ``call_command("pb", ...)`` run; both share the arguments and the output.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plugins.participatory_budget.tally.command import TallyCommandError, add_pb_actions, run_tally


class Command(BaseCommand):
    help = _("Outils du budget participatif : dépouiller un fichier pabulib (.pb).")

    def add_arguments(self, parser):
        add_pb_actions(parser, _)

    def run_from_argv(self, argv):
        self.program = os.path.basename(argv[0])
        super().run_from_argv(argv)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            # From the command line, one line in the style of `parvis`, not "CommandError: ...".
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(f"{getattr(self, 'program', 'parvis')}: error: {error}")
            sys.exit(error.returncode)

    def handle(self, *args, action: str, **options):
        if action == "tally":
            self.tally(**options)

    def tally(self, *, file, rule, sat, completion, then_greedy, compare_greedy, exclusive, threshold, tie_breaking,
              **options):
        try:
            run_tally(
                file, rule=rule, sat=sat, completion=completion, then_greedy=then_greedy,
                compare_greedy=compare_greedy, exclusive=exclusive, threshold=threshold, tie_breaking=tie_breaking,
                json_output=options["json"], stdout=self.stdout,
            )
        except TallyCommandError as error:
            raise CommandError(str(error)) from None
