"""Demo content: a fictional small commune and an association, each with an open space.

Plugins add their own content through the ``demo_data`` hook.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

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
    commune = Organisation.objects.create(
        name="Saint-Aubin-des-Prés",
        slug="saint-aubin-des-pres",
        kind=Organisation.Kind.COMMUNE,
        description="Commune fictive de 6 000 habitants, pour essayer Parvis.",
        site=Site.objects.filter(is_default_site=True).first(),
    )
    association = Organisation.objects.create(
        name="Collectif Santé Environnement",
        slug="collectif-sante-environnement",
        kind=Organisation.Kind.ASSOCIATION,
        description="Association fictive de santé environnementale.",
    )
    # The association has its own host name: http://asso.localhost:<port>/
    root = Page.get_first_root_node()
    association.site = Site.objects.create(hostname="asso.localhost", port=80, root_page=root)
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


def ensure_admin() -> tuple[str, str]:
    """(Re)create the demo administrator with a fresh random password; return credentials."""
    from allauth.account.models import EmailAddress

    password = secrets.token_urlsafe(12)
    user, _created = User.objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"is_staff": True, "is_superuser": True, "display_name": "Admin"}
    )
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=ADMIN_EMAIL, defaults={"verified": True, "primary": True}
    )
    for organisation in Organisation.objects.all():
        Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.ADMIN)
    return ADMIN_EMAIL, password
