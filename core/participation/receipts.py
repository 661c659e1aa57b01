"""What became of a receipt's entry, answered from the database in a fixed number of queries.

The same rules as :func:`core.ledger.check_receipt` on an export: the entry at the receipt's
``seq`` must match the receipt (log, commitment, pseudonym); its fate is decided by the
participant's later entries (a later ballot supersedes it in a vote; a withdrawal or an
invalidation referring to it removes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.ledger import Receipt, receipt_matches
from core.participation.models import LedgerEntry, LedgerLog, PendingLedgerEntry

__all__ = ["ReceiptStatus", "reason_label", "receipt_status"]

COUNTED, SUPERSEDED, WITHDRAWN, INVALIDATED = "counted", "superseded", "withdrawn", "invalidated"
RECORDED, PENDING, UNKNOWN, INVALID = "recorded", "pending", "unknown", "invalid"


def reason_label(code: str) -> str:
    """A public reason code (:data:`core.ledger.REASONS`) in words."""
    return {
        "duplicate": _("doublon (la même personne a participé deux fois)"),
        "ineligible": _("la personne n'avait pas le droit de participer"),
        "identity_unverified": _("identité non confirmée"),
        "invalid_ballot": _("bulletin non conforme aux règles"),
        "late": _("enregistrée après la clôture"),
        "fraud": _("fraude ou contrainte établie"),
        "legal_order": _("décision de justice ou obligation légale"),
    }.get(code, code)


@dataclass(frozen=True)
class ReceiptStatus:
    """``state`` is one of the constants above; ``by_seq`` the entry that changed its fate."""

    state: str
    log: str = ""
    seq: int | None = None
    by_seq: int | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        """The status in a sentence, in the active language."""
        values = {"seq": self.seq, "by": self.by_seq, "reason": reason_label(self.reason)}
        return {
            COUNTED: _("Votre participation (entrée %(seq)s) est dans le registre et elle est comptée."),
            SUPERSEDED: _("Ce bulletin (entrée %(seq)s) a été remplacé par un bulletin plus récent (entrée %(by)s) : c'est le dernier bulletin qui compte."),
            WITHDRAWN: _("Cette participation (entrée %(seq)s) a été retirée (entrée %(by)s)."),
            INVALIDATED: _("Cette participation (entrée %(seq)s) a été invalidée (entrée %(by)s), motif public : %(reason)s."),
            RECORDED: _("Ce reçu est celui d'un retrait (entrée %(seq)s, qui porte sur l'entrée %(by)s) : il est bien dans le registre."),
            PENDING: _("Votre participation est enregistrée mais pas encore inscrite au registre : réessayez dans quelques minutes."),
            UNKNOWN: _("Aucune entrée du registre ne correspond à ce reçu."),
            INVALID: _("Ce texte n'est pas un reçu Parvis (il commence par « pvr1. »)."),
        }[self.state] % values


def receipt_status(text: str) -> ReceiptStatus:
    """Check a receipt against the stored ledger (at most four queries, whatever its size)."""
    try:
        receipt = Receipt.decode(text)
    except ValueError:
        return ReceiptStatus(INVALID)
    found = ReceiptStatus(UNKNOWN, receipt.log, receipt.seq)
    log_id = LedgerLog.objects.filter(key=receipt.log).values_list("pk", flat=True).first()
    entry = None
    if log_id is not None:
        entry = LedgerEntry.objects.filter(log_id=log_id, seq=receipt.seq).first()
    if entry is None or not receipt_matches(json.loads(entry.data), receipt):
        waiting = PendingLedgerEntry.objects.filter(
            subject_key=receipt.log, receipt=receipt.commitment, rejected_reason=""
        )
        return ReceiptStatus(PENDING, receipt.log) if waiting.exists() else found
    if entry.kind != "cast":
        return ReceiptStatus(RECORDED, receipt.log, entry.seq, entry.refers_to)
    later = LedgerEntry.objects.filter(
        log_id=log_id, participant=entry.participant, seq__gt=entry.seq
    ).order_by("seq").values_list("seq", "kind", "refers_to", "data")
    for seq, kind, refers_to, data in later:
        if kind == "cast":
            return ReceiptStatus(SUPERSEDED, receipt.log, entry.seq, seq)
        if refers_to == entry.seq:
            state = WITHDRAWN if kind == "withdrawn" else INVALIDATED
            reason = json.loads(data).get("reason") or ""
            return ReceiptStatus(state, receipt.log, entry.seq, seq, reason)
    return ReceiptStatus(COUNTED, receipt.log, entry.seq)
