"""The identity pages, declared for the every-page gates (docs/gates.md).

``core.sample_pages.sample_pages()`` adds :func:`identity_pages` to the core's declarations.
The OpenID Connect pages answer 404 when no provider is configured (as in the gates); their
flow is tested against a local provider in ``tests/core/identity/test_oidc.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from core.plugins import AGENTS, PARTICIPANT, SIGNED_IN, FormSample, SamplePage, statuses

AGENT_WRITES = statuses(403, anonymous=302, agent=302, admin=302)
BIRTH = date(1990, 7, 14)


def _census(fx) -> None:
    from core.identity.census import import_census

    csv = "nom;prénoms;date de naissance;secteur\nMartin;Camille;14/07/1990;Centre-bourg\n"
    fx.objects["census"] = import_census(fx.organisation, csv.encode(), uploaded_by=None,
                                         area_name=fx.organisation.name).census


def _code(fx) -> dict[str, str]:
    from core.identity.codes import code_attributes, issue_code

    code, _row = issue_code("in_person", fx.organisation, issued_by=fx.users["agent"],
                            attributes=code_attributes(areas=["Centre-bourg"]))
    return {"code": code}


def _verified(fx, html: str) -> bool:
    from core.identity.models import Verification

    return Verification.objects.filter(user=fx.users[PARTICIPANT]).exists()


def _verifications(fx, n: int) -> None:
    from core.identity.models import Verification

    Verification.objects.bulk_create(
        Verification(user=fx.users[PARTICIPANT], method="in_person", proves=["residence"],
                     areas=["Centre-bourg"], organisation=fx.organisation, identity_level=3)
        for _ in range(n))


def _conflict(fx) -> None:
    from core.identity.models import CensusEntry, ConflictCase

    _census(fx)
    entry = CensusEntry.objects.get(census=fx.objects["census"])
    entry.claimed_by = fx.users["other_participant"]
    entry.save()
    fx.objects["case"] = ConflictCase.objects.create(
        organisation=fx.organisation, entry=entry, claimant=fx.users[PARTICIPANT],
        holder=fx.users["other_participant"])


def _conflicts(fx, n: int) -> None:
    from core.identity.models import CensusEntry, CensusList, ConflictCase

    census = CensusList.objects.filter(organisation=fx.organisation).first() or CensusList.objects.create(
        organisation=fx.organisation, purge_after=timezone.now() + timedelta(days=30))
    start = CensusEntry.objects.count()
    entries = CensusEntry.objects.bulk_create(
        CensusEntry(census=census, identity_hash=f"{start + i:064x}", area="Centre",
                    birth_date=BIRTH, claimed_by=fx.users["other_participant"]) for i in range(n))
    ConflictCase.objects.bulk_create(
        ConflictCase(organisation=fx.organisation, entry=entry, claimant=fx.users[PARTICIPANT],
                     holder=fx.users["other_participant"]) for entry in entries)


def _census_file(fx) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "nom;prénoms;date de naissance;secteur\nDurand;Louis;02/03/2008;Les Prés\n"
    return {"file": SimpleUploadedFile("liste.csv", csv.encode(), content_type="text/csv"),
            "kind": "residents", "area_name": "Saint-Aubin", "retention_days": "30"}


def _agent(path: str):
    return lambda fx: reverse(f"identity:{path}", args=[fx.organisation.slug])


def identity_pages() -> list[SamplePage]:
    return [
        SamplePage(name="identity:status", url=lambda fx: reverse("identity:status"), get=SIGNED_IN,
                   list_of=_verifications, label="Mes vérifications"),
        SamplePage(
            name="identity:census_match", url=lambda fx: reverse("identity:census_match"),
            setup=_census, get=SIGNED_IN, post=statuses(302, anonymous=302),
            label="Me retrouver sur la liste des habitants",
            form=FormSample(
                data=lambda fx: {"organisation": str(fx.organisation.pk), "family_name": "Martin",
                                 "given_names": "Camille", "birth_date": "14/07/1990"},
                fields=("family_name", "given_names", "birth_date"), submit="Me vérifier",
                done=_verified,
            ),
        ),
        SamplePage(
            name="identity:redeem_code", url=lambda fx: reverse("identity:redeem_code"),
            get=SIGNED_IN, post=statuses(302, anonymous=302),
            label="Saisir un code de vérification",
            form=FormSample(data=_code, fields=("code",), submit="Valider le code", done=_verified),
        ),
        # No provider is configured in the gates: the pages answer 404 once signed in.
        SamplePage(name="identity:oidc_start",
                   url=lambda fx: reverse("identity:oidc_start", args=["franceconnect"]),
                   get=statuses(404, anonymous=302), post=statuses(404, anonymous=302),
                   audit=False, label="Vérification par un fournisseur d'identité"),
        SamplePage(name="identity:oidc_callback",
                   url=lambda fx: reverse("identity:oidc_callback", args=["franceconnect"]),
                   get=statuses(404, anonymous=302), audit=False,
                   label="Retour du fournisseur d'identité"),
        SamplePage(name="identity:space_eligibility",
                   url=lambda fx: reverse("identity:space_eligibility", args=[fx.space.slug]),
                   label="Qui peut participer"),
        SamplePage(
            name="identity:census_upload", url=_agent("census_upload"), get=AGENTS,
            post=AGENT_WRITES, label="Dépôt de la liste des habitants",
            form=FormSample(data=_census_file, role="agent", fields=("area_name", "retention_days"),
                            submit="Déposer la liste"),
        ),
        SamplePage(
            name="identity:in_person", url=_agent("in_person"), get=AGENTS, post=AGENT_WRITES,
            label="Vérification au guichet",
            form=FormSample(
                data=lambda fx: {"action": "verify", "email": fx.email(PARTICIPANT),
                                 "document_checked": "on", "areas": "Centre-bourg",
                                 "birth_date": "14/07/1990"},
                role="agent", fields=("email", "areas", "birth_date"), submit="Enregistrer",
                done=_verified,
            ),
        ),
        SamplePage(
            name="identity:postal_letters", url=_agent("postal_letters"), get=AGENTS,
            post=AGENTS, label="Lettres avec code",
            form=FormSample(
                data=lambda fx: {"letters": "Camille Martin ; 3 rue des Tilleuls ; 35190 ; Saint-Aubin"},
                role="agent", submit="Créer les lettres", success_status=200,
                done=lambda fx, html: 'class="letter"' in html,
            ),
        ),
        SamplePage(name="identity:conflicts", url=_agent("conflicts"), get=AGENTS,
                   list_of=_conflicts, setup=_conflict, label="Conflits d'identité"),
        SamplePage(
            name="identity:resolve_conflict", setup=_conflict,
            url=lambda fx: reverse("identity:resolve_conflict",
                                   args=[fx.organisation.slug, fx.objects["case"].pk]),
            get=statuses(405), post=AGENT_WRITES, audit=False, label="Décision sur un conflit",
            form=FormSample(data=lambda fx: {"resolution": "keep"}, role="agent",
                            submit="Décider", shown_on=_agent("conflicts")),
        ),
    ]

