"""The fediverse-pasture input corpus (PyPI ``fediverse-pasture-inputs``: the objects other
fediverse servers are tested with, hashtags, mentions, HTML, attachments, odd contexts, missing
properties...) sent to our inbox as signed ``Create``s from an actor a space follows: none
causes a 5xx or a failed processing, and the partners' publications page still renders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from federation.actors import space_actor
from federation.documents import PUBLIC
from federation.models import Activity, Follow, RemoteObject
from federation.remote import store_actor
from tests.federation.conftest import REMOTE, signed_post

pytestmark = pytest.mark.django_db


def corpus() -> list[tuple[str, int, dict]]:
    from fediverse_pasture_inputs import available

    return [(name, n, example) for name, data in sorted(available.items())
            for n, example in enumerate(data.examples)]


def test_the_corpus_is_there():
    # 22 sets of inputs, 262 objects in version 0.3.0: a silent empty import would test nothing.
    assert len(corpus()) >= 250


def create_of(alice, name: str, n: int, example: dict) -> dict:
    """The activity the pasture's sender makes of an example: a public Note skeleton the example
    modifies, wrapped in a Create (with the example's own ``@context`` when it has one)."""
    note = {"type": "Note", "attributedTo": alice.uri, "to": [PUBLIC], "id": f"{REMOTE}/objects/{name}-{n}",
            "published": datetime.now(UTC).isoformat()}
    note = {**note, **example}
    context = note.pop("@context", ["https://www.w3.org/ns/activitystreams",
                                    {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}])
    return {"@context": context, "id": f"{REMOTE}/activities/{name}-{n}", "type": "Create",
            "actor": alice.uri, "to": note.get("to", [PUBLIC]), "object": note}


def test_no_input_of_the_corpus_breaks_the_inbox(client, remote, partner, space):
    group = space_actor(space)
    alice = remote.actor("alice")
    # The space follows Alice, so that what she publishes is mirrored (the deepest path).
    Follow.objects.create(follower=group, followed=store_actor(alice.document()), state=Follow.State.ACCEPTED)
    answers: dict[int, list[str]] = {}
    for name, n, example in corpus():
        activity = create_of(alice, name, n, example)
        response = signed_post(client, f"/federation/actors/{group.username}/inbox", alice, activity)
        answers.setdefault(response.status_code, []).append(f"{name}[{n}]")
    assert set(answers) <= {202, 400}, {status: ids[:5] for status, ids in answers.items()}
    # Only objects attributed to someone else than the sender are refused (origin rule).
    assert all(item.startswith("attributed_to[") for item in answers.get(400, [])), answers[400]
    # What was refused was refused for a reason the inbox gives (an object id on another host...).
    accepted = Activity.objects.filter(direction="in")
    assert accepted.count() == len(answers.get(202, []))
    failed = accepted.exclude(state__in=[Activity.State.PROCESSED, Activity.State.IGNORED])
    assert not failed.exists(), list(failed.values_list("uri", "state")[:5])
    assert RemoteObject.objects.exists()
    # Every page of mirrored publications renders, and the corpus's markup shows escaped.
    pages = -(-RemoteObject.objects.count() // 30)
    seen = ""
    for number in range(1, pages + 1):
        page = client.get(reverse("federation:partner_publications"), {"page": number})
        assert page.status_code == 200
        seen += page.content.decode()
    assert "&lt;$script&gt;" in seen and "<$script>" not in seen
