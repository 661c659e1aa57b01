"""Two real Parvis instances on loopback federate: an instance agreement approved by an
administrator, a remote follow of a space's Group, a petition published on B mirrored on A, a
member of A signing it through A (counted by B in its partner channel), Undo, then a block
refused.

Each instance is a ``runserver`` subprocess with its own ``PARVIS_DATA_DIR`` (SQLite), on its
own 127.0.0.1 port, with the test-only loopback and http allowances switched on; the work of
the ``federation`` queue runs in-process (eager tasks). Run with ``tox -e interop``.
"""

from __future__ import annotations

import pytest

from tests.interop.servers import Instance

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    a = Instance("A", tmp_path_factory.mktemp("instance-a"))
    b = Instance("B", tmp_path_factory.mktemp("instance-b"))
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


SETUP_B = """
from core.models import Component, Organisation, Phase, Space
from core.testing import make_space, make_user
from federation.models import DomainRule
from plugins.petitions.models import PetitionSettings
commune = Organisation.objects.create(name="Commune B", slug="commune-b")
space = make_space(commune, "centre-bourg")
box = Component.objects.create(phase=space.phases.first(), component_type="petitions.petition_box", title="Pétitions")
PetitionSettings.objects.create(component=box)
make_user("admin@b.example", organisation=commune, role="agent")
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser(email="root@b.example", password="x-Interop-1")
DomainRule.objects.create(domain="{partner}", kind="allow")
result = {{"space": space.slug}}
"""

SETUP_A = """
from django.contrib.auth import get_user_model
from federation.models import DomainRule
get_user_model().objects.create_superuser(email="root@a.example", password="x-Interop-1")
DomainRule.objects.create(domain="{partner}", kind="allow")
result = {{}}
"""


def test_two_instances_federate(instances):
    a, b = instances
    b.run(SETUP_B.format(partner=a.domain))
    a.run(SETUP_A.format(partner=b.domain))

    # 1. Instance agreement: A's instance actor asks B's; B's administrator approves it.
    asked = a.run(f"""
from federation import services
from federation.remote import remote_actor
row = services.follow(remote_actor("{b.base}/federation/actors/instance"))
row.refresh_from_db()
result = {{"state": row.state, "delivered": list(row.follower.activities.filter(type="Follow")
          .values_list("deliveries__state", flat=True))}}
""")
    assert asked == {"state": "pending", "delivered": ["delivered"]}
    approved = b.run("""
from django.contrib.auth import get_user_model
from federation import services
pending = list(services.pending_agreements())
follow = services.approve_follow(pending[0], by=get_user_model().objects.get(email="root@b.example"))
result = {"pending": [p.follower.uri for p in pending], "state": follow.state}
""")
    assert approved == {"pending": [f"{a.base}/federation/actors/instance"], "state": "accepted"}
    assert a.run("""
from federation.models import Follow
result = list(Follow.objects.filter(follower__is_local=True).values_list("state", flat=True))
""") == ["accepted"]
    status, page = b.get("/federation/partenaires/")
    assert status == 200 and a.domain in page

    # 2. A follows the Group of B's space: accepted at once under B's allowlist.
    followed = a.run(f"""
from federation import services
from federation.remote import remote_actor
row = services.follow(remote_actor("{b.base}/federation/actors/centre-bourg"))
row.refresh_from_db()
result = {{"state": row.state}}
""")
    assert followed == {"state": "accepted"}

    # 3. A petition opens on B: its Create reaches A, which mirrors it.
    b.run("""
from core.models import Component
from django.contrib.auth import get_user_model
from plugins.petitions import services
box = Component.objects.get(component_type="petitions.petition_box")
petition = services.create_petition(box, author=get_user_model().objects.get(email="admin@b.example"),
                                    title="Des bancs au parc", text="Trois bancs.", on_behalf_of_organisation=True)
result = {"status": petition.status}
""")
    mirrored = a.run("""
from federation.models import RemoteObject
result = list(RemoteObject.objects.values_list("name", "state", "type"))
""")
    assert mirrored == [["Des bancs au parc", "open", "Page"]]
    status, page = a.get("/federation/partenaires/publications/")
    assert status == 200 and "Des bancs au parc" in page and b.domain in page

    # 3b. A member of A signs B's petition from A: B counts it in its partner channel and
    #     answers Accept, which A shows to the member.
    sent = a.run("""
from core.testing import make_user
from federation import partners
from federation.models import PartnerParticipation, RemoteObject
member = make_user("camille@a.example", display_name="Camille Martin")
partners.sign(member, RemoteObject.objects.get(name="Des bancs au parc"))
result = list(PartnerParticipation.objects.values_list("state", "partner_domain"))
""")
    assert sent == [["accepted", b.domain]]
    assert b.run("""
from core.participation.services import channel_counts
from plugins.petitions.models import Petition
from plugins.petitions.tasks import update_counts
update_counts()
petition = Petition.objects.get()
counts = channel_counts(petition.subject_key)
result = {"partner": petition.count_partner, "web": petition.count_web, "by_channel": counts["partner"]}
""") == {"partner": 1, "web": 0, "by_channel": 1}
    # Nothing that names the member crossed: B received the signature under a pseudonym.
    received = b.run("""
from federation.models import Activity
result = [str(a.payload) for a in Activity.objects.filter(direction="in", type="Create")]
""")
    assert len(received) == 1 and "personKey" in received[0]
    assert not any(word in received[0] for word in ("Camille", "Martin", "camille@"))

    # 4. Undo: A stops following the Group; B forgets the follow.
    a.run(f"""
from federation import services
from federation.models import Follow
services.unfollow(Follow.objects.get(followed__uri="{b.base}/federation/actors/centre-bourg"))
result = {{}}
""")
    assert b.run("""
from federation.models import Follow
result = list(Follow.objects.filter(followed__kind="Group").values_list("follower__uri", flat=True))
""") == []

    # 5. B's administrator blocks A: A's next Follow is refused (403, not retried).
    b.run(f"""
from django.contrib.auth import get_user_model
from federation import services
services.set_domain_rule("{a.domain}", "block", by=get_user_model().objects.get(email="root@b.example"))
result = {{}}
""")
    refused = a.run(f"""
from federation import services
from federation.models import Delivery
from federation.remote import remote_actor
row = services.follow(remote_actor("{b.base}/federation/actors/centre-bourg"))
delivery = Delivery.objects.filter(activity__uri=row.activity_uri).get()
result = {{"state": delivery.state, "status": delivery.last_status}}
""")
    assert refused == {"state": "gave_up", "status": 403}
    assert b.run("""
from federation.models import Follow, PolicyChange
result = {"follows": Follow.objects.filter(followed__kind="Group").count(),
          "log": list(PolicyChange.objects.order_by("pk").values_list("action", flat=True))}
""") == {"follows": 0, "log": ["agreement_approved", "domain_rule"]}
