"""The identity pages: what people and agents see and do, who may, and CSRF on every write."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.identity.models import (
    CensusList,
    ConflictCase,
    EligibilityRule,
    OneTimeCode,
    Verification,
)
from core.identity.services import match_census
from core.models import Role
from tests.conftest import make_user
from tests.core.identity.conftest import RESIDENTS_CSV, confirmed


def login(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(commune, association, person, agent, moderator, foreign_agent):
    admin = make_user("admin@saint-aubin.example", organisation=commune, role=Role.ADMIN)
    return {"anonymous": None, "participant": person, "foreign_agent": foreign_agent,
            "moderator": moderator, "agent": agent, "admin": admin}


def conflict_case(commune, census):
    holder = confirmed(make_user("premier@example.org"))
    claimant = confirmed(make_user("second@example.org"))
    for user in (holder, claimant):
        match_census(user, commune, family_name="Martin", given_names="Camille",
                     birth_date=date(1990, 7, 14), ip="192.0.2.1")
    return ConflictCase.objects.get(claimant=claimant)


def upload(name="liste.csv", content: bytes | None = None):
    content = RESIDENTS_CSV.encode() if content is None else content
    return SimpleUploadedFile(name, content, content_type="text/csv")


AGENT_WRITES = {
    "census_upload": lambda fx: (reverse("identity:census_upload", args=[fx["commune"].slug]),
                                 {"file": upload(), "kind": "residents", "area_name": "",
                                  "retention_days": "30"}),
    "in_person": lambda fx: (reverse("identity:in_person", args=[fx["commune"].slug]),
                             {"action": "verify", "email": fx["person"].email, "document_checked": "on",
                              "areas": "Centre-bourg", "birth_date": "1990-07-14"}),
    "postal_letters": lambda fx: (reverse("identity:postal_letters", args=[fx["commune"].slug]),
                                  {"letters": "Camille Martin ; 3 rue des Tilleuls ; 35190 ; Saint-Aubin"}),
    "resolve_conflict": lambda fx: (reverse("identity:resolve_conflict",
                                            args=[fx["commune"].slug, fx["case"].pk]),
                                    {"resolution": "keep"}),
}


def did_write(name: str, fx) -> bool:
    return {
        "census_upload": lambda: CensusList.objects.filter(row_count=3, purge_after__isnull=False)
        .exclude(pk=fx["census"].pk).exists(),
        "in_person": lambda: Verification.objects.filter(user=fx["person"], method="in_person").exists(),
        "postal_letters": lambda: OneTimeCode.objects.filter(kind="postal").exists(),
        "resolve_conflict": lambda: ConflictCase.objects.filter(resolved_at__isnull=False).exists(),
    }[name]()


@pytest.fixture
def fx(commune, census, person, people):
    return {"commune": commune, "census": census, "person": person, "case": conflict_case(commune, census)}


EXPECTED = {"anonymous": 302, "participant": 403, "foreign_agent": 403, "moderator": 403,
            "agent": None, "admin": None}


@pytest.mark.parametrize("name", sorted(AGENT_WRITES))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_agent_writes_permission_matrix(name, role, people, fx):
    url, data = AGENT_WRITES[name](fx)
    response = login(people[role]).post(url, data)
    if EXPECTED[role] is None:
        assert response.status_code in (200, 302), response.content[:500]
        assert did_write(name, fx)
    else:
        assert response.status_code == EXPECTED[role]
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/")
        assert not did_write(name, fx)


@pytest.mark.parametrize("name", ["census_upload", "in_person", "postal_letters", "conflicts"])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_agent_pages_permission_matrix(name, role, people, commune):
    response = login(people[role]).get(reverse(f"identity:{name}", args=[commune.slug]))
    assert response.status_code == (EXPECTED[role] or 200)


@pytest.mark.parametrize("name", sorted(AGENT_WRITES))
def test_agent_writes_need_a_csrf_token(name, fx, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    url, data = AGENT_WRITES[name](fx)
    assert client.post(url, data).status_code == 403
    assert not did_write(name, fx)
    client.get(reverse("identity:in_person", args=[fx["commune"].slug]))
    url, data = AGENT_WRITES[name](fx)
    response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code in (200, 302)
    assert did_write(name, fx)


PERSON_WRITES = {
    "census_match": lambda fx: (reverse("identity:census_match"),
                                {"organisation": fx["commune"].pk, "family_name": "Lefèvre",
                                 "given_names": "Inès", "birth_date": "21/11/1975"}),
    "redeem_code": lambda fx: (reverse("identity:redeem_code"), {"code": fx["code"]}),
}


@pytest.fixture
def person_fx(commune, census, person, agent):
    from core.identity.services import code_attributes, issue_code

    code, _row = issue_code("in_person", commune, issued_by=agent, attributes=code_attributes(areas=["Centre"]))
    return {"commune": commune, "code": code, "person": person}


@pytest.mark.parametrize("name", sorted(PERSON_WRITES))
def test_person_writes_anonymous_csrf_and_success(name, person_fx, person):
    url, data = PERSON_WRITES[name](person_fx)
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post(url, data).status_code == 403
    assert not Verification.objects.exists()
    client.get(url)
    response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302 and response["Location"] == reverse("identity:status")
    assert Verification.objects.get().user == person


def test_oidc_start_needs_a_csrf_token(person, settings):
    settings.PARVIS_OIDC_PROVIDERS = [{"key": "fc", "issuer": "https://idp.invalid", "client_id": "x",
                                       "client_secret": "y", "timeout": 0.5}]
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    url = reverse("identity:oidc_start", args=["fc"])
    assert client.post(url).status_code == 403
    assert "fc" not in str(client.session.get("identity_oidc_flows", {}))


def test_status_page_shows_what_was_proved_and_how_to_prove_more(person, commune, census, agent):
    from core.identity.services import verify_in_person

    verify_in_person(agent, commune, person, areas=["Centre-bourg"], birth_date=date(1990, 7, 14))
    page = login(person).get(reverse("identity:status")).content.decode()
    assert "Mes vérifications" in page and "Adresse électronique confirmée." in page
    assert "Vérification au guichet" in page and "Centre-bourg" in page and "Saint-Aubin" in page
    assert reverse("identity:census_match") in page and reverse("identity:redeem_code") in page
    assert "1990" not in page  # the birth date is not displayed back


def test_census_match_page_refuses_clearly(person, census):
    response = login(person).post(reverse("identity:census_match"), {
        "organisation": census.organisation.pk, "family_name": "Inconnu", "given_names": "Personne",
        "birth_date": "01/01/1980"})
    assert response.status_code == 200
    assert "Aucune personne de la liste ne correspond" in response.content.decode()
    assert not Verification.objects.exists()


def test_census_upload_shows_a_row_level_report_and_stores_nothing(commune, agent):
    bad = "nom;prénoms;date de naissance;secteur\nMartin;Camille;32/01/1990;Centre\n@x;Y;01/01/1990;Centre\n"
    response = login(agent).post(reverse("identity:census_upload", args=[commune.slug]),
                                 {"file": upload(content=bad.encode("cp1252")), "kind": "residents",
                                  "retention_days": "30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "aucune personne n'a été enregistrée" in page
    assert "Ligne 2" in page and "Ligne 3" in page and "formules" in page
    assert not CensusList.objects.exists()


def test_census_upload_refuses_a_retention_beyond_the_maximum(commune, agent, settings):
    settings.PARVIS_IDENTITY_CENSUS_RETENTION_DAYS = 90
    response = login(agent).post(reverse("identity:census_upload", args=[commune.slug]),
                                 {"file": upload(), "kind": "residents", "retention_days": "400"})
    assert response.status_code == 200 and "90 jours au plus" in response.content.decode()
    assert not CensusList.objects.exists()


def test_in_person_search_and_code_issuing(commune, agent, person):
    client = login(agent)
    page = client.get(reverse("identity:in_person", args=[commune.slug]), {"email": person.email})
    assert "Compte trouvé" in page.content.decode()
    response = client.post(reverse("identity:in_person", args=[commune.slug]), {
        "action": "code", "email": "", "document_checked": "on", "areas": "Les Prés"})
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode() and OneTimeCode.objects.get().user is None
    missing_check = client.post(reverse("identity:in_person", args=[commune.slug]), {
        "action": "verify", "email": person.email, "areas": "Les Prés"})
    assert missing_check.status_code == 200 and not Verification.objects.exists()


def test_postal_letters_print_once_and_keep_no_address(commune, agent, person):
    response = login(agent).post(reverse("identity:postal_letters", args=[commune.slug]), {
        "letters": f"Camille Martin ; 3 rue des Tilleuls ; 35190 ; Saint-Aubin ; {person.email}\n"
                   "Louis Durand ; 12 chemin du Moulin ; 35190 ; Saint-Aubin"})
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert page.count('class="letter"') == 2 and "3 rue des Tilleuls" in page
    codes = list(OneTimeCode.objects.order_by("pk"))
    assert [c.user for c in codes] == [person, None]
    assert all(c.attributes["areas"] == ["35190", "Saint-Aubin"] for c in codes)
    assert "Tilleuls" not in str(list(OneTimeCode.objects.values()))


def test_postal_letters_report_bad_lines_and_create_nothing(commune, agent):
    response = login(agent).post(reverse("identity:postal_letters", args=[commune.slug]), {
        "letters": "Camille ; 3 rue X ; 3519 ; Saint-Aubin\nsans séparateur\nX ; Y ; 35190 ; Z ; inconnu@example.org"})
    page = response.content.decode()
    assert "Ligne 1" in page and "Ligne 2" in page and "5 chiffres" in page
    assert not OneTimeCode.objects.exists()


def test_space_eligibility_page_explains_the_rules(space, person, census):
    EligibilityRule.objects.create(space=space, label="résident de Saint-Aubin, 16 ans ou plus",
                                   residence_areas="Saint-Aubin-des-Prés", min_age=16)
    url = reverse("identity:space_eligibility", args=[space.slug])
    page = login(person).get(url).content.decode()
    assert "résident de Saint-Aubin, 16 ans ou plus" in page
    assert "Vous ne pouvez pas participer pour l&#x27;instant" in page
    assert reverse("identity:census_match") in page
    assert "Connectez-vous" in Client().get(url).content.decode()


def test_conflict_resolution_cannot_touch_another_organisations_case(fx, foreign_agent, association):
    from core.models import Membership

    Membership.objects.create(user=foreign_agent, organisation=association, role=Role.ADMIN)
    response = login(foreign_agent).post(
        reverse("identity:resolve_conflict", args=[association.slug, fx["case"].pk]), {"resolution": "keep"})
    assert response.status_code == 404
    assert not ConflictCase.objects.filter(resolved_at__isnull=False).exists()
