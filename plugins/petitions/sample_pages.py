"""The petitions pages, declared for Parvis's every-page gates (see docs/gates.md).

``hooks.sample_pages`` returns :func:`sample_pages`. Each callable receives the gates'
fixtures ``fx``: ``fx.space`` (an open space of ``fx.organisation`` with a current phase),
``fx.users[role]`` and ``fx.objects``, where the setups below keep what they make:

- ``box``: a petition box (component) of the space, with its ``PetitionSettings``;
- ``open``: a petition the organisation launched (open for signatures);
- ``awaiting``: a citizen's petition waiting for its co-sponsors;
- ``moderated``: a citizen's petition waiting for the moderators;
- ``pending`` / ``confirmed`` / ``suspicious``: tokens of signatures of the open petition
  (not yet confirmed, confirmed, confirmed from a suspicious e-mail domain).

Anonymous visitors get the public pages with ``Cache-Control: public``, and Django's cache
middleware serves them again without rendering: measured as an anonymous visitor, a query
budget would compare two cache hits. The pages with ``list_of`` are therefore audited as a
participant, whose pages are private and rendered on every request.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from core.plugins import (
    AGENT,
    AGENTS,
    ANONYMOUS,
    MODERATOR,
    MODERATORS,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    POST_ONLY,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

BOX = "petitions.petition_box"
NEW_TITLE = "Des fontaines d'eau potable au parc"
SIGNER = "lea.martin@example.org"
SUSPICIOUS_DOMAIN = "signatures-en-serie.example"
THEMES = ("Environnement", "Mobilités", "Vie scolaire")
TERRITORIES = ("Centre-bourg", "Les Hauts", "Le Port")

#: Everyone, signed in or not.
PUBLIC = statuses(200)


POSTCODES = 12

# --- Setups ----------------------------------------------------------------------------------


def _box(fx):
    """A petition box in the current phase of the fixtures' space (made once)."""
    from core.models import Component
    from plugins.petitions.models import PetitionSettings

    if "box" not in fx.objects:
        phase = fx.space.phases.order_by("sort_order").first()
        box = Component.objects.create(phase=phase, component_type=BOX, title="Pétitions de Saint-Aubin")
        PetitionSettings.objects.create(component=box, sponsors_required=2, answer_threshold=50,
                                        debate_threshold=200, collect_postcode=True, postcode_required=False)
        _place_postcodes()
        fx.objects["box"] = box
    return fx.objects["box"]


def _place_postcodes() -> None:
    """Positions of the postcodes the sample signers give, for the map of signatures by postcode."""
    from django.apps import apps

    if apps.is_installed("plugins.mapping"):
        from plugins.mapping.positions import load_positions

        load_positions(["postcode,name,latitude,longitude"]
                       + [f"{35000 + i},Commune {i},{48.0 + i / 50:.3f},{-2.0 + i / 50:.3f}" for i in range(POSTCODES)])


def _open(fx):
    """A petition launched by the organisation: it opens at once."""
    from plugins.petitions import services

    if "open" not in fx.objects:
        fx.objects["open"] = services.create_petition(
            _box(fx), author=fx.users[AGENT], title="Un éclairage public économe la nuit",
            text="Éteindre l'éclairage public entre 1 h et 5 h.", category=THEMES[0],
            territory=TERRITORIES[0], on_behalf_of_organisation=True,
        )
    return fx.objects["open"]


def _awaiting(fx):
    """A citizen's petition that waits for its co-sponsors (two are required)."""
    from plugins.petitions import services

    if "awaiting" not in fx.objects:
        fx.objects["awaiting"] = services.create_petition(
            _box(fx), author=fx.users[OTHER_PARTICIPANT], title="Un marché de producteurs le samedi",
            text="Un marché de producteurs locaux place de la mairie, le samedi matin.",
        )
    return fx.objects["awaiting"]


def _moderated(fx):
    """A citizen's petition that has its sponsors and waits for the moderators."""
    from core.contributions.services import change_status
    from plugins.petitions import services
    from plugins.petitions import workflow as states

    if "moderated" not in fx.objects:
        petition = services.create_petition(
            _box(fx), author=fx.users[OTHER_PARTICIPANT], title="Une piste cyclable vers le collège",
            text="Une piste séparée de la route départementale, du bourg au collège.",
        )
        change_status(petition.contribution, states.UNDER_MODERATION, by=None, system=True)
        fx.objects["moderated"] = petition
    return fx.objects["moderated"]


