"""The checks run by :func:`core.ledger.export.verify_export`, one function per step."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .entries import Entry, EntryError, canonical_json
from .heads import HeadError, SignedTreeHead, key_id, load_public_key, verify_head
from .log import CHAIN_SEED, chain_hash
from .merkle import MerkleTree, leaf_hash, verify_consistency
from .report import Problem, VerificationReport
from .tally import Tallier, TallyError

__all__ = ["EntryChecker", "check_heads", "check_totals", "parse_heads", "trusted_keys"]

MAX_PROBLEMS = 100
_HEX64 = re.compile(r"[0-9a-f]{64}")


def trusted_keys(
    header_keys: list[Any], report: VerificationReport, pinned: Iterable[Ed25519PublicKey] | None
) -> dict[str, Ed25519PublicKey]:
    """The keys to check signatures with: the pinned ones, else those of the header."""
    declared: dict[str, Ed25519PublicKey] = {}
    for index, item in enumerate(header_keys):
        try:
            if not isinstance(item, dict) or not isinstance(item.get("public_key"), str):
                raise HeadError("expected an object with key_id and public_key")
            key = load_public_key(item["public_key"])
        except HeadError as exc:
            report.problems.append(Problem(f"header key #{index}: {exc}"))
            continue
        if item.get("key_id") != key_id(key):
            report.problems.append(
                Problem(f"header key #{index}: key_id does not match the public key")
            )
        declared[key_id(key)] = key
    if pinned is None:
        report.keys = sorted(declared)
        return declared
    trusted = {key_id(key): key for key in pinned}
    report.keys, report.keys_pinned = sorted(trusted), True
    for kid in sorted(set(declared) - set(trusted)):
        report.warnings.append(f"the export declares key {kid}, which is not among the pinned keys")
    return trusted


def _entry_data(raw: Any) -> bytes:
    try:
        return canonical_json(raw)
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
        return b"\xff unencodable entry"  # never valid JSON, so never a valid leaf


class EntryChecker:
    """One pass over the entries: leaf hashes, seq order, running hashes, times, tally."""

    def __init__(
        self, log: str, log_type: str, entries: list[Any], report: VerificationReport
    ) -> None:
        self.log, self.entries, self.report = log, entries, report
        self.tree = MerkleTree()
        self.tallier = Tallier(log_type)
        self.times: list[str | None] = []
        self.positions: dict[int, int] = {}
        for index, item in enumerate(entries):
            seq = (
                item.get("entry", {}).get("seq")
                if isinstance(item, dict) and isinstance(item.get("entry"), dict)
                else None
            )
            if type(seq) is int:
                self.positions.setdefault(seq, index)

    def problem(self, seq: int, message: str) -> None:
        """Record a problem naming entry ``seq``."""
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(f"entry {seq}: {message}", seq=seq))
        else:
            self.report.omitted += 1

    def run(self) -> None:
        """Check every entry, in order."""
        previous_chain, previous_at, previous_in_place, delta = CHAIN_SEED, "", True, 0
        for i, item in enumerate(self.entries):
            shaped = isinstance(item, dict) and set(item) == {"chain", "entry"}
            raw = item["entry"] if shaped else item
            leaf = leaf_hash(_entry_data(raw))
            self.tree.append(leaf)
            stated = item.get("chain") if shaped else None
            stated_chain = (
                bytes.fromhex(stated)
                if isinstance(stated, str) and _HEX64.fullmatch(stated)
                else None
            )
            try:
                if not shaped:
                    raise EntryError('not an object with exactly "chain" and "entry"')
                entry = Entry.from_dict(raw)
            except (EntryError, TypeError) as exc:
                self.problem(i, f"malformed: {exc}")
                self.times.append(None)
                previous_chain, previous_in_place = stated_chain or CHAIN_SEED, False
                continue
            self.times.append(entry.at)
            in_place = entry.seq == i
            if not in_place and entry.seq - i != delta:
                self._misplaced(i, entry.seq)
            delta = entry.seq - i
            if entry.log != self.log:
                self.problem(i, f"belongs to log {entry.log!r}, not {self.log!r}")
            if stated_chain is None:
                self.problem(i, "running hash is missing or not 64 hex characters")
            elif (
                in_place and previous_in_place and chain_hash(previous_chain, leaf) != stated_chain
            ):
                self.problem(i, "content does not match its running hash (the entry was altered)")
            if entry.at < previous_at:
                self.problem(
                    i, f"time {entry.at} is earlier than the previous entry's {previous_at}"
                )
            try:
                self.tallier.add(entry)
            except TallyError as exc:
                self.problem(i, exc.reason)
            previous_chain, previous_at, previous_in_place = (
                stated_chain or CHAIN_SEED,
                entry.at,
                in_place,
            )

    def _misplaced(self, i: int, seq: int) -> None:
        where = self.positions.get(i)
        if seq < i and self.positions.get(seq, i) < i:
            self.problem(i, f"position {i} holds a second copy of entry {seq}")
        elif where is not None and where != i:
            self.problem(
                i, f"out of order: it is at position {where}, and position {i} holds entry {seq}"
            )
        elif seq > i + 1 and all(s not in self.positions for s in range(i, min(seq, i + 1000))):
            self.problem(i, f"missing, up to entry {seq - 1} (position {i} holds entry {seq})")
        else:
            self.problem(i, f"missing (position {i} holds entry {seq})")


def parse_heads(
    raw_heads: list[Any], log: str, trusted: dict, report: VerificationReport
) -> list[SignedTreeHead]:
    """Keep the well-formed heads of ``log`` with a valid signature, sorted by size."""
    valid: dict[tuple, SignedTreeHead] = {}
    for index, raw in enumerate(raw_heads):
        try:
            head = SignedTreeHead.from_dict(raw)
        except HeadError as exc:
            report.problems.append(Problem(f"head #{index}: {exc}"))
            continue
        name = f"head of size {head.size}"
        if head.log != log:
            report.problems.append(
                Problem(f"{name}: belongs to log {head.log!r}", head_size=head.size)
            )
        elif head.key_id not in trusted:
            report.problems.append(
                Problem(f"{name}: signed by unknown key {head.key_id}", head_size=head.size)
            )
        elif not verify_head(head, trusted):
            report.problems.append(
                Problem(f"{name}: the signature does not verify", head_size=head.size)
            )
        else:
            valid[(head.size, head.root, head.at, head.signature)] = head
    return sorted(valid.values(), key=lambda h: (h.size, h.at))


def check_heads(
    heads: list[SignedTreeHead], checker: EntryChecker, report: VerificationReport
) -> None:
    """Compare each head with the entries, then consecutive heads with each other."""
    tree, count = checker.tree, checker.tree.size
    matching: dict[int, bool] = {}
    for head in heads:
        name = f"head of size {head.size}"
        if head.size > count:
            report.problems.append(
                Problem(
                    f"entry {count}: missing — the signed {name} covers {head.size} entries, "
                    f"the export holds {count}",
                    seq=count,
                    head_size=head.size,
                )
            )
            continue
        matching[head.size] = tree.root(head.size).hex() == head.root
        if not matching[head.size]:
            below = [s for s, ok in matching.items() if ok and s < head.size]
            first = max(below, default=0)
            report.problems.append(
                Problem(
                    f"entries {first} to {head.size - 1}: the first {head.size} entries do not "
                    f"match the signed {name} (an entry in this range was altered, removed, "
                    "inserted or reordered)",
                    span=(first, head.size - 1),
                    head_size=head.size,
                )
            )
        last_at = checker.times[head.size - 1] if head.size and matching[head.size] else None
        if last_at is not None and head.at < last_at:
            report.problems.append(
                Problem(
                    f"{name}: dated {head.at}, before its last entry ({last_at})",
                    head_size=head.size,
                )
            )
    for older, newer in zip(heads, heads[1:], strict=False):
        if older.size == newer.size and older.root != newer.root:
            report.problems.append(
                Problem(
                    f"two signed heads of size {older.size} have different roots: "
                    "the log was forked",
                    head_size=older.size,
                )
            )
        elif older.size < newer.size <= count and newer.at < older.at:
            report.problems.append(
                Problem(f"head of size {newer.size} is dated before the head of size {older.size}")
            )
        if older.size < newer.size <= count:
            # RFC 9162 consistency proof, built from the entries, checked against both heads.
            proof = tree.consistency_proof(older.size, newer.size)
            old_root, new_root = bytes.fromhex(older.root), bytes.fromhex(newer.root)
            consistent = verify_consistency(older.size, newer.size, old_root, new_root, proof)
            if not consistent and matching.get(newer.size):
                # The entries match the newer head, so the older one cannot be its prefix.
                report.problems.append(
                    Problem(
                        f"heads of size {older.size} and {newer.size} are both signed but "
                        f"inconsistent: the log was rewritten after the head of size "
                        f"{older.size} was published",
                        head_size=newer.size,
                    )
                )
    covered = max((h.size for h in heads), default=0)
    if heads and covered < count:
        report.warnings.append(
            f"entries {covered} to {count - 1} are not yet covered by a signed head"
        )


def _short(value: Any, limit: int = 300) -> str:
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = "(unreadable value)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_totals(stated: Any, recount: dict[str, Any], report: VerificationReport) -> None:
    """Compare the totals stated in the export with the recount."""
    if stated == recount:
        return
    stated = stated if isinstance(stated, dict) else {}
    diffs = [
        f"{k} states {_short(stated.get(k))}, recount gives {_short(recount.get(k))}"
        for k in sorted(set(recount) | set(stated))
        if stated.get(k) != recount.get(k)
    ]
    report.problems.append(Problem("totals: " + ("; ".join(diffs) or "not an object")))
