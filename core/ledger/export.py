"""The public export of a log and its verification.

An export is one JSON document (UTF-8) with four members, written one entry per line::

    {"header": {...},
    "entries": [
    {"chain": "<hex>", "entry": {...}},
    ...
    ],
    "heads": [...],
    "totals": {...}}

``header`` holds ``format`` (``"parvis-ledger-export"``), ``version`` (1), ``log``,
``log_type`` (``vote`` or ``petition``), ``hash`` (``"sha256"``), ``signature``
(``"ed25519"``) and ``keys`` (``[{"key_id", "public_key"}]``). ``entries`` are in seq
order, each with its running hash; ``heads`` are signed tree heads; ``totals`` are the
totals the operator states. It holds no personal data: participants appear only
as per-log pseudonyms. See ``docs/ledger.md`` for every check of :func:`verify_export`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .checks import EntryChecker, check_heads, check_totals, parse_heads, trusted_keys
from .entries import LOG_TYPES, Entry, EntryError, Receipt, canonical_json, receipt_matches
from .heads import SignedTreeHead, key_id, public_key_b64
from .log import LogState
from .report import Problem, VerificationReport
from .tally import Tallier, Tally, TallyError

__all__ = [
    "FORMAT",
    "VERSION",
    "Export",
    "ExportFormatError",
    "ReceiptCheck",
    "check_receipt",
    "load_export",
    "load_heads",
    "verify_export",
    "write_export",
]

FORMAT = "parvis-ledger-export"
VERSION = 1

Source = str | os.PathLike | bytes | IO[str] | IO[bytes]


class ExportFormatError(ValueError):
    """The input is not a readable export (or heads file) at all."""


@dataclass
class Export:
    """A loaded export. ``entries`` and ``heads`` stay raw so that bad ones can be named."""

    header: dict[str, Any]
    entries: list[Any]
    heads: list[Any]
    totals: Any

    @property
    def log(self) -> str:
        """The log id."""
        return self.header["log"]

    @property
    def log_type(self) -> str:
        """``vote`` or ``petition``."""
        return self.header["log_type"]


def _line(value: Any) -> str:
    return canonical_json(value).decode("utf-8")


def _as_entry(item: Entry | Mapping[str, Any] | bytes) -> Entry:
    if isinstance(item, Entry):
        return item
    if isinstance(item, bytes | bytearray | memoryview):
        data = bytes(item)
        entry = Entry.from_dict(json.loads(data.decode("utf-8")))
        if entry.encode() != data:
            raise EntryError(f"entry {entry.seq}: stored bytes are not in canonical form")
        return entry
    return Entry.from_dict(dict(item))


def write_export(
    out: str | os.PathLike | IO[str],
    *,
    log: str,
    log_type: str,
    entries: Iterable[Entry | Mapping[str, Any] | bytes],
    heads: Iterable[SignedTreeHead | Mapping[str, Any]],
    public_keys: Iterable[Ed25519PublicKey],
    totals: Tally | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write an export, streaming ``entries`` (in seq order); return the totals written.

    Entries may be :class:`Entry` objects, decoded JSON objects, or the canonical bytes a
    storage layer kept (for example ``Appended.data``).

    Without ``totals`` the recount of ``entries`` is written. Raises ``EntryError`` or
    ``TallyError`` if an entry is invalid or out of sequence.
    """
    if log_type not in LOG_TYPES:
        raise ValueError(f"log type must be one of {', '.join(LOG_TYPES)}")
    if isinstance(out, str | os.PathLike):
        with open(out, "w", encoding="utf-8", newline="\n") as stream:
            return write_export(
                stream,
                log=log,
                log_type=log_type,
                entries=entries,
                heads=heads,
                public_keys=public_keys,
                totals=totals,
            )
    header = {
        "format": FORMAT,
        "version": VERSION,
        "log": log,
        "log_type": log_type,
        "hash": "sha256",
        "signature": "ed25519",
        "keys": [{"key_id": key_id(k), "public_key": public_key_b64(k)} for k in public_keys],
    }
    state, tallier = LogState(log), Tallier(log_type)
    out.write('{"header":' + _line(header) + ',\n"entries":[')
    separator = "\n"
    for item in entries:
        entry = _as_entry(item)
        appended = state.append(entry)
        if totals is None:
            tallier.add(entry)
        out.write(
            separator
            + '{"chain":"'
            + appended.chain.hex()
            + '","entry":'
            + appended.data.decode("utf-8")
            + "}"
        )
        separator = ",\n"
    out.write('\n],\n"heads":[')
    separator = "\n"
    for head in heads:
        out.write(
            separator + _line(head.to_dict() if isinstance(head, SignedTreeHead) else dict(head))
        )
        separator = ",\n"
    if totals is None:
        stated = tallier.result().to_dict()
    elif isinstance(totals, Tally):
        stated = totals.to_dict()
    else:
        stated = dict(totals)
    out.write('\n],\n"totals":' + _line(stated) + "}\n")
    return stated


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ExportFormatError(f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ExportFormatError(f"{name} is not allowed in an export")


def _read_json(source: Source, what: str) -> Any:
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as stream:
                data: bytes | str = stream.read()
        elif isinstance(source, bytes):
            data = source
        else:
            data = source.read()
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except OSError as exc:
        raise ExportFormatError(f"cannot read the {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ExportFormatError(f"the {what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ExportFormatError(
            f"the {what} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    except RecursionError:
        raise ExportFormatError(f"the {what} is nested too deeply") from None


def _export_from(document: Any) -> Export:
    if not isinstance(document, dict) or not {"header", "entries", "heads", "totals"} <= set(
        document
    ):
        raise ExportFormatError(
            "not a ledger export: expected an object with header, entries, heads and totals"
        )
    header = document["header"]
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ExportFormatError(f"not a ledger export: header.format is not {FORMAT!r}")
    if header.get("version") != VERSION:
        raise ExportFormatError(
            f"unsupported export version {header.get('version')!r} (this verifier reads {VERSION})"
        )
    if not isinstance(header.get("log"), str) or header.get("log_type") not in LOG_TYPES:
        raise ExportFormatError("header needs a log id and a log_type of vote or petition")
    if header.get("hash") != "sha256" or header.get("signature") != "ed25519":
        raise ExportFormatError("unsupported algorithms: this verifier reads sha256 and ed25519")
    if not isinstance(header.get("keys"), list):
        raise ExportFormatError("header.keys must be a list")
    if not isinstance(document["entries"], list) or not isinstance(document["heads"], list):
        raise ExportFormatError("entries and heads must be lists")
    return Export(header, document["entries"], document["heads"], document["totals"])


def load_export(source: Source) -> Export:
    """Read an export from a path, bytes or a file object; raise :class:`ExportFormatError`."""
    return _export_from(_read_json(source, "export"))


def load_heads(source: Source) -> list[Any]:
    """Read published heads: a JSON list of heads, or an object with a ``heads`` list."""
    document = _read_json(source, "heads file")
    if isinstance(document, dict) and isinstance(document.get("heads"), list):
        return document["heads"]
    if isinstance(document, list):
        return document
    raise ExportFormatError(
        "a heads file is a JSON list of signed heads or an object with a heads list"
    )


def verify_export(
    export: Export | Mapping[str, Any],
    heads: Iterable[Any] | None = None,
    public_keys: Iterable[Ed25519PublicKey] | None = None,
) -> VerificationReport:
    """Run every check on ``export``; see the module docstring and ``docs/ledger.md``.

    ``heads`` are extra published heads (raw dicts or :class:`SignedTreeHead`), checked
    with those of the export. ``public_keys`` pins the signing keys; without it the keys
    declared in the export header are used.
    """
    if not isinstance(export, Export):
        export = _export_from(dict(export))
    report = VerificationReport(
        log=export.log, log_type=export.log_type, entries=len(export.entries)
    )
    pinned = None if public_keys is None else list(public_keys)
    trusted = trusted_keys(export.header["keys"], report, pinned)
    extra = [h.to_dict() if isinstance(h, SignedTreeHead) else h for h in (heads or [])]
    valid_heads = parse_heads(list(export.heads) + extra, export.log, trusted, report)
    report.heads = len(valid_heads)
    report.largest_head = max((h.size for h in valid_heads), default=None)
    if not valid_heads:
        report.problems.append(Problem("no valid signed head: nothing anchors these entries"))
    checker = EntryChecker(export.log, export.log_type, export.entries, report)
    checker.run()
    check_heads(valid_heads, checker, report)
    report.tally = checker.tallier.result()
    check_totals(export.totals, report.tally.to_dict(), report)
    report.sort()
    return report


@dataclass(frozen=True)
class ReceiptCheck:
    """What a receipt holder learns from an export."""

    found: bool
    seq: int
    status: str


def check_receipt(export: Export, receipt: Receipt | str) -> ReceiptCheck:
    """Locate the entry of ``receipt`` in ``export`` and say whether it is counted."""
    if isinstance(receipt, str):
        receipt = Receipt.decode(receipt)
    if receipt.log != export.log:
        return ReceiptCheck(
            False, receipt.seq, f"the receipt is for log {receipt.log!r}, not {export.log!r}"
        )
    raws = [item.get("entry") if isinstance(item, dict) else None for item in export.entries]
    raw = raws[receipt.seq] if receipt.seq < len(raws) else None
    if not isinstance(raw, dict) or not receipt_matches(raw, receipt):
        commitment = receipt.commitment
        elsewhere = [
            i
            for i, other in enumerate(raws)
            if isinstance(other, dict) and other.get("receipt") == commitment
        ]
        status = f"entry {receipt.seq} is not in the export or does not match the receipt"
        if elsewhere:
            status += f"; an entry with this receipt's commitment is at position {elsewhere[0]}"
        return ReceiptCheck(False, receipt.seq, status)
    tallier = Tallier(export.log_type)
    for other in export.entries:
        try:
            tallier.add(Entry.from_dict(other["entry"]))
        except (EntryError, TallyError, TypeError, KeyError):
            continue
    if raw.get("kind") != "cast":
        return ReceiptCheck(
            True, receipt.seq, f"recorded ({raw.get('kind')} of entry {raw.get('refers_to')})"
        )
    return ReceiptCheck(True, receipt.seq, tallier.status(receipt.seq))
