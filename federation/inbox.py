"""Receiving activities: every check first, then store, then process in the background.

Checks, in order (the first failure answers and nothing is stored):

1. size: at most ``conf.MAX_INBOX_BYTES`` (413);
2. a ``Signature`` header (draft-cavage) covering ``(request-target)``, ``host``, ``date`` and
   ``digest`` (401); the signed ``host`` is ours; ``date`` within ``conf.DATE_WINDOW`` (401);
3. a JSON object with ``id``, ``type`` and ``actor`` ids on the same host, not ours (400);
   created, updated or deleted objects on the actor's host too (origin rule, 400);
4. the instance's policy for the actor's domain (and the space of the receiving Group) (403);
5. the key: fetched through the SSRF-safe fetcher, owned by the activity's ``actor`` (401);
6. bovine verifies the digest of the body and the signature (401);
7. an activity id seen before is a no-op (202).

No JSON-LD processing happens on inbound documents: ``@context`` is never fetched.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bovine.crypto import build_validate_http_signature_raw
from bovine.crypto.signature import Signature
from bovine.crypto.types import CryptographicIdentifier
from django.db import IntegrityError, transaction

from federation import conf, policy
from federation.fetch import FetchError
from federation.models import Activity, Actor
from federation.remote import host_of, remember, resolve_key

logger = logging.getLogger(__name__)

REQUIRED_SIGNED = ("(request-target)", "host", "date", "digest")
OWN_ORIGIN_TYPES = {"Create", "Update", "Delete"}


@dataclass
class Outcome:
    status: int
    message: str
    activity: Activity | None = None


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _check_headers(headers: dict[str, str], host: str) -> Signature:
    if "signature" not in headers:
        raise Refused(401, "the request is not signed (Signature header missing)")
    try:
        signature = Signature.from_signature_header(headers["signature"])
    except (ValueError, KeyError, IndexError):
        raise Refused(401, "the Signature header cannot be read") from None
    missing = [name for name in REQUIRED_SIGNED if name not in signature.fields]
    if missing:
        raise Refused(401, f"the signature must cover {', '.join(missing)}")
    if headers.get("host", "").lower() != host.lower():
        raise Refused(401, "the signed host is not this server")
    try:
        date = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        raise Refused(401, "the Date header cannot be read") from None
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    if abs(datetime.now(UTC) - date) > conf.DATE_WINDOW:
        raise Refused(401, "the Date header is outside the accepted window")
    return signature


def _parse(body: bytes) -> dict[str, Any]:
    try:
        activity = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(activity, dict):
        raise Refused(400, "the body is not a JSON object")
    for name in ("id", "type", "actor"):
        if not isinstance(activity.get(name) if name != "actor" else _id(activity.get("actor")), str):
            raise Refused(400, f"the activity has no {name}")
    if not isinstance(activity["type"], str) or len(activity["type"]) > 40:
        raise Refused(400, "the activity type is not valid")
    return activity


def _check_origin(activity: dict[str, Any], actor: str) -> None:
    actor_host = host_of(actor)
    if not actor_host or not actor.startswith(("https://", "http://")):
        raise Refused(400, "the actor is not an http(s) id")
    if actor_host == conf.domain():
        raise Refused(400, "the actor claims to be local")
    if host_of(activity["id"]) != actor_host:
        raise Refused(400, "the activity id is not on the actor's host")
    obj = activity.get("object")
    if activity["type"] in OWN_ORIGIN_TYPES and isinstance(obj, dict):
        object_id = _id(obj)
        if object_id and host_of(object_id) != actor_host:
            raise Refused(400, "the object is not on the actor's host")
        attributed = _id(obj.get("attributedTo"))
        if attributed and attributed != actor:
            raise Refused(400, "the object is attributed to another actor")


def _verify(method: str, url: str, headers: dict[str, str], body: bytes, resolved) -> str | None:
    identifier = CryptographicIdentifier.from_pem(resolved.public_pem, resolved.owner)

    async def retrieve(key_id: str):
        return identifier if key_id == resolved.key_id else None

    async def read_body():
        return body

    validate = build_validate_http_signature_raw(retrieve)
    return _run(validate(method, url, headers, read_body))


def _run(coroutine):
    """Run bovine's (CPU-only) coroutine to its end from synchronous code: in this thread when
    no event loop runs here (WSGI, and Django's threads for sync views under ASGI), else in a
    short-lived thread, since a running loop cannot be re-entered."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def receive(*, method: str, url: str, host: str, headers: dict[str, str], body: bytes,
            target: Actor | None = None) -> Outcome:
    """Check an inbound POST and, if it passes, store it and schedule its processing."""
    try:
        return _receive(method, url, host, {k.lower(): v for k, v in headers.items()}, body, target)
    except Refused as refused:
        logger.info("inbox refused: %s", refused.message)
        return Outcome(refused.status, refused.message)


def _receive(method, url, host, headers, body, target) -> Outcome:
    if len(body) > conf.MAX_INBOX_BYTES:
        raise Refused(413, "the activity is too large")
    signature = _check_headers(headers, host)
    activity = _parse(body)
    actor_id = _id(activity["actor"])
    _check_origin(activity, actor_id)
    space = target.space if target is not None and target.space_id else None
    accepted, reason = policy.accepts_from(host_of(actor_id), space)
    if not accepted:
        raise Refused(403, reason)
    if host_of(signature.key_id) != host_of(actor_id):
        raise Refused(401, "the signing key is not on the actor's host")
    try:
        resolved = resolve_key(signature.key_id)
    except FetchError as exc:
        raise Refused(401, f"the signing key cannot be verified ({exc})") from None
    if resolved.owner != actor_id:
        raise Refused(401, "the signing key belongs to another actor than the activity's")
    signer = _verify(method, url, headers, body, resolved)
    if signer is None and resolved.cached is not None:
        # The actor may have changed its key since we cached it: fetch it once more.
        try:
            resolved = resolve_key(signature.key_id, refresh=True)
        except FetchError as exc:
            raise Refused(401, f"the signing key cannot be verified ({exc})") from None
        signer = _verify(method, url, headers, body, resolved) if resolved.owner == actor_id else None
    if signer != actor_id:
        raise Refused(401, "the signature or the digest does not verify")
    if Activity.objects.filter(uri=activity["id"]).exists():
        return Outcome(202, "already received")
    try:
        with transaction.atomic():
            actor = remember(resolved)
            stored = Activity.objects.create(
                uri=activity["id"], direction=Activity.Direction.INBOX, type=activity["type"],
                actor=actor, object_uri=(_id(activity.get("object")) or "")[:500], payload=activity,
                state=Activity.State.RECEIVED,
            )
            target_id = target.pk if target is not None else None
            transaction.on_commit(lambda: _schedule(stored.pk, target_id))
    except IntegrityError:
        return Outcome(202, "already received")
    return Outcome(202, "accepted", stored)


def _schedule(activity_id: int, target_id: int | None) -> None:
    from federation.tasks import process_inbound

    process_inbound.delay(activity_id, target_id)
