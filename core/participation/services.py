"""Shared participation services: every channel records a participation through these functions.

* :func:`participate` writes the participation record and, in the same transaction, the
  ledger entry into the outbox (:class:`~core.participation.models.PendingLedgerEntry`).
* :func:`withdraw` and :func:`invalidate` never delete anything: they add entries.
* :func:`flush_pending`, :func:`publish_head`, :func:`export` live in
  :mod:`core.participation.ledger_store` and are re-exported here.

Receipts: the receipt names the entry's ``seq``, known only once the entry is appended. When
:func:`participate` is called outside a transaction (a web request), it appends right after its
own commit and returns the receipt at once; inside a caller's transaction, the append runs when
that transaction commits and :attr:`Participation.receipt` finds the ``seq`` by the receipt
commitment when it is read afterwards. See ``docs/participation.md``.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.ledger import (
    CHANNELS,
    REASONS,
    Entry,
    EntryError,
    Receipt,
    derive_token,
    participant_id,
    receipt_commitment,
)
from core.participation.identity import participation_secret
from core.participation.ledger_store import export, flush_pending, publish_head, publish_heads
from core.participation.models import (
    LedgerEntry,
    ParticipationRecord,
    PendingLedgerEntry,
)
from core.participation.registry import Subject, get_subject
from core.plugins import Attributes

__all__ = [
    "AlreadyParticipated",
    "NotEligible",
    "check_eligible",
    "Participation",
    "ParticipationError",
    "SubjectClosed",
    "channel_counts",
    "export",
    "flush_pending",
    "invalidate",
    "participant_token",
    "participate",
    "publish_head",
    "publish_heads",
    "withdraw",
]

logger = logging.getLogger(__name__)
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ParticipationError(ValueError):
    """A participation, withdrawal or invalidation that cannot be recorded (message in French)."""


class SubjectClosed(ParticipationError):
    def __init__(self) -> None:
        super().__init__(_("Cette consultation est close : la participation n'est plus possible."))


class NotEligible(ParticipationError, ValidationError):
    """The subject's eligibility rules refuse this participation (nothing was written).

    A :class:`~django.core.exceptions.ValidationError` too, so that views and forms show its
    message. ``eligibility`` is the :class:`~core.plugins.Eligibility` behind the refusal
    (its message says how to get verified), or ``None`` when proof was missing altogether.
    """

    def __init__(self, message: str, eligibility: Any = None) -> None:
        ValidationError.__init__(self, str(message), code="not_eligible")
        self.eligibility = eligibility

    def __str__(self) -> str:
        return self.message


def channel_phrase(channel: str) -> str:
    """How a channel reads in a sentence: « sur papier, saisi en mairie »."""
    return {
        "web": _("en ligne"),
        "paper": _("sur papier, saisi en mairie"),
        "assisted": _("en mairie, avec l'aide d'un agent"),
        "partner": _("auprès d'un partenaire"),
    }.get(channel, channel)


class AlreadyParticipated(ParticipationError):
    """The person already took part in this subject, on ``channel``, on ``date``."""

    def __init__(self, record: ParticipationRecord) -> None:
        self.record = record
        self.channel = record.channel
        self.date = record.created_at
        super().__init__(self._sentence(_("Vous avez déjà participé le %(date)s (%(channel)s).")))

    def _sentence(self, template: str) -> str:
        day = formats.date_format(timezone.localtime(self.date), "j F Y")
        return template % {"date": day, "channel": channel_phrase(self.channel)}

    @property
    def message(self) -> str:
        """Addressed to the participant."""
        return str(self.args[0])

    @property
    def message_for_agent(self) -> str:
        """The same fact, for the agent entering a paper sheet."""
        return self._sentence(_("Cette personne a déjà participé le %(date)s (%(channel)s)."))


def participant_token(person_key: str, log: str) -> bytes:
    """The person's secret ledger token in ``log`` (derived, never stored)."""
    return derive_token(participation_secret("ledger-token/v1"), person_key, log)


@dataclass
class Participation:
    """What :func:`participate` (or :func:`withdraw`) returns: the record and the receipt."""

    record: ParticipationRecord
    log: str
    token: bytes
    nonce: bytes
    seq: int | None = None

    @property
    def commitment(self) -> str:
        return receipt_commitment(self.log, self.token, self.nonce)

    @property
    def receipt(self) -> str | None:
        """The receipt text (``pvr1.…``), or ``None`` while the entry is not yet appended."""
        if self.seq is None:
            self.seq = (
                LedgerEntry.objects.filter(receipt=self.commitment, log__key=self.log)
                .values_list("seq", flat=True)
                .first()
            )
        if self.seq is None:
            return None
        return Receipt(self.log, self.seq, self.token, self.nonce).encode()


