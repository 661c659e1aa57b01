"""Demo content: a fictional small commune and an association, each with an open space.

Plugins add their own content through the ``demo_data`` hook. Also what ``parvis demo`` sets at
every start: the address its links point at, and the administrator's login.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from core.models import Membership, Organisation, Phase, Role, Space, User
from core.plugin_host import call_each
from core.plugins import DemoContext

ADMIN_EMAIL = "admin@demo.parvis.localhost"


def _space(slug: str, title: str, summary: str, organisation: Organisation) -> Space:
    now = timezone.now()
    space = Space.objects.create(slug=slug, title=title, summary=summary, is_published=True)
    space.organisations.add(organisation)
    space.save()  # ParentalManyToManyField writes on save
    Phase.objects.create(
        space=space, title="Contributions", sort_order=0,
        starts_at=now - timedelta(days=7), ends_at=now + timedelta(days=30),
    )
    Phase.objects.create(
        space=space, title="Résultats", sort_order=1,
        starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=60),
    )
    return space


@transaction.atomic
def load_demo() -> DemoContext | None:
    """Create the demo organisations once; return ``None`` when they already exist."""
    if Organisation.objects.filter(slug="saint-aubin-des-pres").exists():
        return None
    default_site = Site.objects.filter(is_default_site=True).first()
    commune = Organisation.objects.create(
        name="Saint-Aubin-des-Prés",
        slug="saint-aubin-des-pres",
        kind=Organisation.Kind.COMMUNE,
        description="Commune fictive de 6 000 habitants, pour essayer Parvis.",
        site=default_site,
    )
    association = Organisation.objects.create(
        name="Collectif Santé Environnement",
        slug="collectif-sante-environnement",
        kind=Organisation.Kind.ASSOCIATION,
        description="Association fictive de santé environnementale.",
    )
    # The association has its own host name, on the demo's port (serve_at, run before, gave it
    # to the default site): http://asso.localhost:<port>/
    root = Page.get_first_root_node()
    association.site = Site.objects.create(
        hostname="asso.localhost", port=default_site.port if default_site else 80, root_page=root
    )
    association.save(update_fields=["site"])
    spaces = {
        "commune": _space(
            "avenir-centre-bourg", "L'avenir du centre-bourg",
            "Imaginons ensemble la place de la mairie et ses abords.", commune,
        ),
        "association": _space(
            "air-sain-ecoles", "Un air sain autour des écoles",
            "Mesures et propositions pour la qualité de l'air près des écoles.", association,
        ),
    }
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin:
        for organisation in (commune, association):
            Membership.objects.get_or_create(user=admin, organisation=organisation, role=Role.ADMIN)
    demo = DemoContext(commune=commune, association=association, spaces=spaces, admin=admin)
    from core.identity.demo import load_identity_demo

    load_identity_demo(demo)
    for _slug, _result in call_each("demo_data", demo=demo):
        pass
    return demo


@dataclass(frozen=True)
class AdminLogin:
    """The demo administrator's login, as ``parvis demo`` prints it."""

    email: str
    #: ``None`` when the password was kept but is not known here (changed since it was made).
    password: str | None
    #: Whether this run made the password (first run, or ``--reset-password``).
    is_new: bool


def _password_file():
    return settings.DATA_DIR / "admin_password"


def ensure_admin(*, reset_password: bool = False) -> AdminLogin:
    """Make the demo administrator (admin of every organisation) and return its login.

    The first run gives it a random password, kept beside the demo's database (as the demo's
    secret key is: a local toy) so that every later start prints it again instead of replacing
    the one a running demo printed. ``reset_password`` makes a new one. A password changed
    since (in the back-office) is kept and not printed.
    """
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"is_staff": True, "is_superuser": True, "display_name": "Admin"}
    )
    user.is_staff = user.is_superuser = True
    path = _password_file()
    stored = path.read_text().strip() if path.exists() else ""
    if created or reset_password or not user.has_usable_password():
        password, is_new = secrets.token_urlsafe(12), True
        user.set_password(password)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(password)
    else:
        password, is_new = (stored if stored and user.check_password(stored) else None), False
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=ADMIN_EMAIL, defaults={"verified": True, "primary": True}
    )
    for organisation in Organisation.objects.all():
        Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.ADMIN)
    return AdminLogin(ADMIN_EMAIL, password, is_new)


