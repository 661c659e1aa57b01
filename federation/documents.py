"""The wire format of the federation layer's own documents: actors, WebFinger, NodeInfo,
host-meta, the JSON-LD extension context and the envelope of plugins' objects."""

from __future__ import annotations

from typing import Any

from bovine.activitystreams import Actor as ActorBuilder
from bovine.utils import webfinger_response_json
from django.urls import reverse

from core import __version__
from federation import conf, keys
from federation.actors import approves_followers_by_hand
from federation.api import ObjectContext
from federation.models import Actor

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

#: The terms of Parvis's extension context (served at ``/federation/context.jsonld``).
EXTENSION_TERMS = {
    "parvis": "{base}/federation/ns#",
    "state": "parvis:state",
    "signatureCounts": {"@id": "parvis:signatureCounts", "@type": "@id"},
    "channel": "parvis:channel",
    "count": {"@id": "parvis:count", "@type": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"},
    "thresholds": {"@id": "parvis:thresholds", "@type": "@id"},
    "threshold": {"@id": "parvis:threshold", "@type": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"},
    "reachedAt": {"@id": "parvis:reachedAt", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "closesAt": {"@id": "parvis:closesAt", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
}


def context_url() -> str:
    return conf.absolute(reverse("federation:context"))


def contexts(*, security: bool = False) -> list[Any]:
    return [AS_CONTEXT, *([SECURITY_CONTEXT] if security else []), context_url()]


def context_document() -> dict[str, Any]:
    base = conf.base_url()
    terms = {k: (v.format(base=base) if isinstance(v, str) else v) for k, v in EXTENSION_TERMS.items()}
    return {"@context": terms}


def _url(name: str, **kwargs) -> str:
    return conf.absolute(reverse(name, kwargs=kwargs))


def actor_document(actor: Actor) -> dict[str, Any]:
    """The JSON-LD document of a local actor, with its public key(s)."""
    published = keys.published_keys(actor) or [keys.current_key(actor)]
    current = published[0]
    username = actor.username
    if actor.space_id:
        page = actor.space.get_absolute_url()
        summary = actor.space.summary
    elif actor.kind == Actor.Kind.APPLICATION:
        page, summary = reverse("core:home"), ""
    else:
        page, summary = "", ""
    builder = ActorBuilder(
        id=actor.uri, type=actor.kind, name=actor.name or username, preferred_username=username,
        inbox=_url("federation:actor_inbox", username=username),
        outbox=_url("federation:outbox", username=username),
        summary=summary or None, url=conf.absolute(page) if page else None,
        public_key=current.public_pem, public_key_name=current.key_id.partition("#")[2],
        properties={
            "followers": _url("federation:followers", username=username),
            "endpoints": {"sharedInbox": _url("federation:shared_inbox")},
            "manuallyApprovesFollowers": approves_followers_by_hand(actor),
            "discoverable": True,
        },
    )
    document = builder.build()
    if len(published) > 1:
        # Retired keys stay published until they expire; the current key comes first.
        document["publicKey"] = [
            {"id": k.key_id, "owner": actor.uri, "publicKeyPem": k.public_pem} for k in published
        ]
    document["@context"] = contexts(security=True)
    return document


def webfinger_document(actor: Actor) -> dict[str, Any]:
    document = webfinger_response_json(f"acct:{actor.handle}", actor.uri)
    document["aliases"] = [actor.uri]
    if actor.space_id:
        document["links"].append(
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
             "href": conf.absolute(actor.space.get_absolute_url())}
        )
    return document


def host_meta() -> str:
    template = conf.absolute(reverse("federation:webfinger")) + "?resource={uri}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template="{template}"/>\n'
        "</XRD>\n"
    )


def nodeinfo_links() -> dict[str, Any]:
    return {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                       "href": _url("federation:nodeinfo")}]}


def nodeinfo(*, users: int, local_posts: int, plugins: list[dict[str, str]], open_registrations: bool) -> dict:
    return {
        "version": "2.1",
        "software": {"name": "parvis", "version": __version__, "homepage": conf.base_url()},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open_registrations,
        "usage": {"users": {"total": users}, "localPosts": local_posts},
        "metadata": {"nodeName": conf.domain(), "plugins": plugins},
    }


def object_context() -> ObjectContext:
    from federation.outbox import object_id

    return ObjectContext(
        base_url=conf.base_url(), context_url=context_url(), object_id=object_id,
        group_id=lambda space: _url("federation:actor", username=_group_username(space)),
    )


def _group_username(space) -> str:
    from federation.actors import space_actor

    return space_actor(space).username


def object_document(plugin: str, object_type, obj) -> dict[str, Any]:
    """A plugin's object with its id, type, context, author (the space's Group, or the official
    who publishes it) and audience."""
    from federation.actors import space_actor
    from federation.outbox import object_id

    group = space_actor(object_type.space_of(obj))
    author = publisher_of(object_type, obj) or group
    body = object_type.to_object(obj, object_context())
    cc = [_url("federation:followers", username=actor.username) for actor in dict.fromkeys((author, group))]
    return {
        "@context": contexts(), "id": object_id(plugin, object_type.key, obj.pk),
        "type": object_type.as_type, "attributedTo": author.uri, "to": [PUBLIC], "cc": cc, **body,
    }


def publisher_of(object_type, obj) -> Actor | None:
    """The local ``Person`` who publishes ``obj`` instead of its space's Group, if any."""
    actor = object_type.actor_of(obj) if object_type.actor_of else None
    if actor is not None and not (actor.is_local and actor.kind == Actor.Kind.PERSON and actor.user_id):
        return None  # a tombstone (the person's account was erased) or not a person
    return actor