def _check_choice(subject: Subject, channel: str, choice: Any) -> Any:
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    if subject.log_type == "petition" and choice is not None:
        raise ValueError("a petition signature carries no choice")
    if subject.log_type == "vote" and choice is None:
        raise ValueError("a ballot needs a choice (an empty list for a blank ballot)")
    try:
        entry = Entry(log=subject.key, seq=0, kind="cast", participant="0" * 64,
                      at="2000-01-01T00:00:00Z", channel=channel, choice=choice, receipt="0" * 64)
    except EntryError as exc:
        raise ValueError(str(exc)) from None
    return entry.choice


def _append_soon(subject_key: str, participation: Participation) -> None:
    """Append the outbox now if we are not in a caller's transaction, else when it commits."""
    def run() -> None:
        try:
            flush_pending(subject_key)
        except Exception:  # the outbox keeps the entry; the periodic task retries
            logger.exception("could not append the pending entries of %s", subject_key)

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(run)
    else:
        run()
        participation.receipt  # noqa: B018 - resolves the seq now, while it is cheap


def _pending(subject: Subject, kind: str, participant: str, **fields: Any) -> PendingLedgerEntry:
    return PendingLedgerEntry.objects.create(
        subject_key=subject.key, log_type=subject.log_type, kind=kind, participant=participant,
        **fields,
    )


def check_eligible(target: Any, channel: str, *, user: Any = None, attributes: Any = None,
                   eligibility_attested: bool = False) -> bool:
    """Apply the eligibility rules of ``target`` (a Component or Space) to a participation on
    ``channel``; raise :class:`NotEligible`. Return whether rules apply (``False``: open to
    everyone, nothing was checked). :func:`participate` calls it; plugins call it too before
    they take a step that is not yet a participation (a petition signature awaiting its e-mail
    confirmation)."""
    from core.identity.eligibility import check_eligibility, has_rules

    if target is None or not has_rules(target):
        return False
    if channel == "web":
        if user is None or not getattr(user, "is_authenticated", False):
            raise NotEligible(_("Cette participation est réservée aux personnes qui remplissent ses "
                                "conditions : connectez-vous pour participer."))
        result = check_eligibility(user, target)
    elif attributes is not None:
        result = check_eligibility(attributes, target)
    elif channel in ("paper", "assisted") and eligibility_attested:
        return True
    elif channel == "partner":
        raise NotEligible(_("Cette participation a des conditions : le partenaire doit transmettre "
                            "ce qu'il a vérifié de la personne."))
    else:
        raise NotEligible(_("Cette participation a des conditions : confirmez que vous avez "
                            "vérifié que la personne les remplit."))
    if not result.ok:
        raise NotEligible(result.message, result)
    return True


def participate(
    *,
    subject_key: str,
    person_key: str,
    channel: str,
    choice: Any = None,
    user: Any = None,
    entered_by: Any = None,
    sheet_reference: str = "",
    replace: bool = False,
    subject: Subject | None = None,
    append: bool = True,
    eligibility_attested: bool = False,
    attributes: Attributes | None = None,
) -> Participation:
    """Record that a person took part; return the record and their receipt.

    Refuses a closed subject (:class:`SubjectClosed`) and a second participation on any
    channel (:class:`AlreadyParticipated`, enforced by the unique constraint). A person whose
    participation was withdrawn may take part again. With ``replace=True``, a vote cast on the
    web by someone who already voted on the web gets a new ballot that replaces the earlier one
    ("the last ballot counts"). ``subject`` spares resolving ``subject_key`` again.
    ``append=False`` leaves the entry in the outbox for the caller to append with
    :func:`flush_pending` (bulk imports), instead of appending it after the commit.

    When the subject's target (:attr:`~core.plugins.SubjectInfo.target`) has eligibility rules,
    they are checked before anything is written (:class:`NotEligible`): on the web, ``user``
    must be eligible; on paper or assisted, the agent attests the check
    (``eligibility_attested=True``) or gives the person's ``attributes``; a partner instance
    gives the ``attributes`` it verified.
    """
    subject = subject or get_subject(subject_key)
    if not subject.info.is_open:
        raise SubjectClosed()
    if not _HEX64.fullmatch(person_key or ""):
        raise ValueError("person_key must be 64 lowercase hex characters")
    choice = _check_choice(subject, channel, choice)
    check_eligible(subject.info.target, channel, user=user, attributes=attributes,
                   eligibility_attested=eligibility_attested)
    fields = {"channel": channel, "user": user, "entered_by": entered_by,
              "sheet_reference": sheet_reference}
    token, nonce = participant_token(person_key, subject.key), os.urandom(32)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ParticipationRecord.objects.create(
                    subject_key=subject.key, person_key=person_key, **fields
                )
        except IntegrityError:
            record = ParticipationRecord.objects.select_for_update().get(
                subject_key=subject.key, person_key=person_key
            )
            if record.withdrawn_at is not None and record.invalidated_at is None:
                for name, value in fields.items():
                    setattr(record, name, value)
                record.created_at, record.withdrawn_at, record.withdrawn_by = timezone.now(), None, None
                record.save()
            elif not (replace and subject.log_type == "vote" and channel == record.channel == "web"
                      and record.is_active):
                raise AlreadyParticipated(record) from None
        participation = Participation(record, subject.key, token, nonce)
        _pending(subject, "cast", participant_id(token, subject.key), channel=channel,
                 choice=choice, receipt=participation.commitment)
    if append:
        _append_soon(subject.key, participation)
    return participation


