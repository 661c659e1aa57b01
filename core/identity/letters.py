"""Postal letters: a code printed and mailed to a home address, proving residence there.

The addresses are typed (or pasted) by the agent, used to print the batch of letters, and not
kept: only each code's keyed hash and the postcode and commune it proves are stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.identity.codes import code_attributes, issue_code
from core.identity.models import OneTimeCode
from core.models import User

MAX_LETTERS = 500


@dataclass
class Letter:
    name: str
    street: str
    postcode: str
    city: str
    email: str = ""
    code: str = ""  # filled once issued, shown on the printed letter only


def parse_letters(text: str) -> tuple[list[Letter], list[tuple[int, str]]]:
    """One letter per line: ``nom ; adresse ; code postal ; commune ; courriel (facultatif)``."""
    letters: list[Letter] = []
    errors: list[tuple[int, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(";")]
        if len(cells) not in (4, 5):
            errors.append((number, _("Il faut 4 ou 5 champs séparés par « ; » : nom ; adresse ; "
                                     "code postal ; commune ; courriel (facultatif).")))
            continue
        name, street, postcode, city = cells[:4]
        email = cells[4].lower() if len(cells) == 5 else ""
        if not (name and street and city) or max(len(c) for c in cells) > 200:
            errors.append((number, _("Le nom, l'adresse et la commune sont obligatoires (200 "
                                     "caractères au plus).")))
        elif not re.fullmatch(r"\d{5}", postcode):
            errors.append((number, _("Le code postal doit compter 5 chiffres.")))
        else:
            letters.append(Letter(name, street, postcode, city, email))
    if len(letters) > MAX_LETTERS:
        errors.append((0, _("%(max)d lettres au plus par lot.") % {"max": MAX_LETTERS}))
    if not letters and not errors:
        errors.append((0, _("Saisissez au moins une adresse.")))
    return letters, errors


def create_postal_letters(agent, organisation, letters: list[Letter]) -> list[tuple[int, str]]:
    """Issue one code per letter (bound to the account when an e-mail is given); fill
    ``letter.code``. Returns errors (nothing is created when there is one)."""
    emails = {letter.email for letter in letters if letter.email}
    accounts = {u.email: u for u in User.objects.filter(email__in=emails)}
    errors = [(0, _("Aucun compte n'a l'adresse %(email)s.") % {"email": e})
              for e in sorted(emails - set(accounts))]
    if errors:
        return errors
    with transaction.atomic():
        for letter in letters:
            letter.code, _row = issue_code(
                OneTimeCode.Kind.POSTAL, organisation, issued_by=agent,
                user=accounts.get(letter.email),
                attributes=code_attributes(areas=[letter.postcode, letter.city]),
            )
    return []
