"""The verification_methods hook: built-ins, a plugin's method, and the demo content."""

from __future__ import annotations

import types
from datetime import date, timedelta

import pytest

from core.identity.methods import all_methods
from core.identity.models import EligibilityRule, Verification
from core.identity.services import check_eligibility, match_census, record_verification
from core.plugin_host import call_each, get_manager
from core.plugins import PROOF_RESIDENCE, VerificationMethod, hookimpl


@pytest.fixture
def city_card_plugin():
    """A plugin registered for one test, offering a 'city card' verification."""
    module = types.ModuleType("carte_citoyenne")

    @hookimpl
    def verification_methods():
        return [VerificationMethod(key="carte", label="Carte citoyenne", proves=frozenset({PROOF_RESIDENCE}),
                                   validity=timedelta(days=10), start_url="/carte/verifier/",
                                   identity_level=2)]

    module.verification_methods = verification_methods
    manager = get_manager()
    manager.register(module, name="carte_citoyenne")
    yield module
    manager.unregister(module)


def test_builtin_methods_are_declared(db):
    methods = all_methods()
    assert {"email", "census", "in_person", "postal"} <= set(methods)
    assert methods["census"].proves >= {"residence", "age", "identity"}
    assert methods["in_person"].identity_level == 3 and methods["postal"].proves == {"residence"}
    assert methods["census"].validity == timedelta(days=365)
    assert methods["email"].start_url(None) == "/accounts/email/"


def test_a_plugin_method_is_registered_counted_and_offered(city_card_plugin, space, person):
    results = dict(call_each("verification_methods"))
    assert results["carte_citoyenne"][0].key == "carte"
    assert all_methods()["carte_citoyenne.carte"].label == "Carte citoyenne"
    EligibilityRule.objects.create(space=space, residence_areas="Les Prés")
    result = check_eligibility(person, space)
    assert ("Carte citoyenne", "/carte/verifier/") in result.how_to_verify
    verification = record_verification(person, "carte_citoyenne.carte", proves={"residence"},
                                       areas=["Les Prés"], birth_date=date(1990, 1, 1))
    assert verification.birth_date is None  # not kept: the method does not prove age
    assert verification.expires_at - verification.verified_at == timedelta(days=10)
    assert check_eligibility(person, space).ok


def test_demo_content_gives_a_census_list_and_a_rule(db, person):
    from core.demo import load_demo
    from core.identity.demo import load_identity_demo

    demo = load_demo()
    load_identity_demo(demo)
    load_identity_demo(demo)  # idempotent
    rule = EligibilityRule.objects.get()
    assert rule.space == demo.spaces["commune"] and rule.min_age == 16
    assert str(rule) == "résident de Saint-Aubin-des-Prés, 16 ans ou plus"
    assert not check_eligibility(person, demo.spaces["commune"]).ok
    result = match_census(person, demo.commune, family_name="Martin", given_names="Camille",
                          birth_date=date(1990, 7, 14), ip="192.0.2.1")
    assert result.ok, result.message
    assert Verification.objects.get(user=person).areas == ["Centre-bourg", "Saint-Aubin-des-Prés"]
    assert check_eligibility(person, demo.spaces["commune"]).ok
    # A resident under 16 on the list is told why.
    young = match_census(demo.admin or person, demo.commune, family_name="Moreau", given_names="Théo",
                         birth_date=date(2011, 9, 30), ip="192.0.2.2")
    assert young.status in {"verified", "other_identity"}