def withdraw(record: ParticipationRecord, *, by: Any, channel: str = "web") -> Participation:
    """Withdraw a participation: a ``withdrawn`` entry is added, nothing is deleted.

    Returns the withdrawal's receipt. Refused once the subject is closed.
    """
    subject = get_subject(record.subject_key)
    if not subject.info.is_open:
        raise SubjectClosed()
    token, nonce = participant_token(record.person_key, subject.key), os.urandom(32)
    with transaction.atomic():
        locked = ParticipationRecord.objects.select_for_update().get(pk=record.pk)
        if not locked.is_active:
            raise ParticipationError(_("Cette participation a déjà été retirée ou invalidée."))
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), by
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        participation = Participation(locked, subject.key, token, nonce)
        _pending(subject, "withdrawn", participant_id(token, subject.key), channel=channel,
                 receipt=participation.commitment)
    record.withdrawn_at, record.withdrawn_by = locked.withdrawn_at, by
    _append_soon(subject.key, participation)
    return participation


def _record_of(subject_key: str, participant: str) -> ParticipationRecord | None:
    """The record behind a pseudonym: records store no pseudonym, so each one is recomputed."""
    keys = ParticipationRecord.objects.filter(subject_key=subject_key).values_list("pk", "person_key")
    for pk, person_key in keys.iterator(chunk_size=2000):
        if participant_id(participant_token(person_key, subject_key), subject_key) == participant:
            return ParticipationRecord.objects.get(pk=pk)
    return None


def _target_entry(subject_key: str, seq: int) -> LedgerEntry:
    flush_pending(subject_key)
    entry = LedgerEntry.objects.filter(log__key=subject_key, seq=seq).first()
    if entry is None or entry.kind != "cast":
        raise ParticipationError(_("L'entrée %(seq)s n'est pas un bulletin ou une signature du registre.") % {"seq": seq})
    later = LedgerEntry.objects.filter(log_id=entry.log_id, participant=entry.participant, seq__gt=seq)
    if later.exists():
        raise ParticipationError(_("L'entrée %(seq)s a déjà été remplacée, retirée ou invalidée.") % {"seq": seq})
    return entry


def invalidate(
    subject_key: str, record_or_seq: ParticipationRecord | int, *, reason_code: str, by: Any
) -> ParticipationRecord | None:
    """Invalidate a participation for a public reason (:data:`core.ledger.REASONS`).

    ``record_or_seq`` is a participation record or the ``seq`` of a ``cast`` entry of the
    ledger. An ``invalidated`` entry is added; nothing is deleted. Returns the record, marked
    invalidated (``None`` if no record matches an entry given by ``seq``).
    """
    if reason_code not in REASONS:
        raise ValueError(f"reason_code must be one of {', '.join(REASONS)}")
    subject = get_subject(subject_key)
    refers_to = None
    if isinstance(record_or_seq, ParticipationRecord):
        record = record_or_seq
        participant = participant_id(participant_token(record.person_key, subject.key), subject.key)
    else:
        entry = _target_entry(subject.key, int(record_or_seq))
        participant, refers_to = entry.participant, entry.seq
        record = _record_of(subject.key, participant)
    with transaction.atomic():
        if record is not None:
            locked = ParticipationRecord.objects.select_for_update().get(pk=record.pk)
            if not locked.is_active:
                raise ParticipationError(_("Cette participation a déjà été retirée ou invalidée."))
            locked.invalidated_at, locked.invalidated_by = timezone.now(), by
            locked.invalidation_reason = reason_code
            locked.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])
            record = locked
        _pending(subject, "invalidated", participant, refers_to=refers_to, reason=reason_code)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: flush_pending(subject.key), robust=True)
    else:
        flush_pending(subject.key)
    return record


def channel_counts(subject_key: str) -> dict[str, int]:
    """Active participations per channel (one aggregate query; all channels present)."""
    counts = dict.fromkeys(CHANNELS, 0)
    rows = (
        ParticipationRecord.objects.filter(
            subject_key=subject_key, withdrawn_at__isnull=True, invalidated_at__isnull=True
        )
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts
