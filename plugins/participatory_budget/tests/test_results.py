"""Counting: stored results equal the tally engine on the exported anonymous ballots; every
project is explained; paper ballots through the shared paper entry screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.participation.models import ParticipationRecord
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Ballot, Budget, Stage
from plugins.participatory_budget.results import explanation, publish_results
from plugins.participatory_budget.tally import loads, tally

from .conftest import verified_in

pytestmark = pytest.mark.django_db

#: (district, projects chosen) for ten voters.
BALLOTS = [
    ("Le Bourg", ["bancs", "jardin"]), ("Le Bourg", ["bancs", "eau"]), ("Le Bourg", ["jardin", "livres"]),
    ("Le Bourg", ["toilettes"]), ("Le Bourg", ["bancs", "livres", "eau"]), ("Les Hameaux", ["petanque", "eau"]),
    ("Les Hameaux", ["petanque"]), ("Les Hameaux", ["livres"]), ("Le Bourg", ["jardin", "bancs"]),
    ("Le Bourg", ["toilettes", "eau"]),
]


def _vote_all(budget, projects):
    from tests.conftest import make_user

    for number, (district, keys) in enumerate(BALLOTS):
        user = verified_in(make_user(f"votant{number}@example.org"), district)
        services.cast_ballot(budget, user=user, district=budget.districts.get(name=district),
                             choice=[projects[k].ballot_id for k in keys])


@pytest.mark.parametrize("rule", ["greedy", "greedy-no-skip", "mes"])
def test_results_equal_a_recount_of_the_published_ballots(client, voting, agent, rule):
    budget, projects = voting
    Budget.objects.filter(pk=budget.pk).update(rule=rule)
    budget.refresh_from_db()
    _vote_all(budget, projects)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    results = publish_results(budget.pk).results
    assert results["ballots"] == len(BALLOTS)
    for key, area in results["areas"].items():
        exported = client.get(reverse("participatory_budget:export_pb", args=[budget.component_id, key]))
        assert exported.status_code == 200
        election = loads(exported.content.decode())
        # Anyone can recount from the export with the file's own rule.
        assert [int(p) for p in tally(election).selected] == area["selected"]
        assert sum(area["projects"][i]["supporters"] for i in range(len(area["projects"]))) == sum(
            len(b.vote) for b in election.ballots)
        assert "@" not in exported.content.decode()  # no e-mail, no name: anonymous ballots
    # Every project on the ballot has its explanation; funded ones say so.
    for area in results["areas"].values():
        for row in area["projects"]:
            assert explanation(budget, row["why"]).startswith("Financé" if row["funded"] else "Non financé")


def test_greedy_results_by_hand(voting, agent):
    budget, p = voting
    _vote_all(budget, p)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    areas = publish_results(budget.pk).results["areas"]
    bourg = areas[str(budget.districts.get(name="Le Bourg").pk)]
    # Le Bourg (50,000): bancs 4 votes (9,000), jardin 3 (28,000), toilettes 2 (42,000 does not fit).
    assert bourg["selected"] == [p["bancs"].pk, p["jardin"].pk]
    assert bourg["spent"] == 37_000
    toilettes = next(row for row in bourg["projects"] if row["id"] == p["toilettes"].pk)
    assert "il ne restait que 13\u202f000\u00a0€ pour un coût de 42\u202f000\u00a0€" in explanation(budget, toilettes["why"])
    citywide = areas["citywide"]
    # City-wide (30,000): eau 4 (16,000), livres 3 (2,400).
    assert citywide["selected"] == [p["eau"].pk, p["livres"].pk]


def test_votes_per_channel_and_paper_ballots_through_the_paper_entry(client, voting, agent):
    budget, p = voting
    _vote_all(budget, p)
    client.force_login(agent)
    url = reverse("participation:paper_entry", args=[budget.subject_key])
    sheet = {"email": "papier@example.org", "sheet_reference": "Urne 1", "district": "Le Bourg",
             "ballot": f"{p['toilettes'].pk}, {p['livres'].pk}"}
    response = client.post(url, sheet)
    assert response.status_code == 200 and "Urne 1" in response.content.decode()
    ballot = Ballot.objects.get(budget=budget, channel="paper")
    assert ballot.choice == sorted([p["toilettes"].ballot_id, p["livres"].ballot_id], key=int)
    # A bad paper ballot is refused with the reason, and nothing is written.
    bad = {**sheet, "email": "papier2@example.org", "ballot": f"{p['jardin'].pk}, {p['toilettes'].pk}"}
    response = client.post(url, bad)
    assert "dépasse l&#x27;enveloppe" in response.content.decode()
    assert not ParticipationRecord.objects.filter(subject_key=budget.subject_key, sheet_reference="Urne 1",
                                                  channel="paper").exclude(pk=ballot.record_id).exists()
    response = client.post(url, {**sheet, "email": "papier3@example.org", "district": "Nulle part"})
    assert "Quartier inconnu" in response.content.decode()
    # The same person cannot vote on paper and online.
    response = client.post(url, {**sheet, "email": "votant0@example.org"})
    assert "déjà" in response.content.decode()
    assert Ballot.objects.filter(budget=budget).count() == len(BALLOTS) + 1
    services.set_stage(budget, Stage.RESULTS, by=agent)
    areas = publish_results(budget.pk).results["areas"]
    toilettes = next(r for r in areas[str(budget.districts.get(name="Le Bourg").pk)]["projects"]
                     if r["id"] == p["toilettes"].pk)
    assert toilettes["channels"] == {"web": 2, "paper": 1}
    page = client.get(reverse("participatory_budget:results", args=[budget.component_id])).content.decode()
    assert "papier : 1" in page


def test_no_export_before_the_results(client, voting):
    budget, _p = voting
    assert client.get(reverse("participatory_budget:export_pb", args=[budget.component_id, "citywide"])).status_code == 404


def test_unknown_envelope_is_404(client, voting, agent):
    budget, _p = voting
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    assert client.get(reverse("participatory_budget:export_pb", args=[budget.component_id, "nowhere"])).status_code == 404


def test_mes_explains_equal_shares(voting, agent):
    budget, p = voting
    Budget.objects.filter(pk=budget.pk).update(rule="mes", completion=False)
    budget.refresh_from_db()
    _vote_all(budget, p)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    areas = publish_results(budget.pk).results["areas"]
    rows = [r for a in areas.values() for r in a["projects"]]
    texts = {r["id"]: explanation(budget, r["why"]) for r in rows}
    assert any("parts égales" in texts[r["id"]] for r in rows if r["funded"])
    assert all("part égale" in texts[r["id"]] or "personne" in texts[r["id"]] for r in rows if not r["funded"])


def test_explanations_are_written_in_the_readers_language(client, voting, agent):
    budget, p = voting
    _vote_all(budget, p)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    url = reverse("participatory_budget:results", args=[budget.component_id])
    assert "Non financé : " in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not funded: " in english and "Non financé" not in english


NNBSP, NBSP = "\u202f", "\u00a0"


def test_pages_write_amounts_the_same_way_in_the_readers_language(client, voting, agent, resident):
    budget, p = voting
    page = reverse("participatory_budget:component", args=[budget.component_id])
    french = client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Montant total : 100{NNBSP}000{NBSP}€." in french
    assert f"Toute la commune : 30{NNBSP}000{NBSP}€." in french
    assert f"Le Bourg : 50{NNBSP}000{NBSP}€." in french and f"28{NNBSP}000{NBSP}€" in french
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€100,000" in english and "€28,000" in english
    client.force_login(verified_in(resident, "Le Bourg"))
    ballot = client.get(reverse("participatory_budget:vote", args=[budget.component_id]),
                        HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"enveloppe de 50{NNBSP}000{NBSP}€" in ballot and f"Des bancs ombragés — 9{NNBSP}000{NBSP}€" in ballot
    client.logout()
    _vote_all(budget, p)
    services.set_stage(budget, Stage.RESULTS, by=agent)
    publish_results(budget.pk)
    url = reverse("participatory_budget:results", args=[budget.component_id])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Dépensé : 37{NNBSP}000{NBSP}€ sur 50{NNBSP}000{NBSP}€" in french
    assert f"<td>42{NNBSP}000{NBSP}€</td>" in french
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€37,000" in english and "<td>€42,000</td>" in english
    assert "only €13,000 was left for a cost of €42,000" in english
    for text in (french, english, ballot):
        assert not re.search(r"\d\s*EUR", text)
