"""Merkle trees as defined by RFC 9162 (Certificate Transparency version 2).

* Leaf hash: ``SHA-256(0x00 || data)``; node hash: ``SHA-256(0x01 || left || right)``.
* The Merkle Tree Hash of ``n`` leaves splits at ``k``, the largest power of two below
  ``n``: ``MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))``; the empty tree hashes to
  ``SHA-256("")``.
* Inclusion and consistency proofs follow RFC 9162 sections 2.1.3 and 2.1.4.

Two tree objects are provided:

* :class:`MerkleTree` keeps every perfect subtree hash (about ``2n`` hashes), appends in
  amortised O(1), and answers roots and proofs for any earlier size in O(log² n).
* :class:`Frontier` keeps only the O(log n) "compact range" needed to append and compute
  the current root; its state is a short list of hashes that a database can persist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "MerkleTree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash ``SHA-256(0x00 || data)``."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _check_hash(value: bytes, what: str = "hash") -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


class MerkleTree:
    """An append-only Merkle tree over leaf hashes, with proofs for any past size.

    ``levels[h][i]`` is the hash of the perfect subtree covering leaves
    ``[i * 2**h, (i + 1) * 2**h)``; only complete subtrees are stored.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def leaf(self, index: int) -> bytes:
        """Return the leaf hash at ``index``."""
        return self._levels[0][index]

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash (amortised O(1))."""
        _check_hash(leaf, "leaf hash")
        levels = self._levels
        node = bytes(leaf)
        height = 0
        while True:
            row = levels[height]
            row.append(node)
            if len(row) % 2:
                return
            node = node_hash(row[-2], node)
            height += 1
            if height == len(levels):
                levels.append([])

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append several leaf hashes."""
        for leaf in leaf_hashes:
            self.append(leaf)

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)`` for a range that is a subtree of RFC 9162 trees.

        Such a range starts at a multiple of the smallest power of two not below its
        length, so it splits into aligned perfect subtrees of decreasing size, which are
        folded right to left.
        """
        if start == end:
            return EMPTY_ROOT
        parts: list[bytes] = []
        while start < end:
            height = (end - start).bit_length() - 1
            parts.append(self._levels[height][start >> height])
            start += 1 << height
        result = parts[-1]
        for part in reversed(parts[:-1]):
            result = node_hash(part, result)
        return result

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} outside 0..{self.size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: all of them)."""
        return self._range_hash(0, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 inclusion proof ``PATH(index, D[0:size])``, ordered leaf to root."""
        size = self._size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} outside 0..{size - 1}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = 1 << ((end - start - 1).bit_length() - 1)
            if index < start + k:
                path.append(self._range_hash(start + k, end))
                end = start + k
            else:
                path.append(self._range_hash(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 consistency proof ``PROOF(old_size, D[0:new_size])``."""
        new_size = self._size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} outside 0..{new_size}")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, end, m, complete = 0, new_size, old_size, True
        while True:
            n = end - start
            if m == n:
                if not complete:
                    proof.append(self._range_hash(start, end))
                break
            k = 1 << ((n - 1).bit_length() - 1)
            if m <= k:
                proof.append(self._range_hash(start + k, end))
                end = start + k
            else:
                proof.append(self._range_hash(start, start + k))
                start += k
                m -= k
                complete = False
        proof.reverse()
        return proof


class Frontier:
    """Incremental Merkle tree state: the roots of the perfect subtrees of the tree.

    For a tree of ``size`` leaves, ``hashes`` holds one hash per bit set in ``size``,
    largest subtree first. Appending is O(log n) and so is :meth:`root`. The state
    (:meth:`to_state`) is small enough to store beside the last entry of a log.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != bin(size).count("1"):
            raise ValueError("a frontier needs one hash per bit set in its size")
        for value in hashes:
            _check_hash(value)
        self._size = size
        self._hashes = [bytes(h) for h in hashes]

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """The subtree roots, largest subtree first (a copy)."""
        return list(self._hashes)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        _check_hash(leaf, "leaf hash")
        node = bytes(leaf)
        size = self._size
        stack = self._hashes
        while size & 1:
            node = node_hash(stack.pop(), node)
            size >>= 1
        stack.append(node)
        self._size += 1

    def append_data(self, data: bytes) -> bytes:
        """Hash ``data`` as a leaf, append it and return its leaf hash."""
        leaf = leaf_hash(data)
        self.append(leaf)
        return leaf

    def root(self) -> bytes:
        """Root hash of the tree so far."""
        stack = self._hashes
        if not stack:
            return EMPTY_ROOT
        result = stack[-1]
        for value in reversed(stack[:-1]):
            result = node_hash(value, result)
        return result

    def copy(self) -> Frontier:
        """Return an independent copy."""
        return Frontier(self._size, self._hashes)

    def to_state(self) -> dict:
        """JSON-serialisable state: ``{"size": n, "hashes": [hex, ...]}``."""
        return {"size": self._size, "hashes": [h.hex() for h in self._hashes]}

    @classmethod
    def from_state(cls, state: dict) -> Frontier:
        """Rebuild a frontier saved with :meth:`to_state`."""
        return cls(int(state["size"]), [bytes.fromhex(h) for h in state["hashes"]])


def merkle_root(leaf_hashes: Iterable[bytes]) -> bytes:
    """Merkle Tree Hash of a sequence of leaf hashes, in O(n) time and O(log n) memory."""
    frontier = Frontier()
    for leaf in leaf_hashes:
        frontier.append(leaf)
    return frontier.root()


def inclusion_proof(
    leaf_hashes: Sequence[bytes], index: int, size: int | None = None
) -> list[bytes]:
    """Inclusion proof for leaf ``index`` in the tree of the first ``size`` leaf hashes.

    Builds the tree once (O(n)); use :class:`MerkleTree` directly for many proofs.
    """
    size = len(leaf_hashes) if size is None else size
    return MerkleTree(leaf_hashes[:size]).inclusion_proof(index)


def consistency_proof(
    leaf_hashes: Sequence[bytes], old_size: int, new_size: int | None = None
) -> list[bytes]:
    """Consistency proof between the trees of the first ``old_size`` and ``new_size`` leaves."""
    new_size = len(leaf_hashes) if new_size is None else new_size
    return MerkleTree(leaf_hashes[:new_size]).consistency_proof(old_size)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size or len(root) != HASH_SIZE or len(leaf) != HASH_SIZE:
        return False
    fn, sn = index, size - 1
    result = leaf
    for value in proof:
        if len(value) != HASH_SIZE or sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(value, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, value)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof (RFC 9162 section 2.1.4.2).

    The trivial cases are decided here: an empty old tree is consistent with any tree
    (the proof must be empty and ``old_root`` the empty-tree hash), and equal sizes need
    an empty proof and equal roots.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof or any(len(value) != HASH_SIZE for value in proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # exact power of two
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for value in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(value, fr)
            sr = node_hash(value, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, value)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