def _restricted(fx):
    """An open petition in a second box kept to the commune's residents aged 16 or more (an
    eligibility rule none of the fixtures' accounts meets)."""
    from core.identity.models import EligibilityRule
    from core.models import Component
    from plugins.petitions import services
    from plugins.petitions.models import PetitionSettings

    if "petitions_restricted" not in fx.objects:
        phase = fx.space.phases.order_by("sort_order").first()
        box = Component.objects.create(phase=phase, component_type=BOX, title="Pétitions des habitants")
        PetitionSettings.objects.create(component=box)
        EligibilityRule.objects.create(component=box, label="habitant de Saint-Aubin, 16 ans ou plus",
                                       residence_areas="Saint-Aubin", min_age=16)
        fx.objects["petitions_restricted"] = services.create_petition(
            box, author=fx.users[AGENT], title="Un conseil municipal des jeunes",
            text="Élire un conseil municipal des jeunes chaque année.", on_behalf_of_organisation=True,
        )
    return fx.objects["petitions_restricted"]


def _pending(fx):
    """The token of a signature of the open petition whose e-mail link is not yet followed."""
    from plugins.petitions import services

    if "pending" not in fx.objects:
        fx.objects["pending"] = services.sign(_open(fx), name="Paul Attente",
                                              email="paul.attente@example.org").token
    return fx.objects["pending"]


def _confirmed(fx):
    """The token of a confirmed signature of the open petition (it can be withdrawn)."""
    from plugins.petitions import services

    if "confirmed" not in fx.objects:
        token = services.sign(_open(fx), name="Claire Signataire", email="claire@example.org").token
        services.confirm_signature(token)
        fx.objects["confirmed"] = token
    return fx.objects["confirmed"]


def _suspicious(fx):
    """Confirmed signatures from a suspicious domain, for the fraud review."""
    from plugins.petitions import services

    if "suspicious" not in fx.objects:
        tokens = []
        for i in range(3):
            token = services.sign(_open(fx), name=f"Robot {i}", email=f"robot{i}@{SUSPICIOUS_DOMAIN}",
                                  ip="203.0.113.7").token
            services.confirm_signature(token)
            tokens.append(token)
        fx.objects["suspicious"] = tokens
    return fx.objects["suspicious"]


# --- Listed items, for the query budgets --------------------------------------------------------


def _petitions(fx, n: int) -> None:
    """``n`` more open petitions in the box, bulk-created (a Contribution "open" each)."""
    from django.utils import timezone

    from core.contributions.models import Contribution
    from plugins.petitions.models import Petition

    box = _box(fx)
    start = fx.objects.get("listed", 0)
    now = timezone.now()
    authors = [fx.users[PARTICIPANT], fx.users[OTHER_PARTICIPANT]]
    numbers = range(start, start + n)
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin="petitions", kind="petition", space=fx.space, author=authors[i % 2],
                     title=f"Pétition n° {i}", summary="Pour le quartier.", status="open")
        for i in numbers
    )
    petitions = Petition.objects.bulk_create(
        Petition(component=box, contribution=contribution, author=contribution.author,
                 title=contribution.title, text="Pour le quartier.", category=THEMES[i % 3],
                 territory=TERRITORIES[i % 3], opened_at=now - timedelta(minutes=i),
                 closes_at=now + timedelta(days=3 + i % 60), count_web=i, recent_count=i % 7)
        for i, contribution in zip(numbers, contributions, strict=True)
    )
    for contribution, petition in zip(contributions, petitions, strict=True):
        contribution.url = petition.get_absolute_url()
    Contribution.objects.bulk_update(contributions, ["url"])
    fx.objects["listed"] = start + n


def _signatures(fx, n: int) -> None:
    """``n`` more confirmed signatures of the open petition (the detail shows counters and the
    map by postcode: ten signers per postcode in turn, so that even the first ten are shown)."""
    import secrets

    from django.utils import timezone

    from plugins.petitions.models import Signature

    petition = _open(fx)
    start = fx.objects.get("signed", 0)
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(petition=petition, email=f"s{i}@signataires.example", email_domain="signataires.example",
                  name=f"Signataire {i}", token_hash=secrets.token_hex(32), confirmed_at=now,
                  ip_address=f"198.51.100.{i % 250}", postcode=f"{35000 + (i // 10) % POSTCODES}")
        for i in range(start, start + n)
    )
    fx.objects["signed"] = start + n


