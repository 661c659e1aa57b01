"""The ledger in the database: appending the outbox, signing heads, the public export.

:func:`flush_pending` is the only writer of :class:`LedgerEntry`. It appends the pending
entries of one log in outbox order under a row lock on the :class:`LedgerLog`, with
:class:`core.ledger.LogState` (O(log n) state kept in the log row), so that concurrent flushes
never leave a gap or repeat a ``seq``. Entries are stamped with the time they are appended,
which keeps timestamps in ``seq`` order even when transactions commit out of order.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from core.ledger import (
    CHAIN_SEED,
    Entry,
    EntryError,
    LogState,
    Tallier,
    TallyError,
    canonical_json,
    format_time,
)
from core.ledger.export import FORMAT, VERSION
from core.participation.models import (
    LedgerEntry,
    LedgerLog,
    LedgerPublicKey,
    PendingLedgerEntry,
    SignedHead,
)
from core.participation.signing import register_public_key, signing_key
from core.plugin_host import get_manager

__all__ = ["export", "flush_pending", "publish_head", "publish_heads"]

logger = logging.getLogger(__name__)


class _Histories:
    """Each participant's current ballot (``seq``, removed?), to keep the counting rules."""

    def __init__(self, rows) -> None:
        self.current: dict[str, list] = {}
        for participant, seq, kind in rows:
            self.apply(participant, seq, kind)

    def apply(self, participant: str, seq: int, kind: str) -> None:
        if kind == "cast":
            self.current[participant] = [seq, False]
        elif participant in self.current:
            self.current[participant][1] = True

    def refers_to(self, pending: PendingLedgerEntry, log_type: str) -> int | None:
        """The ``refers_to`` of the entry; ``ValueError`` if it would break the counting rules."""
        state = self.current.get(pending.participant)
        if pending.kind == "cast":
            if log_type == "petition" and state is not None and not state[1]:
                raise ValueError(f"the participant's signature in entry {state[0]} still counts")
            return None
        if state is None or state[1]:
            raise ValueError("the participant has no counted ballot to remove")
        if pending.refers_to is not None and pending.refers_to != state[0]:
            raise ValueError(f"entry {pending.refers_to} is not the current ballot ({state[0]})")
        return state[0]


def _log_for(key: str) -> LedgerLog | None:
    log = LedgerLog.objects.filter(key=key).first()
    if log is not None:
        return log
    first = PendingLedgerEntry.objects.filter(subject_key=key, rejected_reason="").order_by("pk").first()
    if first is None:
        return None
    log, _created = LedgerLog.objects.get_or_create(
        key=key,
        defaults={"log_type": first.log_type, "frontier": LogState(key).to_state(),
                  "chain_head": CHAIN_SEED.hex()},
    )
    return log


def _flush_batch(log: LedgerLog, batch_size: int) -> tuple[int, bool]:
    with transaction.atomic():
        log = LedgerLog.objects.select_for_update().get(pk=log.pk)
        pending = list(
            PendingLedgerEntry.objects.filter(subject_key=log.key, rejected_reason="").order_by("pk")[:batch_size]
        )
        if not pending:
            return 0, False
        state = LogState.from_state(log.frontier)
        histories = _Histories(
            LedgerEntry.objects.filter(log=log, participant__in={p.participant for p in pending})
            .order_by("seq").values_list("participant", "seq", "kind")
        )
        at = max(format_time(timezone.now()), state.last_at or "")
        rows, done = [], []
        for item in pending:
            try:
                refers_to = histories.refers_to(item, log.log_type)
                entry = Entry(log=log.key, seq=state.size, kind=item.kind, participant=item.participant,
                              at=at, channel=item.channel or None, choice=item.choice,
                              receipt=item.receipt or None, refers_to=refers_to,
                              reason=item.reason or None)
            except (ValueError, EntryError) as exc:
                logger.error("ledger %s: pending entry %s rejected: %s", log.key, item.pk, exc)
                PendingLedgerEntry.objects.filter(pk=item.pk).update(rejected_reason=str(exc)[:200])
                continue
            appended = state.append(entry)
            histories.apply(entry.participant, entry.seq, entry.kind)
            done.append(item.pk)
            rows.append(LedgerEntry(
                log=log, seq=entry.seq, data=appended.data.decode("utf-8"),
                leaf_hash=appended.leaf.hex(), chain_hash=appended.chain.hex(), kind=entry.kind,
                participant=entry.participant, receipt=entry.receipt or "", refers_to=entry.refers_to,
            ))
        LedgerEntry.objects.bulk_create(rows, batch_size=500)
        PendingLedgerEntry.objects.filter(pk__in=done).delete()
        if rows:
            log.size, log.frontier, log.chain_head = state.size, state.to_state(), state.chain.hex()
            log.save(update_fields=["size", "frontier", "chain_head", "updated_at"])
    return len(rows), len(pending) == batch_size


