"""Discovery (WebFinger, NodeInfo, host-meta), actor documents, collections, objects,
activities, the extension context and the inboxes. All answer JSON; only the inboxes accept
POST, are exempt from CSRF (they are authenticated by HTTP signatures instead) and never
use the session. Reading an inbox (GET) is unauthorised: 401, or 403 with credentials."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from federation import conf, documents, inbox, policy
from federation.actors import local_actor
from federation.models import Activity, Follow

PAGE_SIZE = 20
#: An inbox takes signed POSTs; a GET (reading it) is for its owner only (:func:`_read_refused`).
INBOX_METHODS = ["GET", "HEAD", "POST"]


def activity_json(data, status: int = 200, content_type: str = documents.ACTIVITY_JSON) -> JsonResponse:
    response = JsonResponse(data, status=status, content_type=content_type,
                            json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _actor_or_404(username: str):
    actor = local_actor(username)
    if actor is None or not policy.publishes(actor.space if actor.space_id else None):
        raise Http404("No such actor.")
    if actor.kind == actor.Kind.PERSON and actor.user_id is None:
        raise Gone()
    return actor


class Gone(Http404):
    """An erased person's actor: its id answers 410."""


_ACCT = re.compile(r"^acct:([^@\s]{1,100})@([^@\s]{1,255})$")


@require_GET
def webfinger(request):
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return error(400, "the resource parameter is required (acct:name@host or an actor URL)")
    match = _ACCT.match(resource)
    if match:
        username, host = match.groups()
        if host.lower() != conf.domain():
            return error(404, "this server only answers for its own accounts")
    elif resource.startswith(conf.base_url() + "/federation/actors/"):
        username = resource.removeprefix(conf.base_url() + "/federation/actors/").strip("/")
    else:
        return error(404, "unknown resource")
    actor = local_actor(username)
    if actor is None or not policy.publishes(actor.space if actor.space_id else None):
        return error(404, "unknown resource")
    return activity_json(documents.webfinger_document(actor), content_type="application/jrd+json")


@require_GET
def host_meta(request):
    return HttpResponse(documents.host_meta(), content_type="application/xrd+xml")


@require_GET
def nodeinfo_links(request):
    return JsonResponse(documents.nodeinfo_links())


@require_GET
def nodeinfo(request):
    from django.conf import settings

    from core.models import User
    from core.plugin_host import loaded_plugins

    plugins = [{"name": p.slug, "version": str(p.info.version)} for p in loaded_plugins()]
    data = documents.nodeinfo(
        users=User.objects.filter(is_active=True).count(),
        local_posts=Activity.objects.filter(direction=Activity.Direction.OUTBOX, is_public=True).count(),
        plugins=plugins, open_registrations=getattr(settings, "ACCOUNT_ALLOW_REGISTRATION", True),
    )
    return JsonResponse(
        data, content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"')


@require_GET
def context(request):
    return activity_json(documents.context_document(), content_type="application/ld+json")


@require_GET
def actor(request, username: str):
    try:
        return activity_json(documents.actor_document(_actor_or_404(username)))
    except Gone:
        return activity_json({"@context": documents.AS_CONTEXT, "id": conf.absolute(request.path),
                              "type": "Tombstone"}, status=410)


def _page_url(name: str, username: str, page: int | None = None) -> str:
    url = conf.absolute(reverse(name, kwargs={"username": username}))
    return f"{url}?page={page}" if page else url


def _page_number(request) -> int | None:
    value = request.GET.get("page")
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) < 100_000:
        raise Http404("No such page.")
    return int(value)


@require_GET
def outbox(request, username: str):
    owner = _actor_or_404(username)
    activities = Activity.objects.filter(actor=owner, direction=Activity.Direction.OUTBOX, is_public=True)
    number = _page_number(request)
    collection_id = _page_url("federation:outbox", username)
    paginator = Paginator(activities.order_by("-created_at", "-pk").only("payload"), PAGE_SIZE)
    if number is None:
        return activity_json({
            "@context": documents.AS_CONTEXT, "id": collection_id, "type": "OrderedCollection",
            "totalItems": paginator.count, "first": _page_url("federation:outbox", username, 1),
        })
    if number > max(paginator.num_pages, 1):
        raise Http404("No such page.")
    page = paginator.page(number)
    data = {
        "@context": documents.contexts(), "id": _page_url("federation:outbox", username, number),
        "type": "OrderedCollectionPage", "partOf": collection_id,
        "orderedItems": [a.payload for a in page.object_list],
    }
    if page.has_next():
        data["next"] = _page_url("federation:outbox", username, number + 1)
    return activity_json(data)


@require_GET
def followers(request, username: str):
    owner = _actor_or_404(username)
    total = Follow.objects.filter(followed=owner, state=Follow.State.ACCEPTED).count()
    # Who follows is not published: only the count.
    return activity_json({
        "@context": documents.AS_CONTEXT, "id": _page_url("federation:followers", username),
        "type": "OrderedCollection", "totalItems": total,
    })


@require_GET
def activity(request, uuid):
    row = (Activity.objects.filter(uuid=uuid, direction=Activity.Direction.OUTBOX, is_public=True)
           .only("payload").first())
    if row is None:
        raise Http404("No such activity.")
    return activity_json(row.payload)


@require_GET
def object_view(request, plugin: str, type_key: str, pk: str):
    from federation.registry import object_types

    object_type = object_types().get((plugin, type_key))
    obj = object_type.load(pk) if object_type else None
    if obj is None:
        raise Http404("No such object.")
    space = object_type.space_of(obj)
    if not space.is_published or not policy.publishes(space):
        raise Http404("No such object.")
    return activity_json(documents.object_document(plugin, object_type, obj))


def _receive(request, target=None):
    body = request.read(conf.MAX_INBOX_BYTES + 1)
    headers = {key: value for key, value in request.headers.items()}
    headers["host"] = request.get_host()
    outcome = inbox.receive(method=request.method, url=request.path, host=conf.domain(),
                            headers=headers, body=body, target=target)
    return JsonResponse({"status": outcome.message} if outcome.status < 300 else {"error": outcome.message},
                        status=outcome.status)


def _read_refused(request) -> JsonResponse:
    """ActivityPub lets an inbox's owner read it; this server offers no client-to-server
    access, so nobody owns an inbox through it: 401 without credentials (and how to give
    some), 403 with any (none can be enough)."""
    if "signature" in request.headers or "authorization" in request.headers:
        return error(403, "an inbox is read only by its owner: these credentials do not grant it")
    response = error(401, "an inbox is read only by its owner, with an authenticated request")
    response["WWW-Authenticate"] = f'Signature realm="{conf.domain()}",headers="(request-target) host date"'
    return response


def _inbox(request, target=None):
    if request.method in ("GET", "HEAD"):
        return _read_refused(request)
    return _receive(request, target)


@csrf_exempt
@require_http_methods(INBOX_METHODS)
def actor_inbox(request, username: str):
    return _inbox(request, _actor_or_404(username))


@csrf_exempt
@require_http_methods(INBOX_METHODS)
def shared_inbox(request):
    return _inbox(request)


