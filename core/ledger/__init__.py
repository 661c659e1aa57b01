"""Verifiable ledger for votes and petitions (no Django: standard library + cryptography).

* :mod:`.merkle`: RFC 9162 Merkle trees, inclusion and consistency proofs, frontier.
* :mod:`.entries`: entries, canonical encoding, pseudonyms and receipts.
* :mod:`.heads`: Ed25519 signed tree heads and keys.
* :mod:`.log`: incremental append state for a storage layer.
* :mod:`.tally`: recount rules.
* :mod:`.export`: the public export, its verification and receipt checks
  (the individual checks live in :mod:`.checks`, the report in :mod:`.report`).
* :mod:`.cli`: ``python -m core.ledger verify EXPORT.json``, the standalone verifier.

The format and the algorithms are specified in ``docs/ledger.md``.
"""

from .entries import (
    CHANNELS,
    KINDS,
    LOG_TYPES,
    REASONS,
    Entry,
    EntryError,
    Receipt,
    canonical_json,
    derive_token,
    format_time,
    new_token,
    parse_time,
    participant_id,
    receipt_commitment,
    receipt_matches,
)
from .export import (
    Export,
    ExportFormatError,
    ReceiptCheck,
    check_receipt,
    load_export,
    load_heads,
    verify_export,
    write_export,
)
from .heads import (
    HeadError,
    SignedTreeHead,
    generate_key,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_b64,
    public_key_pem,
    sign_head,
    verify_head,
)
from .log import CHAIN_SEED, Appended, LogState, chain_hash
from .merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from .report import Problem, VerificationReport
from .tally import Tallier, Tally, TallyError, tally

__all__ = [
    "CHAIN_SEED",
    "CHANNELS",
    "EMPTY_ROOT",
    "KINDS",
    "LOG_TYPES",
    "REASONS",
    "Appended",
    "Entry",
    "EntryError",
    "Export",
    "ExportFormatError",
    "Frontier",
    "HeadError",
    "LogState",
    "MerkleTree",
    "Problem",
    "Receipt",
    "ReceiptCheck",
    "SignedTreeHead",
    "Tallier",
    "Tally",
    "TallyError",
    "VerificationReport",
    "canonical_json",
    "chain_hash",
    "check_receipt",
    "consistency_proof",
    "derive_token",
    "format_time",
    "generate_key",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "load_export",
    "load_heads",
    "load_private_key",
    "load_public_key",
    "merkle_root",
    "new_token",
    "node_hash",
    "parse_time",
    "participant_id",
    "private_key_pem",
    "public_key_b64",
    "public_key_pem",
    "receipt_commitment",
    "receipt_matches",
    "sign_head",
    "tally",
    "verify_consistency",
    "verify_export",
    "verify_head",
    "verify_inclusion",
    "write_export",
]
