"""The result of verifying an export: problems in a stable order and a short summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from .tally import Tally

__all__ = ["Problem", "VerificationReport"]


@dataclass(frozen=True)
class Problem:
    """One failed check.

    ``seq`` is set when the check names one entry exactly; ``span`` when it can only
    bracket the culprit between two published heads (``[first, last]``, inclusive).
    """

    message: str
    seq: int | None = None
    span: tuple[int, int] | None = None
    head_size: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class VerificationReport:
    """Outcome of :func:`core.ledger.export.verify_export`."""

    log: str
    log_type: str
    entries: int
    heads: int = 0
    largest_head: int | None = None
    keys: list[str] = field(default_factory=list)
    keys_pinned: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tally: Tally | None = None
    omitted: int = 0

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        """The problem to show first (the earliest entry, when entries are at fault)."""
        return self.problems[0] if self.problems else None

    @property
    def first_bad_entry(self) -> int | None:
        """The seq of the first entry named exactly by a problem, if any."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def sort(self) -> None:
        """Order problems: by the earliest entry they concern, exact ones first on ties.

        A bracket ``span`` sorts at the first exact problem inside it, so that an exact
        diagnosis comes before the coarser one it explains. Problems about no entry
        (signatures, totals) come last.
        """
        exact = sorted(p.seq for p in self.problems if p.seq is not None)

        def key(item: tuple[int, Problem]) -> tuple:
            index, problem = item
            if problem.seq is not None:
                return (0, problem.seq, 0, index)
            if problem.span is not None:
                first, last = problem.span
                inside = [s for s in exact if first <= s <= last]
                return (0, inside[0] if inside else first, 1, index)
            return (1, 0, 0, index)

        self.problems = [p for _, p in sorted(enumerate(self.problems), key=key)]

    def summary(self, limit: int = 10) -> str:
        """A few lines for people: verdict, first problem, counts and totals."""
        heads = f"{self.heads} signed head{'s' if self.heads != 1 else ''}"
        if self.largest_head is not None:
            heads += f" (largest: {self.largest_head} entries)"
        if self.ok:
            lines = ["OK: entries, signed heads, running hashes and totals all check out"]
        else:
            lines = [f"FAILED: {self.problems[0]}"]
            more = self.problems[1:limit]
            lines.extend(f"  also: {problem}" for problem in more)
            left = len(self.problems) - 1 - len(more) + self.omitted
            if left > 0:
                lines.append(f"  and {left} more problem{'s' if left != 1 else ''}")
        lines.append(f"log {self.log} ({self.log_type}): {self.entries} entries, {heads}")
        keys = ", ".join(self.keys) or "none"
        pinning = (
            " (pinned)" if self.keys_pinned else " (taken from the export; pin with --public-key)"
        )
        lines.append(f"signing key{'s' if len(self.keys) != 1 else ''}: {keys}{pinning}")
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        if self.tally is not None:
            t = self.tally
            channels = ", ".join(f"{k} {v}" for k, v in sorted(t.by_channel.items()) if v)
            line = f"recount: {t.total} counted" + (f" ({channels})" if channels else "")
            line += f"; {t.superseded} superseded, {t.withdrawn} withdrawn, {sum(t.invalidated.values())} invalidated"
            lines.append(line)
            if t.by_choice:
                top = sorted(t.by_choice.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
                lines.append("by choice: " + ", ".join(f"{k} {v}" for k, v in top))
        return "\n".join(lines)