# --- URLs ----------------------------------------------------------------------------------


def _box_url(fx) -> str:
    return reverse("petitions:component", args=[_box(fx).pk])


def _detail_url(petition) -> str:
    return reverse("petitions:detail", args=[petition.pk])


def _open_url(fx) -> str:
    return _detail_url(_open(fx))


def _awaiting_url(fx) -> str:
    return _detail_url(_awaiting(fx))


def _moderated_url(fx) -> str:
    return _detail_url(_moderated(fx))


# --- What a completed form did --------------------------------------------------------------


def _created(fx, html: str) -> bool:
    from plugins.petitions.models import Petition

    return Petition.objects.filter(title=NEW_TITLE, author=fx.users[PARTICIPANT]).exists()


def _sponsored(fx, html: str) -> bool:
    from plugins.petitions.models import Sponsor

    return Sponsor.objects.filter(petition=_awaiting(fx), user=fx.users[PARTICIPANT]).exists()


def _signed(fx, html: str) -> bool:
    from plugins.petitions.models import Signature

    return Signature.objects.filter(petition=_open(fx), email=SIGNER).exists()


def _status_is(key: str, status: str):
    def done(fx, html: str) -> bool:
        from core.contributions.models import Contribution

        petition = fx.objects[key]
        return Contribution.objects.filter(pk=petition.contribution_id, status=status).exists()

    return done


def _withdrawn(fx, html: str) -> bool:
    from plugins.petitions.models import Signature

    return Signature.objects.filter(email="claire@example.org", withdrawn_at__isnull=False).exists()


def _invalidated(fx, html: str) -> bool:
    from plugins.petitions.models import Signature

    return Signature.objects.filter(email_domain=SUSPICIOUS_DOMAIN, invalidated_at__isnull=False).exists()


# --- The declarations ------------------------------------------------------------------------


