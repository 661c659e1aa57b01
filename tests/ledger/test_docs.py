"""The worked example of docs/ledger.md is a valid export and its figures are right."""

from __future__ import annotations

import re
from pathlib import Path

from core.ledger import (
    Entry,
    MerkleTree,
    SignedTreeHead,
    check_receipt,
    load_export,
    verify_export,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", DOC, flags=re.S)


def test_documented_example_verifies_and_matches_the_figures():
    export = load_export(blocks("json")[0].encode("utf-8"))
    report = verify_export(export)
    assert report.ok, report.summary()
    entries = [Entry.from_dict(item["entry"]) for item in export.entries]
    first = entries[0].encode()
    assert blocks("")[0].encode("utf-8") == first
    assert f"these {len(first)} bytes" in DOC
    assert entries[0].leaf_hash().hex() in DOC
    tree = MerkleTree(e.leaf_hash() for e in entries)
    assert tree.consistency_proof(2, 4)[0].hex() in DOC
    assert tree.inclusion_proof(0, 4) == [entries[1].leaf_hash(), tree.consistency_proof(2, 4)[0]]
    head = SignedTreeHead.from_dict(export.heads[-1])
    assert head.signed_message().decode().replace("\n", "\\n") in DOC
    receipt = re.search(r"`(pvr1\.[A-Za-z0-9_.-]+)`", DOC).group(1)
    assert check_receipt(export, receipt).status.startswith("superseded by entry 2")
    assert "0000000d6275646765743a766f74653a37" in DOC
