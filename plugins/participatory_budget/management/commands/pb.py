"""``parvis pb tally FILE.pb``: count a participatory-budget election stored in pabulib format.

Prints the funded project ids, one per line, or a JSON object with ``--json``. A malformed file
ends with one line, ``parvis: error: FILE:LINE: what is wrong``, and a non-zero exit status.
"""

from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plugins.participatory_budget.tally import (
    COMPLETIONS,
    RULES,
    SATISFACTIONS,
    TIE_BREAKINGS,
    PabulibError,
    TallyError,
    load,
    tally,
)
from plugins.participatory_budget.tally.numbers import parse_amount


class Command(BaseCommand):
    help = _("Outils du budget participatif : dépouiller un fichier pabulib (.pb).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        counting = actions.add_parser(
            "tally",
            help=_("dépouiller une élection et afficher les projets financés"),
            description=_(
                "Dépouille une élection au format pabulib avec la règle du fichier (META rule) "
                "ou celle choisie, et affiche les projets financés, un par ligne."
            ),
        )
        counting.add_argument("file", metavar="FILE.pb", help=_("fichier pabulib à dépouiller"))
        counting.add_argument("--rule", choices=RULES, help=_("règle de dépouillement (défaut : celle du fichier)"))
        counting.add_argument("--sat", choices=SATISFACTIONS, default="cost",
                              help=_("satisfaction pour la méthode des parts égales (défaut : cost)"))
        counting.add_argument("--completion", choices=COMPLETIONS,
                              help=_("complétion de la méthode des parts égales (défaut : none)"))
        counting.add_argument("--then-greedy", action="store_true",
                              help=_("compléter ensuite de façon gloutonne"))
        counting.add_argument("--exclusive", action="append", metavar="ID,ID",
                              help=_("groupe de projets mutuellement exclusifs (répétable)"))
        counting.add_argument("--threshold", help=_("score minimal d'un projet finançable"))
        counting.add_argument("--tie-breaking", choices=TIE_BREAKINGS, default="id",
                              help=_("départage des égalités (défaut : id)"))
        counting.add_argument("--json", action="store_true", help=_("sortie JSON"))

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

    def tally(self, *, file, rule, sat, completion, then_greedy, exclusive, threshold, tie_breaking, **options):
        try:
            election = load(file)
        except PabulibError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text ({error.reason})") from None
        groups = [[p.strip() for p in group.split(",") if p.strip()] for group in exclusive or ()]
        try:
            limit = parse_amount(threshold) if threshold is not None else None
        except ValueError:
            raise CommandError(f"--threshold {threshold!r} is not a number") from None
        try:
            result = tally(
                election, rule, sat=sat, completion=completion, then_greedy=then_greedy,
                exclusive=groups or None, threshold=limit, tie_breaking=tie_breaking,
            )
        except TallyError as error:
            raise CommandError(f"{file}: {error}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for project_id in result.selected:
                self.stdout.write(project_id)
