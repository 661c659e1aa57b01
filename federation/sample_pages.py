"""The federation's endpoints, declared for the every-page gates (docs/gates.md).

They are JSON (or XML) documents for other servers, the same for every role: ``audit=False``
(the browser gate skips them). The inboxes take signed POSTs only: a GET (reading the inbox,
for its owner only) and an unsigned POST answer 401, whoever the session belongs to. ``fx.objects["federation_activity"]`` is a
public outbox activity of the instance actor. The public page of partners and blocked
servers (``federation:partners``) and the partners' publications are HTML pages for everyone;
signing a partner's petition from here (``federation:partner_sign``) is for signed-in people. The back-office screen is in
the Wagtail admin (``/admin/``, outside the gates; tested in tests/federation/test_admin.py).
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import (
    AGENT,
    OFFICIAL,
    PARTICIPANT,
    POST_ONLY,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

PUBLIC = statuses(200)
UNSIGNED = statuses(401)


def _instance(fx):
    from federation.actors import instance_actor

    if "federation_instance" not in fx.objects:
        fx.objects["federation_instance"] = instance_actor()
    return fx.objects["federation_instance"]


def _activities(fx, n: int) -> None:
    import uuid

    from federation.models import Activity

    actor = _instance(fx)
    rows = []
    for _ in range(n):
        value = uuid.uuid4()
        uri = f"{actor.uri.rsplit('/federation/', 1)[0]}/federation/activities/{value}"
        rows.append(Activity(
            uuid=value, uri=uri, direction=Activity.Direction.OUTBOX, type="Create", actor=actor,
            payload={"id": uri, "type": "Create", "actor": actor.uri, "object": {"type": "Note", "content": "Bonjour"}},
            is_public=True, state=Activity.State.PUBLISHED,
        ))
    Activity.objects.bulk_create(rows)


def _activity(fx):
    from federation.models import Activity

    if "federation_activity" not in fx.objects:
        _activities(fx, 1)
        fx.objects["federation_activity"] = Activity.objects.filter(actor=_instance(fx)).latest("pk")
    return fx.objects["federation_activity"]


def _domain(fx) -> str:
    from federation import conf

    return conf.domain()


def _partners(fx, n: int) -> None:
    """``n`` more partner and blocked domains, half of the partners with an approved
    instance agreement, for the public partners page."""
    from federation.models import Actor, DomainRule, Follow

    start = fx.objects.get("federation_partners", 0)
    DomainRule.objects.bulk_create(
        DomainRule(domain=f"instance-{i}.example", kind=DomainRule.Kind.ALLOW if i % 2 else DomainRule.Kind.BLOCK,
                   note=f"Note {i}")
        for i in range(start, start + n)
    )
    remotes = Actor.objects.bulk_create(
        Actor(uri=f"https://accord-{i}.example/actor", domain=f"accord-{i}.example", kind=Actor.Kind.APPLICATION,
              inbox=f"https://accord-{i}.example/inbox")
        for i in range(start, start + n, 2)
    )
    Follow.objects.bulk_create(Follow(follower=remote, followed=_instance(fx), state=Follow.State.ACCEPTED)
                               for remote in remotes)
    fx.objects["federation_partners"] = start + n


def _publications(fx, n: int) -> None:
    """``n`` more mirrored publications of a followed partner."""
    from federation.models import Actor, RemoteObject

    if "federation_partner_group" not in fx.objects:
        fx.objects["federation_partner_group"] = Actor.objects.create(
            uri="https://voisine.example/federation/actors/centre", domain="voisine.example",
            kind=Actor.Kind.GROUP, inbox="https://voisine.example/federation/inbox")
    group = fx.objects["federation_partner_group"]
    start = fx.objects.get("federation_publications", 0)
    RemoteObject.objects.bulk_create(
        RemoteObject(uri=f"{group.uri}/objects/{i}", actor=group, type="Page", name=f"Pétition voisine {i}",
                     content="Texte", url=f"https://voisine.example/petitions/{i}/", state="open",
                     document={"signatureCounts": [{"channel": "web", "count": i}]})
        for i in range(start, start + n)
    )
    fx.objects["federation_publications"] = start + n


def _partner_petition(fx):
    """An open petition of a partner instance (an allow rule and an approved agreement), mirrored
    here. The partner's inbox is a loopback address the fetcher refuses: nothing leaves."""
    from federation.models import Actor, DomainRule, Follow

    if "federation_partner_petition" not in fx.objects:
        _publications(fx, 1)
        DomainRule.objects.get_or_create(domain="voisine.example", defaults={"kind": DomainRule.Kind.ALLOW})
        partner = Actor.objects.create(uri="https://voisine.example/federation/actors/instance",
                                       domain="voisine.example", kind=Actor.Kind.APPLICATION,
                                       inbox="https://127.0.0.1/federation/inbox")
        Follow.objects.create(follower=partner, followed=_instance(fx), state=Follow.State.ACCEPTED)
        fx.objects["federation_partner_petition"] = (
            fx.objects["federation_partner_group"].mirrored_objects.order_by("pk").first())
    return fx.objects["federation_partner_petition"]