#: Addresses a demo may listen on that are reached from this machine as ``localhost`` (the
#: loopback ones, and "every interface").
_REACHED_AS_LOCALHOST = {"", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


def _reached_as(host: str) -> str:
    """The host name in the demo's links when it listens on ``host`` (an IPv6 one bracketed)."""
    name = "localhost" if host in _REACHED_AS_LOCALHOST else host
    return f"[{name}]" if ":" in name else name


def serve_at(host: str, port: int) -> str:
    """Point every address the demo builds at where it is served; return its base URL.

    E-mail links, NodeInfo and ActivityPub ids read ``WAGTAILADMIN_BASE_URL`` (the setting of
    ``PARVIS_BASE_URL``; the caller hands it to the worker's environment too). An organisation
    with a host name of its own is reached through its Wagtail Site: the default site takes the
    demo's host name and port, every other ``*.localhost`` site (the association's
    ``asso.localhost``) the port. Called at every start: the data stays in the data directory
    while the port may change from one run to the next.
    """
    hostname = _reached_as(host)
    url = f"http://{hostname}:{port}"
    settings.WAGTAILADMIN_BASE_URL = url
    if hostname != "localhost" and hostname not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, hostname]  # links to it must not answer 400
    for site in Site.objects.all():
        if site.is_default_site:
            site.hostname = hostname
        elif site.hostname != "localhost" and not site.hostname.endswith(".localhost"):
            continue  # a host name given in the back-office, not the demo's
        site.port = port
        site.save(update_fields=["hostname", "port"])  # save(): Wagtail clears its cached root paths
    _move_local_federation_ids()
    return url


def _move_local_federation_ids() -> None:
    """Give the stored ids of this instance's actors, keys and published activities the
    demo's current address, when an earlier run on another port made them.

    An instance that federates never changes its address (remote servers keep its ids); a demo
    on this machine federates with no one who would remember the old one.
    """
    import json

    from federation import conf
    from federation.models import Activity, Actor, Follow, KeyPair

    new = conf.base_url()
    local = Actor.objects.filter(is_local=True)
    old_bases = {_origin(uri) for uri in local.values_list("uri", flat=True)} - {new}
    for old in old_bases:
        def moved(value: str, old=old) -> str:
            return new + value[len(old):] if value == old or value.startswith(old + "/") else value

        old_domain = old.split("//", 1)[1]
        for actor in local.filter(uri__startswith=old + "/"):
            actor.uri, actor.domain = moved(actor.uri), conf.domain()
            actor.name = conf.domain() if actor.name == old_domain else actor.name
            actor.save(update_fields=["uri", "domain", "name"])
        for key in KeyPair.objects.filter(actor__is_local=True, key_id__startswith=old + "/"):
            key.key_id = moved(key.key_id)
            key.save(update_fields=["key_id"])
        for follow in Follow.objects.filter(activity_uri__startswith=old + "/"):
            follow.activity_uri = moved(follow.activity_uri)
            follow.save(update_fields=["activity_uri"])
        for activity in Activity.objects.filter(direction=Activity.Direction.OUTBOX, uri__startswith=old + "/"):
            text = json.dumps(activity.payload)
            text = text.replace(f'"{old}/', f'"{new}/').replace(f'"{old}"', f'"{new}"')
            activity.uri, activity.object_uri = moved(activity.uri), moved(activity.object_uri)
            activity.payload = json.loads(text)
            activity.save(update_fields=["uri", "object_uri", "payload"])


def _origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
