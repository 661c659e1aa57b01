"""Appending to a log: the O(log n) state a storage layer keeps between appends.

A storage layer (for example database rows, one per entry) keeps, beside its rows, the
small :meth:`LogState.to_state` dict, and for each row the canonical entry bytes, the
leaf hash and the running hash returned by :meth:`LogState.append`.

Running hash: ``chain_0 = SHA-256(0x02 || 32 zero bytes || leaf_0)`` and
``chain_n = SHA-256(0x02 || chain_{n-1} || leaf_n)``. It lets a verifier name the
exact entry that was edited in an export; the signed heads remain the trust anchor.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .entries import Entry, EntryError
from .heads import SignedTreeHead, sign_head
from .merkle import Frontier

__all__ = ["CHAIN_SEED", "Appended", "LogState", "chain_hash"]

CHAIN_SEED = bytes(32)


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    """``SHA-256(0x02 || previous || leaf)``."""
    return hashlib.sha256(b"\x02" + previous + leaf).digest()


@dataclass(frozen=True)
class Appended:
    """What to store for one appended entry."""

    seq: int
    data: bytes  # canonical entry bytes
    leaf: bytes  # SHA-256(0x00 || data)
    chain: bytes  # running hash after this entry


class LogState:
    """Incremental state of one log: its frontier, running hash and last timestamp."""

    def __init__(
        self,
        log: str,
        frontier: Frontier | None = None,
        chain: bytes = CHAIN_SEED,
        last_at: str | None = None,
    ) -> None:
        self.log = log
        self.frontier = frontier if frontier is not None else Frontier()
        self.chain = chain
        self.last_at = last_at

    @property
    def size(self) -> int:
        """Number of entries appended; also the ``seq`` of the next entry."""
        return self.frontier.size

    def append(self, entry: Entry) -> Appended:
        """Append ``entry``, which must belong to this log and carry the next ``seq``."""
        if entry.log != self.log:
            raise EntryError(f"entry belongs to log {entry.log!r}, not {self.log!r}")
        if entry.seq != self.size:
            raise EntryError(f"entry seq {entry.seq} is not the next seq {self.size}")
        if self.last_at is not None and entry.at < self.last_at:
            raise EntryError("entry time is earlier than the previous entry's")
        data = entry.encode()
        leaf = self.frontier.append_data(data)
        self.chain = chain_hash(self.chain, leaf)
        self.last_at = entry.at
        return Appended(entry.seq, data, leaf, self.chain)

    def root(self) -> bytes:
        """Current Merkle root."""
        return self.frontier.root()

    def head(self, private_key: Ed25519PrivateKey, at: str) -> SignedTreeHead:
        """Sign a tree head for the current size."""
        if self.last_at is not None and at < self.last_at:
            raise ValueError("a head cannot be older than the entries it covers")
        return sign_head(private_key, self.log, self.size, self.root(), at)

    def to_state(self) -> dict[str, Any]:
        """JSON-serialisable state (O(log n) hashes)."""
        return {
            "log": self.log,
            "chain": self.chain.hex(),
            "last_at": self.last_at,
            **self.frontier.to_state(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LogState:
        """Rebuild the state saved with :meth:`to_state`."""
        return cls(
            state["log"],
            Frontier.from_state(state),
            bytes.fromhex(state["chain"]),
            state["last_at"],
        )
