"""``parvis pb tally FILE.pb``, without Django: the arguments, the count and the output.

The ``parvis`` console script runs this module directly (:func:`main`), so that counting a file
starts no web stack: no settings, no secret key, no database, only this package and numpy.
The Django management command ``pb`` (``manage.py pb tally``) declares the same arguments with
:func:`add_tally_arguments` and counts with :func:`run_tally`, so both print the same thing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TextIO

from .completion import COMPLETIONS
from .numbers import parse_amount
from .pabulib import PabulibError, load
from .rules import RULES, tally
from .scores import TIE_BREAKINGS, TallyError
from .support import SATISFACTIONS

__all__ = ["TallyCommandError", "add_tally_arguments", "main", "run_tally"]


class TallyCommandError(Exception):
    """What ends the command with one line ``parvis: error: ...`` and exit status 1."""


def _untranslated(message: str) -> str:
    # The messages are French, the default language of Parvis (and of `manage.py pb`).
    return message


def add_tally_arguments(parser: argparse.ArgumentParser, gettext: Callable[[str], str] = _untranslated) -> None:
    """Declare the arguments of ``pb tally``; ``gettext`` translates their help."""
    _ = gettext
    parser.add_argument("file", metavar="FILE.pb", help=_("fichier pabulib à dépouiller"))
    parser.add_argument("--rule", choices=RULES, help=_("règle de dépouillement (défaut : celle du fichier)"))
    parser.add_argument("--sat", choices=SATISFACTIONS, default="cost",
                        help=_("satisfaction pour la méthode des parts égales (défaut : cost)"))
    parser.add_argument("--completion", choices=COMPLETIONS,
                        help=_("complétion de la méthode des parts égales (défaut : none)"))
    parser.add_argument("--then-greedy", action="store_true",
                        help=_("compléter ensuite de façon gloutonne"))
    parser.add_argument("--compare-greedy", action="store_true", default=None,
                        help=_("garder le résultat glouton si plus de votants le préfèrent "
                               "(défaut : si la règle du fichier finit par -comparison)"))
    parser.add_argument("--exclusive", action="append", metavar="ID,ID",
                        help=_("groupe de projets mutuellement exclusifs (répétable)"))
    parser.add_argument("--threshold", help=_("score minimal d'un projet finançable"))
    parser.add_argument("--tie-breaking", choices=TIE_BREAKINGS, default="id",
                        help=_("départage des égalités (défaut : id)"))
    parser.add_argument("--json", action="store_true", help=_("sortie JSON"))


def add_pb_actions(parser: argparse.ArgumentParser, gettext: Callable[[str], str] = _untranslated, **subparser_options):
    """Declare the actions of ``pb`` (only ``tally`` for now) on ``parser``."""
    _ = gettext
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", **subparser_options)
    counting = actions.add_parser(
        "tally",
        help=_("dépouiller une élection et afficher les projets financés"),
        description=_(
            "Dépouille une élection au format pabulib avec la règle du fichier (META rule) "
            "ou celle choisie, et affiche les projets financés, un par ligne."
        ),
    )
    add_tally_arguments(counting, gettext)
    return actions


def run_tally(
    file: str,
    *,
    rule: str | None = None,
    sat: str = "cost",
    completion: str | None = None,
    then_greedy: bool = False,
    compare_greedy: bool | None = None,
    exclusive: list[str] | None = None,
    threshold: str | None = None,
    tie_breaking: str = "id",
    json_output: bool = False,
    stdout: TextIO | None = None,
) -> None:
    """Count ``file`` and print the funded ids (or JSON); raises :class:`TallyCommandError`."""
    stdout = stdout or sys.stdout
    try:
        election = load(file)
    except PabulibError as error:
        raise TallyCommandError(str(error)) from None
    except OSError as error:
        raise TallyCommandError(f"{file}: {error.strerror or error}") from None
    groups = [[p.strip() for p in group.split(",") if p.strip()] for group in exclusive or ()]
    try:
        limit = parse_amount(threshold) if threshold is not None else None
    except ValueError:
        raise TallyCommandError(f"--threshold {threshold!r} is not a number") from None
    try:
        result = tally(
            election, rule, sat=sat, completion=completion, then_greedy=then_greedy,
            compare_with_greedy=compare_greedy, exclusive=groups or None, threshold=limit, tie_breaking=tie_breaking,
        )
    except TallyError as error:
        raise TallyCommandError(f"{file}: {error}") from None
    if json_output:
        stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    elif result.selected:
        stdout.write("".join(f"{project_id}\n" for project_id in result.selected))


def main(argv: list[str], program: str = "parvis") -> int:
    """``parvis pb ACTION ...`` (``argv`` starts after ``pb``); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog=f"{program} pb",
        description="Outils du budget participatif : dépouiller un fichier pabulib (.pb).",
    )
    add_pb_actions(parser)
    options = parser.parse_args(argv)
    try:
        run_tally(
            options.file, rule=options.rule, sat=options.sat, completion=options.completion,
            then_greedy=options.then_greedy, compare_greedy=options.compare_greedy, exclusive=options.exclusive, threshold=options.threshold,
            tie_breaking=options.tie_breaking, json_output=options.json,
        )
    except TallyCommandError as error:
        sys.stdout.flush()
        print(f"{program}: error: {error}", file=sys.stderr)
        return 1
    return 0