def flush_pending(subject_key: str | None = None, *, batch_size: int = 1000) -> int:
    """Append pending entries (of one subject, or all) to their logs; return how many.

    Idempotent and safe to run concurrently: each batch holds the log's row lock.
    """
    if subject_key is None:
        keys = list(
            PendingLedgerEntry.objects.filter(rejected_reason="")
            .order_by().values_list("subject_key", flat=True).distinct()
        )
    else:
        keys = [subject_key]
    appended = 0
    for key in keys:
        log = _log_for(key)
        more = log is not None
        while more:
            count, more = _flush_batch(log, batch_size)
            appended += count
    return appended


def publish_head(subject_key: str) -> SignedHead:
    """Sign the current root of the subject's log, store the head, then call the
    ``ledger_head_published`` hook in the same transaction."""
    private_key = signing_key()
    register_public_key(private_key)
    with transaction.atomic():
        log = LedgerLog.objects.select_for_update().get(key=subject_key)
        state = LogState.from_state(log.frontier)
        last = log.heads.order_by("-pk").values_list("at", flat=True).first()
        at = max(format_time(timezone.now()), state.last_at or "", last or "")
        signed = state.head(private_key, at)
        head = SignedHead.objects.create(
            log=log, size=signed.size, root=signed.root, at=signed.at, key_id=signed.key_id,
            signature=signed.signature,
        )
        get_manager().hook.ledger_head_published(subject_key=subject_key, head=signed.to_dict())
    return head


def publish_heads() -> list[SignedHead]:
    """Publish a head for every log that grew since its last head (or has none)."""
    logs = LedgerLog.objects.annotate(head_size=Max("heads__size")).filter(
        Q(head_size__isnull=True) | Q(head_size__lt=F("size"))
    )
    return [publish_head(key) for key in logs.values_list("key", flat=True)]


def _line(value: Any) -> str:
    return canonical_json(value).decode("utf-8")


def export(subject_key: str) -> bytes:
    """The public export of the subject's log (``docs/ledger.md``), entries as stored.

    Entries and running hashes are written exactly as the database holds them, so that a
    verifier sees any row changed or deleted behind the application's back. Totals are the
    recount of the stored entries.
    """
    log = LedgerLog.objects.get(key=subject_key)
    header = {
        "format": FORMAT, "version": VERSION, "log": log.key, "log_type": log.log_type,
        "hash": "sha256", "signature": "ed25519",
        "keys": [{"key_id": k, "public_key": p}
                 for k, p in LedgerPublicKey.objects.values_list("key_id", "public_key")],
    }
    out = io.StringIO()
    out.write('{"header":' + _line(header) + ',\n"entries":[')
    tallier, separator = Tallier(log.log_type), "\n"
    rows = log.entries.order_by("seq").values_list("data", "chain_hash")
    for data, chain in rows.iterator(chunk_size=2000):
        out.write(f'{separator}{{"chain":"{chain}","entry":{data}}}')
        separator = ",\n"
        try:
            tallier.add(Entry.from_dict(json.loads(data)))
        except (ValueError, EntryError, TallyError, TypeError):
            continue  # a damaged entry: the verifier names it
    out.write('\n],\n"heads":[')
    heads = [h.to_dict(log.key) for h in log.heads.order_by("size", "pk")]
    out.write(",".join("\n" + _line(head) for head in heads))
    out.write('\n],\n"totals":' + _line(tallier.result().to_dict()) + "}\n")
    return out.getvalue().encode("utf-8")
