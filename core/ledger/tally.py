"""Recount a log from its entries.

Semantics (entries are processed in ``seq`` order, grouped by the public ``participant``
pseudonym):

* ``cast``: becomes the participant's current ballot. In a *vote* it replaces any
  earlier ballot ("the last ballot counts"; the earlier one is *superseded*). In a
  *petition* a participant may not sign again while their signature is active; they may
  sign again after a withdrawal or an invalidation.
* ``withdrawn``: must refer to the participant's current, active ballot (same
  participant); the participant no longer counts.
* ``invalidated``: must refer to some participant's current, active ballot and carry
  that participant's pseudonym; the participant no longer counts, with a public reason.

Counted participants are those whose current ballot is active at the end. Each adds 1
to ``total`` and to ``by_channel`` (channel of the counted ballot); in a vote, each item
of the ballot adds 1 (list form) or its points (object form) to ``by_choice``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .entries import CHANNELS, LOG_TYPES, Entry

__all__ = ["Ballot", "Tally", "TallyError", "Tallier", "tally"]


class TallyError(ValueError):
    """An entry breaks the counting rules; ``seq`` names it."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(f"entry {seq}: {message}")
        self.seq = seq
        self.reason = message


@dataclass
class Ballot:
    """A participant's current ballot and what happened to it."""

    seq: int
    channel: str
    choice: Any
    removed_by: int | None = None
    removal: str | None = None  # "withdrawn" or the invalidation reason code


@dataclass
class Tally:
    """Recomputed totals; :meth:`to_dict` is the ``totals`` object of an export."""

    total: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    by_choice: dict[str, int] = field(default_factory=dict)
    superseded: int = 0
    withdrawn: int = 0
    invalidated: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready totals, with sorted keys."""
        return {
            "total": self.total,
            "by_channel": dict(sorted(self.by_channel.items())),
            "by_choice": dict(sorted(self.by_choice.items())),
            "superseded": self.superseded,
            "withdrawn": self.withdrawn,
            "invalidated": dict(sorted(self.invalidated.items())),
        }


class Tallier:
    """Feed entries one by one with :meth:`add`, then read :meth:`result`.

    :meth:`add` raises :class:`TallyError` for an entry that breaks the rules; such an
    entry has no effect, and later entries can still be added.
    """

    def __init__(self, log_type: str) -> None:
        if log_type not in LOG_TYPES:
            raise ValueError(f"log type must be one of {', '.join(LOG_TYPES)}")
        self.log_type = log_type
        self.ballots: dict[int, Ballot] = {}  # seq -> every accepted cast
        self.participants: dict[int, str] = {}  # seq -> participant of that cast
        self.current: dict[str, int] = {}  # participant -> seq of their current ballot
        self.superseded_by: dict[int, int] = {}
        self.withdrawn = 0
        self.invalidated: dict[str, int] = {}

    def add(self, entry: Entry) -> None:
        """Apply one entry."""
        if entry.kind == "cast":
            self._cast(entry)
        else:
            self._remove(entry)

    def _cast(self, entry: Entry) -> None:
        if self.log_type == "petition" and entry.choice is not None:
            raise TallyError(entry.seq, "a petition signature carries no choice")
        if self.log_type == "vote" and entry.choice is None:
            raise TallyError(
                entry.seq, "a ballot needs a choice (an empty list for a blank ballot)"
            )
        previous = self.current.get(entry.participant)
        if previous is not None and self.ballots[previous].removed_by is None:
            if self.log_type == "petition":
                raise TallyError(entry.seq, f"participant already signed in entry {previous}")
            self.superseded_by[previous] = entry.seq
        self.ballots[entry.seq] = Ballot(entry.seq, entry.channel or "", entry.choice)
        self.participants[entry.seq] = entry.participant
        self.current[entry.participant] = entry.seq

    def _remove(self, entry: Entry) -> None:
        target = entry.refers_to
        ballot = self.ballots.get(target) if target is not None else None
        if ballot is None:
            raise TallyError(entry.seq, f"refers_to {target} is not an earlier, valid cast entry")
        if self.participants[ballot.seq] != entry.participant:
            raise TallyError(entry.seq, f"participant differs from that of entry {target}")
        if ballot.seq in self.superseded_by:
            raise TallyError(
                entry.seq, f"entry {target} was superseded by entry {self.superseded_by[target]}"
            )
        if ballot.removed_by is not None:
            raise TallyError(
                entry.seq, f"entry {target} was already removed by entry {ballot.removed_by}"
            )
        ballot.removed_by = entry.seq
        if entry.kind == "withdrawn":
            ballot.removal = "withdrawn"
            self.withdrawn += 1
        else:
            reason = entry.reason or ""
            ballot.removal = reason
            self.invalidated[reason] = self.invalidated.get(reason, 0) + 1

    def result(self) -> Tally:
        """Totals over the entries added so far."""
        result = Tally(
            superseded=len(self.superseded_by),
            withdrawn=self.withdrawn,
            invalidated=dict(self.invalidated),
        )
        for seq in self.current.values():
            ballot = self.ballots[seq]
            if ballot.removed_by is not None:
                continue
            result.total += 1
            result.by_channel[ballot.channel] = result.by_channel.get(ballot.channel, 0) + 1
            if isinstance(ballot.choice, dict):
                for item, points in ballot.choice.items():
                    result.by_choice[item] = result.by_choice.get(item, 0) + points
            elif ballot.choice:
                for item in ballot.choice:
                    result.by_choice[item] = result.by_choice.get(item, 0) + 1
        return result

    def status(self, seq: int) -> str:
        """Plain-language fate of the cast entry ``seq``: counted, superseded or removed."""
        ballot = self.ballots.get(seq)
        if ballot is None:
            return "not a valid cast entry"
        if ballot.removed_by is not None:
            if ballot.removal == "withdrawn":
                return f"withdrawn by entry {ballot.removed_by}"
            return f"invalidated by entry {ballot.removed_by} (reason: {ballot.removal})"
        if seq in self.superseded_by:
            return f"superseded by entry {self.superseded_by[seq]} (a later ballot of the same participant)"
        return "counted"


def tally(entries: Iterable[Entry], log_type: str) -> Tally:
    """Recount ``entries`` (in order); raise :class:`TallyError` on the first rule broken."""
    tallier = Tallier(log_type)
    for entry in entries:
        tallier.add(entry)
    return tallier.result()
