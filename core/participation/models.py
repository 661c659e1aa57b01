"""Participation records (émargement) and the verifiable ledger stored in the database.

* :class:`ParticipationRecord`: one row per person and subject, whatever the channel; the
  unique constraint, not Python code, forbids a second participation.
* :class:`PendingLedgerEntry`: the transactional outbox, written in the same transaction as
  the record; :func:`core.participation.ledger_store.flush_pending` is the only code that
  moves its rows into :class:`LedgerEntry`.
* :class:`LedgerLog`, :class:`LedgerEntry`, :class:`SignedHead`: the append-only ledger
  (triggers refuse any UPDATE or DELETE of entries and heads, on PostgreSQL and SQLite).
* :class:`LedgerPublicKey`: every public key that signed heads (the private key is a file).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CHANNEL_WEB, CHANNEL_PAPER, CHANNEL_ASSISTED, CHANNEL_PARTNER = "web", "paper", "assisted", "partner"


class Channel(models.TextChoices):
    WEB = CHANNEL_WEB, _("en ligne")
    PAPER = CHANNEL_PAPER, _("sur papier")
    ASSISTED = CHANNEL_ASSISTED, _("en mairie, avec un agent")
    PARTNER = CHANNEL_PARTNER, _("par un partenaire")


class ParticipationRecord(models.Model):
    """One person took part in one vote or petition. Holds the person key, never the identity."""

    subject_key = models.CharField(_("sujet"), max_length=200)
    person_key = models.CharField(_("clé de la personne"), max_length=64)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="participations",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    sheet_reference = models.CharField(_("référence de la feuille"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    invalidated_at = models.DateTimeField(_("invalidée le"), null=True, blank=True)
    invalidation_reason = models.CharField(_("motif d'invalidation"), max_length=40, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "person_key"], name="participation_one_per_person"
            )
        ]
        indexes = [models.Index(fields=["subject_key", "channel"], name="participation_channel")]

    def __str__(self) -> str:
        return f"{self.subject_key} ({self.channel}, {self.created_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.invalidated_at is None


class LedgerLog(models.Model):
    """One append-only log per subject; keeps the O(log n) state needed to append."""

    key = models.CharField(max_length=200, unique=True)
    log_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(default=0)
    frontier = models.JSONField(default=dict)  # core.ledger.LogState.to_state()
    chain_head = models.CharField(max_length=64, default="0" * 64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registre")

    def __str__(self) -> str:
        return f"{self.key} ({self.size})"


class LedgerEntry(models.Model):
    """One entry: ``data`` is its canonical JSON, the other columns are copies for queries."""

    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveBigIntegerField()
    data = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=12)
    participant = models.CharField(max_length=64)
    receipt = models.CharField(max_length=64, blank=True)  # "" for invalidated entries
    refers_to = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "seq"], name="ledger_entry_seq")]
        indexes = [
            models.Index(fields=["log", "participant", "seq"], name="ledger_entry_participant"),
            models.Index(fields=["receipt"], name="ledger_entry_receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}#{self.seq}"


class PendingLedgerEntry(models.Model):
    """An entry waiting for :func:`~core.participation.ledger_store.flush_pending` (outbox).

    ``refers_to`` is set only for an invalidation of an explicit entry; withdrawals and
    invalidations of a record refer to the participant's current ballot, resolved when the
    entry is appended. The entry's time is the time it is appended. A row that would break the
    counting rules is kept with ``rejected_reason`` instead of being appended.
    """

    subject_key = models.CharField(max_length=200)
    log_type = models.CharField(max_length=10)
    kind = models.CharField(max_length=12)
    channel = models.CharField(max_length=10, blank=True)
    choice = models.JSONField(null=True, blank=True)
    participant = models.CharField(max_length=64)
    receipt = models.CharField(max_length=64, blank=True)  # "" for invalidated entries
    refers_to = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rejected_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_key", "rejected_reason", "id"], name="pending_ledger_order"),
            models.Index(fields=["receipt"], name="pending_ledger_receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_key} {self.kind} (pending)"


class SignedHead(models.Model):
    """A signed tree head, exactly as published (``at`` is the signed timestamp text)."""

    log = models.ForeignKey(LedgerLog, on_delete=models.PROTECT, related_name="heads")
    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    at = models.CharField(max_length=20)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["log", "size"], name="signed_head_size")]

    def __str__(self) -> str:
        return f"{self.log_id} size {self.size} at {self.at}"

    def to_dict(self, log_key: str | None = None) -> dict:
        """The published head (``docs/ledger.md``); pass ``log_key`` to spare a query."""
        return {"at": self.at, "key_id": self.key_id, "log": log_key or self.log.key,
                "root": self.root, "signature": self.signature, "size": self.size}


class LedgerPublicKey(models.Model):
    """A public key that signed heads on this instance; kept after the key is rotated."""

    key_id = models.CharField(max_length=32, unique=True)
    public_key = models.CharField(max_length=64)  # raw 32 bytes, base64
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.key_id
