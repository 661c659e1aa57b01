"""Ballots: each vote type's rules, districts, phases; bad ballots are refused and change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.participation.models import ParticipationRecord
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Ballot, Budget, Stage

from .conftest import verified_in

pytestmark = pytest.mark.django_db


def _set(budget, **fields):
    Budget.objects.filter(pk=budget.pk).update(**fields)
    budget.refresh_from_db()
    return budget


def _nothing_recorded(budget):
    return not Ballot.objects.filter(budget=budget).exists() and not ParticipationRecord.objects.filter(
        subject_key=budget.subject_key).exists()


@pytest.fixture
def bourg_voter(resident):
    return verified_in(resident, "Le Bourg")


def test_knapsack_refuses_a_basket_over_an_envelope(voting, bourg_voter):
    budget, p = voting
    bourg = budget.districts.get(name="Le Bourg")
    with pytest.raises(ValidationError, match="dépasse l'enveloppe « Le Bourg »"):
        services.cast_ballot(budget, user=bourg_voter, district=bourg,
                             choice=[p["jardin"].ballot_id, p["toilettes"].ballot_id])  # 70,000 > 50,000
    assert _nothing_recorded(budget)
    services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=[p["jardin"].ballot_id, p["bancs"].ballot_id,
                                                                           p["eau"].ballot_id, p["livres"].ballot_id])
    assert Ballot.objects.filter(budget=budget).count() == 1


def test_approval_refuses_more_than_the_maximum(voting, bourg_voter):
    budget, p = voting
    _set(budget, vote_type="approval", max_projects=2)
    with pytest.raises(ValidationError, match="le maximum est 2"):
        services.cast_ballot(budget, user=bourg_voter, district=budget.districts.get(name="Le Bourg"),
                             choice=[p["bancs"].ballot_id, p["jardin"].ballot_id, p["toilettes"].ballot_id])
    assert _nothing_recorded(budget)


def test_choose_one_per_envelope(voting, bourg_voter):
    budget, p = voting
    _set(budget, vote_type="choose-1")
    bourg = budget.districts.get(name="Le Bourg")
    with pytest.raises(ValidationError, match="un seul projet par enveloppe"):
        services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=[p["bancs"].ballot_id, p["jardin"].ballot_id])
    services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=[p["bancs"].ballot_id, p["eau"].ballot_id])
    assert Ballot.objects.get(budget=budget).choice == sorted([p["bancs"].ballot_id, p["eau"].ballot_id], key=int)


def test_cumulative_points(client, voting, bourg_voter):
    budget, p = voting
    _set(budget, vote_type="cumulative", points=10)
    client.force_login(bourg_voter)
    url = reverse("participatory_budget:vote", args=[budget.component_id])
    bourg = budget.districts.get(name="Le Bourg")
    response = client.post(url, {"district": bourg.pk, f"points-{p['bancs'].pk}": "7", f"points-{p['eau'].pk}": "4"})
    assert response.status_code == 400 and "11 points sur 10" in response.content.decode()
    response = client.post(url, {"district": bourg.pk, f"points-{p['bancs'].pk}": "-3"})
    assert response.status_code == 400 and "négatifs" in response.content.decode()
    response = client.post(url, {"district": bourg.pk, f"points-{p['bancs'].pk}": "abc"})
    assert response.status_code == 400 and "entiers" in response.content.decode()
    assert _nothing_recorded(budget)
    response = client.post(url, {"district": bourg.pk, f"points-{p['bancs'].pk}": "6", f"points-{p['eau'].pk}": "4"})
    assert response.status_code == 200
    assert Ballot.objects.get(budget=budget).choice == {p["bancs"].ballot_id: 6, p["eau"].ballot_id: 4}


def test_ranked_keeps_the_order_and_refuses_equal_ranks(client, voting, bourg_voter):
    budget, p = voting
    _set(budget, vote_type="ranked")
    client.force_login(bourg_voter)
    url = reverse("participatory_budget:vote", args=[budget.component_id])
    bourg = budget.districts.get(name="Le Bourg")
    response = client.post(url, {"district": bourg.pk, f"rank-{p['bancs'].pk}": "1", f"rank-{p['eau'].pk}": "1"})
    assert response.status_code == 400 and "même rang" in response.content.decode()
    response = client.post(url, {"district": bourg.pk, f"rank-{p['eau'].pk}": "1", f"rank-{p['bancs'].pk}": "2",
                                 f"rank-{p['jardin'].pk}": "5"})
    assert response.status_code == 200
    assert Ballot.objects.get(budget=budget).choice == [p["eau"].ballot_id, p["bancs"].ballot_id, p["jardin"].ballot_id]


def test_projects_not_on_the_ballot_are_refused(voting, bourg_voter, agent, resident):
    budget, p = voting
    bourg = budget.districts.get(name="Le Bourg")
    with pytest.raises(ValidationError, match="n'est pas soumis au vote"):
        services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=[p["petanque"].ballot_id])  # Les Hameaux
    with pytest.raises(ValidationError, match="n'est pas soumis au vote"):
        services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=["999999"])
    with pytest.raises(ValidationError, match="deux fois"):
        services.cast_ballot(budget, user=bourg_voter, district=bourg, choice=[p["bancs"].ballot_id] * 2)
    assert _nothing_recorded(budget)


def test_no_vote_outside_ones_district(client, voting, bourg_voter):
    budget, p = voting
    hameaux = budget.districts.get(name="Les Hameaux")
    with pytest.raises(ValidationError, match="réservé à ses habitants"):
        services.cast_ballot(budget, user=bourg_voter, district=hameaux, choice=[p["petanque"].ballot_id])
    client.force_login(bourg_voter)
    response = client.post(reverse("participatory_budget:vote", args=[budget.component_id]),
                           {"district": hameaux.pk, "project": [p["petanque"].ballot_id]})
    assert response.status_code == 400 and "réservé à ses habitants" in response.content.decode()
    assert _nothing_recorded(budget)
    # The ballot page offers the voter's own district only.
    page = client.get(reverse("participatory_budget:vote", args=[budget.component_id])).content.decode()
    assert p["bancs"].title in page and p["petanque"].title not in page


def test_no_vote_outside_the_voting_stage(client, budget, districts, bourg_voter, agent):
    with pytest.raises(ValidationError, match="pas ouvert"):
        services.cast_ballot(budget, user=bourg_voter, district=districts[0], choice=[])
    client.force_login(bourg_voter)
    response = client.post(reverse("participatory_budget:vote", args=[budget.component_id]), {"project": ["1"]})
    assert response.status_code == 403
    assert _nothing_recorded(budget)


def test_anonymous_visitors_are_asked_to_log_in(client, voting):
    budget, _p = voting
    url = reverse("participatory_budget:vote", args=[budget.component_id])
    assert "Se connecter pour voter" in client.get(url).content.decode()
    response = client.post(url, {"project": ["1"]})
    assert response.status_code == 302 and "login" in response["Location"]
    assert _nothing_recorded(budget)


def test_preview_shows_what_is_left_without_recording(client, voting, bourg_voter):
    budget, p = voting
    client.force_login(bourg_voter)
    bourg = budget.districts.get(name="Le Bourg")
    response = client.post(reverse("participatory_budget:vote", args=[budget.component_id]),
                           {"district": bourg.pk, "project": [p["jardin"].ballot_id], "preview": "1"})
    assert response.status_code == 200
    assert f'value="{50_000 - 28_000}"' in response.content.decode()
    assert _nothing_recorded(budget)


def test_eligibility_rules_of_the_budget_apply(client, voting, bourg_voter):
    from core.identity.models import EligibilityRule
    from core.participation.services import NotEligible

    budget, p = voting
    EligibilityRule.objects.create(component=budget.component, label="16 ans ou plus", min_age=16)
    with pytest.raises(NotEligible) as refused:
        services.cast_ballot(budget, user=bourg_voter, district=budget.districts.get(name="Le Bourg"),
                             choice=[p["bancs"].ballot_id])
    assert "16" in str(refused.value) or "âge" in str(refused.value)
    assert _nothing_recorded(budget)


def test_stage_is_checked_again_at_submission(voting, bourg_voter, agent):
    budget, p = voting
    stale = Budget.objects.get(pk=budget.pk)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    from core.participation.services import SubjectClosed

    stale.stage = Stage.VOTING  # a form opened before the close
    with pytest.raises(SubjectClosed):
        services.cast_ballot(stale, user=bourg_voter, district=budget.districts.get(name="Le Bourg"),
                             choice=[p["bancs"].ballot_id])
    assert _nothing_recorded(budget)