def _partner_sign_url(fx) -> str:
    return reverse("federation:partner_sign", args=[_partner_petition(fx).pk])


def _signed_at_partner(fx, html: str) -> bool:
    from federation.models import PartnerParticipation

    return PartnerParticipation.objects.filter(user=fx.users[PARTICIPANT],
                                               object_uri=_partner_petition(fx).uri).exists()


#: Becoming (or no longer being) followable: officials, agents and admins of the organisation.
STAFF_POST = statuses(403, anonymous=302, agent=302, official=302, admin=302)


def _followable_agent(fx):
    """The agent already followable (so that the page offers them to stop)."""
    from federation.actors import person_actor

    if "federation_agent_person" not in fx.objects:
        fx.objects["federation_agent_person"] = person_actor(fx.users[AGENT], fx.organisation, username="agent-gates")
    return fx.objects["federation_agent_person"]


def _is_followable(role: str):
    def done(fx, html: str) -> bool:
        from federation.models import Actor

        return Actor.objects.filter(is_local=True, kind="Person", user=fx.users[role]).exists()
    return done


def _no_longer_followable(fx, html: str) -> bool:
    from federation.models import Actor

    return not Actor.objects.filter(is_local=True, kind="Person", user=fx.users[AGENT]).exists()


def federation_pages() -> list[SamplePage]:
    def page(name, url, **kwargs):
        kwargs.setdefault("get", PUBLIC)
        return SamplePage(name=f"federation:{name}", url=url, audit=False, **kwargs)

    actor_url = lambda fx, name: reverse(f"federation:{name}", kwargs={"username": _instance(fx).username})  # noqa: E731
    return [
        page("webfinger", lambda fx: f"{reverse('federation:webfinger')}?resource=acct:instance@{_domain(fx)}",
             setup=_instance),
        page("webfinger", lambda fx: f"{reverse('federation:webfinger')}?resource=acct:nobody@{_domain(fx)}",
             get=statuses(404), variant="unknown"),
        page("host_meta", lambda fx: reverse("federation:host_meta")),
        page("nodeinfo_links", lambda fx: reverse("federation:nodeinfo_links")),
        page("nodeinfo", lambda fx: reverse("federation:nodeinfo")),
        page("context", lambda fx: reverse("federation:context")),
        page("actor", lambda fx: actor_url(fx, "actor")),
        page("actor", lambda fx: reverse("federation:actor", kwargs={"username": fx.space.slug}),
             variant="space"),
        page("outbox", lambda fx: actor_url(fx, "outbox") + "?page=1", list_of=_activities),
        page("followers", lambda fx: actor_url(fx, "followers")),
        page("activity", lambda fx: reverse("federation:activity", kwargs={"uuid": _activity(fx).uuid})),
        page("object", lambda fx: reverse("federation:object",
                                          kwargs={"plugin": "none", "type_key": "none", "pk": "1"}),
             get=statuses(404)),
        SamplePage(name="federation:partners", url=lambda fx: reverse("federation:partners"), get=PUBLIC,
                   list_of=_partners, setup=_instance, label="Instances partenaires et bloquées"),
        SamplePage(name="federation:partner_publications", url=lambda fx: reverse("federation:partner_publications"),
                   get=PUBLIC, list_of=_publications, label="Publications des instances partenaires"),
        SamplePage(name="federation:partner_sign", url=_partner_sign_url, setup=_partner_petition,
                   get=SIGNED_IN, post=statuses(302), label="Signer la pétition d'une instance partenaire",
                   form=FormSample(data=lambda fx: {}, submit="Signer depuis cette instance",
                                   done=_signed_at_partner)),
        SamplePage(name="federation:profile", url=lambda fx: reverse("federation:profile"), get=SIGNED_IN,
                   setup=_followable_agent, label="Être suivi depuis le fédivers"),
        SamplePage(name="federation:become_followable", audit=False, get=POST_ONLY, post=STAFF_POST,
                   url=lambda fx: reverse("federation:become_followable", args=[fx.organisation.pk]),
                   label="Devenir suivable depuis le fédivers",
                   form=FormSample(data=lambda fx: {}, role=OFFICIAL, submit="Devenir suivable",
                                   shown_on=lambda fx: reverse("federation:profile"),
                                   done=_is_followable(OFFICIAL))),
        SamplePage(name="federation:stop_being_followable", audit=False, get=POST_ONLY, post=STAFF_POST,
                   setup=_followable_agent,
                   url=lambda fx: reverse("federation:stop_being_followable", args=[fx.organisation.pk]),
                   label="Ne plus être suivable depuis le fédivers",
                   form=FormSample(data=lambda fx: {}, role=AGENT, submit="Ne plus être suivable",
                                   shown_on=lambda fx: reverse("federation:profile"),
                                   done=_no_longer_followable)),
        page("actor_inbox", lambda fx: actor_url(fx, "actor_inbox"), get=UNSIGNED, post=UNSIGNED),
        page("shared_inbox", lambda fx: reverse("federation:shared_inbox"), get=UNSIGNED, post=UNSIGNED),
    ]
