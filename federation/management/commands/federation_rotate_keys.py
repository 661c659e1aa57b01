"""``parvis federation_rotate_keys [--actor HANDLE_OR_URI ...] [--all] [--dry-run]``.

Retires the current key of the chosen local actors and makes a new one. The retired key stays
published in the actor's document (and accepted by peers) for ``conf.RETIRED_KEY_GRACE``.
Every actor named is checked before any key changes: an unknown or remote actor changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from federation import conf, keys
from federation.models import Actor


def find_local_actor(name: str) -> Actor:
    """The local actor named by its id, its handle (``name@host``, ``@name@host``) or its
    username. Raises :class:`CommandError` for a remote or unknown actor."""
    name = name.strip()
    if name.startswith(("https://", "http://")):
        actor = Actor.objects.filter(uri=name).first()
    else:
        username, _, domain = name.removeprefix("@").partition("@")
        domain = domain.lower()
        if domain and domain != conf.domain():
            actor = Actor.objects.filter(username=username, domain=domain, is_local=False).first()
        else:
            actor = Actor.objects.filter(username=username, is_local=True).first()
    if actor is None:
        raise CommandError(f"no local actor {name!r} (give its handle, username or id)")
    if not actor.is_local:
        raise CommandError(f"{name!r} is a remote actor: only the keys of local actors can be rotated")
    return actor


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Command(BaseCommand):
    help = ("Rotate the signing keys of local federation actors; the old key stays published "
            f"for {conf.RETIRED_KEY_GRACE.days} days.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--actor", action="append", dest="actors", default=[], metavar="HANDLE_OR_URI",
                            help="a local actor: handle (centre-bourg@parvis.example), username or id "
                                 "(repeatable)")
        parser.add_argument("--all", action="store_true", help="every local actor")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")

    def handle(self, *args, **options):
        if bool(options["actors"]) == bool(options["all"]):
            raise CommandError("name actors with --actor, or give --all (not both)")
        if options["all"]:
            actors = list(Actor.objects.filter(is_local=True).order_by("username"))
        else:
            actors = list({actor.pk: actor for actor in map(find_local_actor, options["actors"])}.values())
        if not actors:
            self.stdout.write("no local actor: nothing to rotate")
            return
        with transaction.atomic():
            for actor in actors:
                self._rotate(actor, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write("dry run: nothing changed")

    def _rotate(self, actor: Actor, *, dry_run: bool) -> None:
        old = actor.keys.filter(retired_at__isnull=True).first()
        old_id = old.key_id if old else "(none)"
        if dry_run:
            until = _when(timezone.now() + conf.RETIRED_KEY_GRACE)
            self.stdout.write(f"{actor.handle}: would retire {old_id} (published until {until}) "
                              "and create a new key")
            return
        new = keys.rotate_key(actor)
        line = f"{actor.handle}: old key {old_id} -> new key {new.key_id}"
        if old is not None:
            old.refresh_from_db(fields=["expires_at"])
            line += f"; the old key is published until {_when(old.expires_at)}"
        self.stdout.write(line)
