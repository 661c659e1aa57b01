"""A Parvis instance and a fediverse server that is not Parvis (Fedify) federate on loopback.

The peer follows a space's Group and Parvis accepts; Parvis's instance actor follows the peer
and the peer accepts; a petition ``Page`` and a budget's results ``Question`` published by
Parvis reach the peer, which verifies every signature with its own code before recording an
activity; the peer's ``Like`` of the petition is counted as a fediverse support, not a
signature; requests forged with Fedify's signer (unsigned, altered, stale, signed with a key
that is not the actor's, or by another actor) are refused and leave nothing behind; ``Undo``
ends the follow. Run with ``tox -e interop`` (needs Node.js and ``npm ci``).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.interop.servers import FedifyPeer, Instance

pytestmark = pytest.mark.interop

WAIT = 30  # seconds for an activity to arrive


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    parvis = Instance("Parvis", tmp_path_factory.mktemp("parvis"))
    peer = FedifyPeer(tmp_path_factory.mktemp("fedify"))
    try:
        peer.start()
        parvis.start()
        yield parvis, peer
    finally:
        parvis.stop()
        peer.stop()


def arrived(peer: FedifyPeer, predicate) -> list[dict]:
    """The activities the peer received that match, waiting a bounded time for the first."""
    deadline = time.monotonic() + WAIT
    while True:
        found = [a for a in peer.received() if predicate(a)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


SETUP = """
from core.models import Component, Organisation
from core.testing import make_space, make_user
from federation.models import DomainRule
from plugins.petitions.models import PetitionSettings
from plugins.participatory_budget import services as budgets
commune = Organisation.objects.create(name="Commune P", slug="commune-p")
space = make_space(commune, "centre-bourg")
phase = space.phases.first()
box = Component.objects.create(phase=phase, component_type="petitions.petition_box", title="Pétitions")
PetitionSettings.objects.create(component=box)
Component.objects.create(phase=phase, component_type=budgets.COMPONENT_TYPE, title="Budget participatif")
make_user("agent@p.example", organisation=commune, role="agent")
DomainRule.objects.create(domain="{peer}", kind="allow")
result = {{"space": space.slug}}
"""


def test_a_fedify_peer_and_parvis_federate(servers):
    parvis, peer = servers
    space = parvis.run(SETUP.format(peer=peer.domain))["space"]
    group = f"{parvis.base}/federation/actors/{space}"

    # 1. The peer follows the space's Group; Parvis accepts under its allowlist and the peer
    #    verifies the Accept's signature.
    follow = peer.command("follow", target=group)["id"]
    accepts = arrived(peer, lambda a: a["type"] == "Accept" and a["actor"] == group)
    assert [a["object"] for a in accepts] == [follow]
    assert parvis.run(f"""
from federation.models import Follow
result = list(Follow.objects.filter(followed__uri="{group}").values_list("follower__uri", "state"))
""") == [[peer.actor, "accepted"]]

    # 2. Parvis's instance actor follows the peer; the peer accepts and Parvis verifies it.
    state = parvis.run(f"""
from federation import services
from federation.models import Follow
from federation.remote import remote_actor
row = services.follow(remote_actor("{peer.actor}"))
result = Follow.objects.get(pk=row.pk).state
""")
    assert state == "accepted"
    follows = [a for a in peer.received() if a["type"] == "Follow"]
    assert [a["actor"] for a in follows] == [f"{parvis.base}/federation/actors/instance"]

    # 3. A petition opens: its Page reaches the peer.
    petition = parvis.run("""
from core.models import Component
from django.contrib.auth import get_user_model
from federation.outbox import object_id
from plugins.petitions import services
box = Component.objects.get(component_type="petitions.petition_box")
petition = services.create_petition(box, author=get_user_model().objects.get(email="agent@p.example"),
                                    title="Des bancs au parc", text="Trois bancs.", on_behalf_of_organisation=True)
