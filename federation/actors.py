"""Local actors: the instance (``Application``), one ``Group`` per published space, one
``Person`` per official or named staff member who agreed to be followable."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from federation import conf, keys
from federation.models import Actor

#: The username of the instance actor (``instance@<domain>``); spaces cannot take it.
INSTANCE_USERNAME = "instance"
RESERVED = {INSTANCE_USERNAME, "admin", "root", "inbox", "outbox", "federation"}


def actor_uri(username: str) -> str:
    return conf.absolute(reverse("federation:actor", kwargs={"username": username}))


def _create(username: str, kind: str, name: str, **links) -> Actor:
    try:
        with transaction.atomic():
            actor = Actor.objects.create(
                uri=actor_uri(username), is_local=True, kind=kind, username=username,
                domain=conf.domain(), name=name, **links,
            )
            keys.create_key(actor)
            return actor
    except IntegrityError:
        # Made meanwhile by a concurrent request.
        return Actor.objects.get(is_local=True, username=username)


def instance_actor() -> Actor:
    actor = Actor.objects.filter(is_local=True, kind=Actor.Kind.APPLICATION).first()
    return actor or _create(INSTANCE_USERNAME, Actor.Kind.APPLICATION, conf.domain())


def _space_username(space) -> str:
    return space.slug if space.slug not in RESERVED else f"espace-{space.slug}"


def space_actor(space) -> Actor:
    """The ``Group`` of a space (made on first use)."""
    actor = Actor.objects.filter(is_local=True, space=space).first()
    return actor or _create(_space_username(space), Actor.Kind.GROUP, space.title, space=space)


def person_actor(user, organisation, *, username: str = "") -> Actor:
    """Make ``user`` (an official or a named staff member of ``organisation``) a followable
    ``Person``. Only call this for someone who agreed to it: citizens are not federated."""
    existing = Actor.objects.filter(is_local=True, user=user, organisation=organisation).first()
    if existing:
        return existing
    base = slugify(username or str(user))[:60] or f"personne-{user.pk}"
    candidate, n = base, 1
    while candidate in RESERVED or Actor.objects.filter(is_local=True, username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return _create(candidate, Actor.Kind.PERSON, str(user), user=user, organisation=organisation)


def approves_followers_by_hand(actor: Actor) -> bool:
    """Whether a Follow of ``actor`` waits for an administrator: only the instance actor's (a
    partnership, :func:`federation.services.approve_follow`). A ``Group`` or a ``Person`` is
    answered at once, Accept or Reject by the federation policy. Actor documents publish this
    as ``manuallyApprovesFollowers``."""
    return actor.kind == Actor.Kind.APPLICATION


def local_actor(username: str) -> Actor | None:
    """The local actor named ``username``, making the instance actor or a space's Group on
    first use; ``None`` when there is none (or its space is not published)."""
    actor = (Actor.objects.filter(is_local=True, username=username)
             .select_related("space", "organisation", "user").first())
    if actor is not None:
        if actor.space_id and not actor.space.is_published:
            return None
        return actor
    if username == INSTANCE_USERNAME:
        return instance_actor()
    from core.models import Space

    slug = username.removeprefix("espace-") if username.startswith("espace-") else username
    space = Space.objects.published().filter(slug=slug).first()
    if space is None or _space_username(space) != username:
        return None
    return space_actor(space)
