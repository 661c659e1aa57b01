"""Merkle trees against RFC 9162 and an independent naive implementation."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    verify_consistency,
    verify_inclusion,
)

# --- independent reference, straight from the RFC's recursive definitions -------------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(data: list[bytes]) -> bytes:
    if not data:
        return sha(b"")
    if len(data) == 1:
        return sha(b"\x00" + data[0])
    k = split(len(data))
    return sha(b"\x01" + naive_mth(data[:k]) + naive_mth(data[k:]))


def naive_path(m: int, data: list[bytes]) -> list[bytes]:
    if len(data) == 1:
        return []
    k = split(len(data))
    if m < k:
        return naive_path(m, data[:k]) + [naive_mth(data[k:])]
    return naive_path(m - k, data[k:]) + [naive_mth(data[:k])]


def naive_subproof(m: int, data: list[bytes], complete: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if complete else [naive_mth(data)]
    k = split(n)
    if m <= k:
        return naive_subproof(m, data[:k], complete) + [naive_mth(data[k:])]
    return naive_subproof(m - k, data[k:], False) + [naive_mth(data[:k])]


def naive_proof(m: int, data: list[bytes]) -> list[bytes]:
    return [] if m in (0, len(data)) else naive_subproof(m, data, True)


def data_for(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


BIG = data_for(300)
BIG_LEAVES = [leaf_hash(d) for d in BIG]
BIG_TREE = MerkleTree(BIG_LEAVES)

# --- known answers (the Certificate Transparency reference test vectors) -------------

VECTOR_INPUTS = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_known_roots():
    leaves = [leaf_hash(x) for x in VECTOR_INPUTS]
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for n, expected in enumerate(VECTOR_ROOTS, start=1):
        assert merkle_root(leaves[:n]).hex() == expected
        assert naive_mth(VECTOR_INPUTS[:n]).hex() == expected


def test_known_proofs():
    tree = MerkleTree(leaf_hash(x) for x in VECTOR_INPUTS)

    def short(proof: list[bytes]) -> list[str]:
        return [p.hex()[:8] for p in proof]

    assert short(tree.inclusion_proof(0, 8)) == ["96a296d2", "5f083f0a", "6b47aaf2"]
    assert short(tree.inclusion_proof(5, 8)) == ["bc1a0643", "ca854ea1", "d37ee418"]
    assert short(tree.inclusion_proof(2, 3)) == ["fac54203"]
    assert short(tree.consistency_proof(1, 8)) == ["96a296d2", "5f083f0a", "6b47aaf2"]
    assert short(tree.consistency_proof(6, 8)) == ["0ebc5d34", "ca854ea1", "d37ee418"]
    assert short(tree.consistency_proof(2, 5)) == ["5f083f0a", "bc1a0643"]


def test_roots_of_every_size_match_the_naive_definition():
    frontier = Frontier()
    assert frontier.root() == naive_mth([]) == BIG_TREE.root(0)
    for n, leaf in enumerate(BIG_LEAVES, start=1):
        frontier.append(leaf)
        expected = naive_mth(BIG[:n])
        assert frontier.root() == expected, n
        assert BIG_TREE.root(n) == expected, n
        assert Frontier.from_state(frontier.to_state()).root() == expected


def test_every_inclusion_proof_up_to_200():
    for n in range(1, 201):
        root = BIG_TREE.root(n)
        for index in range(n):
            proof = BIG_TREE.inclusion_proof(index, n)
            assert verify_inclusion(BIG_LEAVES[index], index, n, proof, root), (index, n)


def test_every_consistency_proof_up_to_200():
    roots = [BIG_TREE.root(n) for n in range(201)]
    for n in range(201):
        for m in range(n + 1):
            proof = BIG_TREE.consistency_proof(m, n)
            assert verify_consistency(m, n, roots[m], roots[n], proof), (m, n)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_equal_the_naive_ones(case):
    n, index = case
    expected = naive_path(index, BIG[:n])
    assert BIG_TREE.inclusion_proof(index, n) == expected
    assert inclusion_proof(BIG_LEAVES, index, n) == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_proofs_equal_the_naive_ones(case):
    m, n = case
    expected = naive_proof(m, BIG[:n])
    assert BIG_TREE.consistency_proof(m, n) == expected
    assert consistency_proof(BIG_LEAVES, m, n) == expected


def flip(value: bytes, position: int, mask: int) -> bytes:
    position %= len(value)
    return value[:position] + bytes([value[position] ^ mask]) + value[position + 1 :]


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 200), st.data())
def test_inclusion_fails_when_any_byte_changes(n, data):
    index = data.draw(st.integers(0, n - 1))
    proof = BIG_TREE.inclusion_proof(index, n)
    leaf, root = BIG_LEAVES[index], BIG_TREE.root(n)
    target = data.draw(st.integers(0, len(proof) + 1))
    position, mask = data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255))
    if target < len(proof):
        proof[target] = flip(proof[target], position, mask)
    elif target == len(proof):
        leaf = flip(leaf, position, mask)
    else:
        root = flip(root, position, mask)
    assert not verify_inclusion(leaf, index, n, proof, root)


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 200), st.data())
def test_consistency_fails_when_any_byte_changes(n, data):
    m = data.draw(st.integers(1, n - 1))
    proof = BIG_TREE.consistency_proof(m, n)
    old, new = BIG_TREE.root(m), BIG_TREE.root(n)
    target = data.draw(st.integers(0, len(proof) + 1))
    position, mask = data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255))
    if target < len(proof):
        proof[target] = flip(proof[target], position, mask)
    elif target == len(proof):
        old = flip(old, position, mask)
    else:
        new = flip(new, position, mask)
    assert not verify_consistency(m, n, old, new, proof)


def test_proofs_fail_for_wrong_positions_and_sizes():
    proof = BIG_TREE.inclusion_proof(5, 100)
    root = BIG_TREE.root(100)
    assert verify_inclusion(BIG_LEAVES[5], 5, 100, proof, root)
    assert not verify_inclusion(BIG_LEAVES[5], 4, 100, proof, root)
    assert not verify_inclusion(BIG_LEAVES[5], 5, 101, proof, BIG_TREE.root(101))
    assert not verify_inclusion(BIG_LEAVES[5], 100, 100, proof, root)
    assert not verify_inclusion(BIG_LEAVES[5], 5, 100, proof + [root], root)
    assert not verify_inclusion(BIG_LEAVES[5], 5, 100, proof[:-1], root)
    consistency = BIG_TREE.consistency_proof(37, 100)
    assert verify_consistency(37, 100, BIG_TREE.root(37), root, consistency)
    assert not verify_consistency(38, 100, BIG_TREE.root(37), root, consistency)
    assert not verify_consistency(37, 100, BIG_TREE.root(37), root, [])
    assert not verify_consistency(37, 100, BIG_TREE.root(37), root, consistency[:-1])


def test_trivial_consistency_cases():
    root = BIG_TREE.root(10)
    assert verify_consistency(0, 10, EMPTY_ROOT, root, [])
    assert not verify_consistency(0, 10, root, root, [])
    assert verify_consistency(10, 10, root, root, [])
    assert not verify_consistency(10, 10, root, BIG_TREE.root(9), [])
    assert not verify_consistency(11, 10, root, root, [])


def test_frontier_state_is_small_and_validated():
    frontier = Frontier()
    for leaf in BIG_LEAVES[:255]:
        frontier.append(leaf)
    state = frontier.to_state()
    assert state["size"] == 255 and len(state["hashes"]) == 8
    copy = frontier.copy()
    copy.append(BIG_LEAVES[255])
    assert len(copy.hashes) == 1 and copy.root() == BIG_TREE.root(256)
    assert frontier.size == 255
    with pytest.raises(ValueError):
        Frontier(3, frontier.hashes[:1])
    with pytest.raises(ValueError):
        frontier.append(b"short")
    with pytest.raises(ValueError):
        BIG_TREE.inclusion_proof(10, 10)
    with pytest.raises(ValueError):
        BIG_TREE.root(301)