def sample_pages() -> list[SamplePage]:
    """Every named URL of the ``petitions`` namespace."""
    return [
        SamplePage(
            name="petitions:index", url=lambda fx: reverse("petitions:index"), setup=_box,
            list_of=_petitions, audit_as=PARTICIPANT, label="Pétitions",
        ),
        SamplePage(
            name="petitions:component", url=_box_url, setup=_box, list_of=_petitions,
            audit_as=PARTICIPANT, label="Pétitions d'une boîte",
        ),
        SamplePage(
            name="petitions:create", setup=_box,
            url=lambda fx: reverse("petitions:create", args=[_box(fx).pk]),
            label="Lancer une pétition", get=SIGNED_IN, post=statuses(302),
            form=FormSample(
                data=lambda fx: {"title": NEW_TITLE, "text": "Deux fontaines près des jeux d'enfants.",
                                 "category": "Environnement", "territory": "Centre-bourg",
                                 "image_alt": ""},
                submit="Déposer la pétition", done=_created,
            ),
        ),
        SamplePage(
            name="petitions:detail", url=_open_url, setup=_open, list_of=_signatures,
            audit_as=PARTICIPANT, label="Pétition ouverte à la signature",
        ),
        SamplePage(
            name="petitions:detail", variant="soutiens", url=_awaiting_url, setup=_awaiting,
            label="Pétition en attente de soutiens", audit_as=PARTICIPANT,
        ),
        SamplePage(
            name="petitions:detail", variant="examen", url=_moderated_url, setup=_moderated,
            label="Pétition en cours d'examen", audit_as=MODERATOR,
        ),
        SamplePage(
            name="petitions:count", setup=_open, audit=False,
            url=lambda fx: reverse("petitions:count", args=[_open(fx).pk]),
            label="Compteur d'une pétition (JSON)",
        ),
        SamplePage(
            name="petitions:sponsor", setup=_awaiting, audit=False,
            url=lambda fx: reverse("petitions:sponsor", args=[_awaiting(fx).pk]),
            label="Soutenir une pétition", get=POST_ONLY, post=statuses(302),
            form=FormSample(
                data=lambda fx: {}, submit="Soutenir cette pétition", shown_on=_awaiting_url,
                done=_sponsored,
            ),
        ),
        SamplePage(
            name="petitions:sign", setup=_open,
            url=lambda fx: reverse("petitions:sign", args=[_open(fx).pk]),
            label="Signer une pétition", post=statuses(200),
            form=FormSample(
                data=lambda fx: {"name": "Léa Martin", "email": SIGNER, "consent": "on",
                                 "wants_updates": "on"},
                role=ANONYMOUS, fields=("name", "email"), submit="Signer", success_status=200,
                done=_signed,
            ),
        ),
        # Where rules apply, visitors see the conditions and a login link, accounts that do not
        # meet them see why and how to get verified; no form, and a POST is refused.
        SamplePage(
            name="petitions:sign", variant="conditions", setup=_restricted,
            url=lambda fx: reverse("petitions:sign", args=[_restricted(fx).pk]),
            label="Signer une pétition réservée aux habitants", post=statuses(403),
        ),
        SamplePage(
            name="petitions:confirm", setup=_pending,
            url=lambda fx: reverse("petitions:confirm", args=[_pending(fx)]),
            label="Confirmer sa signature", post=statuses(200),
            form=FormSample(
                data=lambda fx: {}, role=ANONYMOUS, submit="Je confirme ma signature",
                success_status=200, done=lambda fx, html: "votre signature est confirmée" in html,
            ),
        ),
        SamplePage(
            name="petitions:confirm", variant="invalide", audit=False,
            url=lambda fx: reverse("petitions:confirm", args=["pas-un-jeton"]),
            label="Lien de confirmation non valable", get=statuses(404), post=statuses(404),
        ),
        SamplePage(
            name="petitions:withdraw", setup=_confirmed,
            url=lambda fx: reverse("petitions:withdraw", args=[_confirmed(fx)]),
            label="Retirer sa signature", post=statuses(302),
            form=FormSample(
                data=lambda fx: {}, role=ANONYMOUS, submit="Retirer ma signature", done=_withdrawn,
            ),
        ),
        SamplePage(
            name="petitions:withdraw", variant="invalide", audit=False,
            url=lambda fx: reverse("petitions:withdraw", args=["pas-un-jeton"]),
            label="Lien de retrait non valable", get=statuses(404), post=statuses(404),
        ),
        SamplePage(
            name="petitions:accept", setup=_moderated, audit=False,
            url=lambda fx: reverse("petitions:accept", args=[_moderated(fx).pk]),
            label="Ouvrir une pétition à la signature", get=POST_ONLY,
            post=statuses(403, anonymous=302, moderator=302, admin=302),
            form=FormSample(
                data=lambda fx: {}, role=MODERATOR, submit="Ouvrir à la signature",
                shown_on=_moderated_url, done=_status_is("moderated", "open"),
            ),
        ),
        SamplePage(
            name="petitions:reject", setup=_moderated, audit=False,
            url=lambda fx: reverse("petitions:reject", args=[_moderated(fx).pk]),
            label="Refuser une pétition", get=POST_ONLY,
            post=statuses(403, anonymous=302, moderator=302, admin=302),
            form=FormSample(
                data=lambda fx: {"reason": "La voirie départementale ne relève pas de la commune."},
                role=MODERATOR, submit="Refuser", shown_on=_moderated_url,
                done=_status_is("moderated", "rejected"),
            ),
        ),
        SamplePage(
            name="petitions:respond", setup=_open, audit=False,
            url=lambda fx: reverse("petitions:respond", args=[_open(fx).pk]),
            label="Publier la réponse de l'organisation", get=POST_ONLY,
            post=statuses(403, anonymous=302, agent=302, official=302, admin=302),
            form=FormSample(
                data=lambda fx: {"body": "Le conseil municipal adopte l'extinction nocturne dès janvier.",
                                 "signature": "Jeanne Maire, maire"},
                role=AGENT, submit="Publier la réponse", shown_on=_open_url,
                done=_status_is("open", "answered"),
            ),
        ),
        SamplePage(
            name="petitions:fraud", setup=_suspicious, list_of=_signatures,
            url=lambda fx: reverse("petitions:fraud", args=[_open(fx).pk]),
            label="Contrôle des signatures", get=MODERATORS,
            post=statuses(403, anonymous=302, moderator=302, admin=302),
            form=FormSample(
                data=lambda fx: {"email_domain": SUSPICIOUS_DOMAIN, "ip_address": "",
                                 "reason_code": "fraud"},
                role=MODERATOR, fields=("email_domain", "ip_address"), submit="Invalider",
                done=_invalidated,
            ),
        ),
        SamplePage(
            name="petitions:export", setup=_confirmed, list_of=_signatures, audit=False,
            url=lambda fx: reverse("petitions:export", args=[_open(fx).pk]),
            label="Export des signatures (CSV)", get=AGENTS,
        ),
    ]