result = object_id("petitions", "petition", petition.pk)
""")
    pages = arrived(peer, lambda a: a["type"] == "Create" and a["object"] == petition)
    assert len(pages) == 1
    assert pages[0]["actor"] == group and pages[0]["name"] == "Des bancs au parc"
    assert pages[0]["objectType"] == "https://www.w3.org/ns/activitystreams#Page"

    # 4. A budget is counted: its results, a closed Question whose options are the projects.
    results = parvis.run("""
from core.identity.methods import IN_PERSON
from core.identity.verifications import record_verification
from core.models import Component
from core.plugins import PROOF_RESIDENCE
from core.testing import make_user
from django.contrib.auth import get_user_model
from federation.outbox import object_id
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Stage
from plugins.participatory_budget.results import publish_results
agent = get_user_model().objects.get(email="agent@p.example")
budget = services.budget_for(Component.objects.get(component_type=services.COMPONENT_TYPE))
budget.citywide_envelope = 20_000
budget.save()
resident = make_user("habitante@p.example")
record_verification(resident, IN_PERSON, proves=[PROOF_RESIDENCE], areas=["Le Bourg"])
bancs = services.propose(budget, author=resident, title="Des bancs ombragés", description="Pour tous.")
eau = services.propose(budget, author=resident, title="Des récupérateurs d'eau", description="Pour tous.")
for project, cost in ((bancs, 9_000), (eau, 16_000)):
    services.review(project, by=agent, feasibility="feasible", cost=cost, note="Chiffré.")
services.set_stage(budget, Stage.REVIEW, by=agent)
services.set_stage(budget, Stage.VOTING, by=agent)
budget.refresh_from_db()
services.cast_ballot(budget, user=resident, district=None, choice=[bancs.ballot_id])
services.set_stage(budget, Stage.RESULTS, by=agent)
publish_results(budget.pk)
result = object_id("participatory_budget", "results", budget.pk)
""")
    questions = arrived(peer, lambda a: a["type"] in ("Create", "Update") and a["object"] == results)
    assert questions, peer.received()
    question = questions[-1]
    assert question["objectType"] == "https://www.w3.org/ns/activitystreams#Question"
    assert question["closed"] is True
    assert sorted(question["options"]) == ["Des bancs ombragés", "Des récupérateurs d'eau"]

    # 5. The peer likes the petition: a fediverse support, never a signature.
    peer.command("like", object=petition, to=group)
    deadline = time.monotonic() + WAIT
    while True:
        counts = parvis.run(f"""
from federation.supports import support_count
from plugins.petitions.models import Petition
petition = Petition.objects.get()
result = {{"supports": support_count("{petition}"), "signatures": petition.signatures.count()}}
""")
        if counts["supports"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert counts == {"supports": 1, "signatures": 0}

    # 6. Forgeries made with Fedify's own signer are refused; nothing is stored.
    before = parvis.run("from federation.models import Activity\nresult = Activity.objects.count()")
    inbox = f"{parvis.base}/federation/inbox"
    answers = {kind: peer.command("forge", inbox=inbox, kind=kind, object=petition)
               for kind in ("unsigned", "altered", "stale", "other-key", "wrong-actor")}
    assert {kind: answer["status"] for kind, answer in answers.items()} == dict.fromkeys(answers, 401)
    reasons = {kind: json.loads(answer["answer"])["error"] for kind, answer in answers.items()}
    assert "not signed" in reasons["unsigned"]
    assert "digest" in reasons["altered"]
    assert "Date" in reasons["stale"]
    assert "does not verify" in reasons["other-key"]
    assert "another actor" in reasons["wrong-actor"]
    assert parvis.run("from federation.models import Activity\nresult = Activity.objects.count()") == before

    # 7. The peer stops following the Group.
    peer.command("undo-follow", target=group)
    deadline = time.monotonic() + WAIT
    while parvis.run(f"""
from federation.models import Follow
result = Follow.objects.filter(followed__uri="{group}").count()
""") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert parvis.run(f"""
from federation.models import Follow
result = Follow.objects.filter(followed__uri="{group}").count()
""") == 0
