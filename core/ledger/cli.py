"""Standalone verifier: ``python -m core.ledger verify EXPORT.json [--heads H] [--public-key K]``.

Exit status: 0 when every check passes, 1 when a check fails (the first bad entry is
named), 2 when an input cannot be read. Needs only the standard library and
``cryptography``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .entries import Receipt
from .export import (
    Export,
    ExportFormatError,
    check_receipt,
    load_export,
    load_heads,
    verify_export,
)
from .heads import HeadError, load_public_key

__all__ = ["add_verify_arguments", "main", "run_receipt", "run_verify", "verify_command"]

OK, FAILED, UNREADABLE = 0, 1, 2


def _read_key(value: str) -> Ed25519PublicKey:
    """A public key given inline (base64 or PEM) or as the path of a file holding one."""
    if os.path.isfile(value):
        try:
            with open(value, encoding="ascii") as stream:
                value = stream.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise HeadError(f"cannot read the public key file: {exc}") from None
    return load_public_key(value)


def _load(
    export_path: str, heads_path: str | None, public_keys: list[str] | None
) -> tuple[Export, list[Any] | None, list[Ed25519PublicKey] | None]:
    export = load_export(export_path)
    heads = load_heads(heads_path) if heads_path else None
    keys = [_read_key(value) for value in public_keys] if public_keys else None
    return export, heads, keys


def run_verify(
    export_path: str,
    heads_path: str | None = None,
    public_keys: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Verify an export file, print a short report and return the exit status."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        export, heads, keys = _load(export_path, heads_path, public_keys)
    except (ExportFormatError, HeadError) as exc:
        stderr.write(f"verify: error: {exc}\n")
        return UNREADABLE
    report = verify_export(export, heads=heads, public_keys=keys)
    stdout.write(report.summary() + "\n")
    return OK if report.ok else FAILED


def run_receipt(
    export_path: str,
    receipt: str,
    heads_path: str | None = None,
    public_keys: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Verify an export, then locate a receipt's entry and say whether it is counted."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        export, heads, keys = _load(export_path, heads_path, public_keys)
        parsed = Receipt.decode(receipt)
    except (ExportFormatError, HeadError, ValueError) as exc:
        stderr.write(f"receipt: error: {exc}\n")
        return UNREADABLE
    report = verify_export(export, heads=heads, public_keys=keys)
    result = check_receipt(export, parsed)
    stdout.write(report.summary().splitlines()[0] + "\n")
    verdict = "found" if result.found else "NOT FOUND"
    stdout.write(f"receipt: entry {result.seq} {verdict}: {result.status}\n")
    return OK if report.ok and result.found else FAILED


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``verify`` (here, in ``parvis verify`` and in ``manage.py verify``)."""
    parser.add_argument("export", help="the export file (JSON)")
    _add_trust_arguments(parser)


def _add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--heads", help="JSON file of signed heads published separately")
    parser.add_argument(
        "--public-key",
        action="append",
        dest="public_keys",
        metavar="KEY",
        help="trusted signing key: base64, PEM, or a file holding one (repeatable)",
    )


def verify_command(argv: list[str], program: str = "parvis") -> int:
    """``parvis verify EXPORT ...`` (``argv`` starts after ``verify``), without Django."""
    parser = argparse.ArgumentParser(
        prog=f"{program} verify",
        description="Verify a public ledger export: hashes, signed heads, running hashes and totals.",
    )
    add_verify_arguments(parser)
    args = parser.parse_args(argv)
    return run_verify(args.export, args.heads, args.public_keys)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.ledger", description="Check a Parvis ledger export."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="recompute hashes, check signatures and recount")
    add_verify_arguments(verify)
    receipt = commands.add_parser(
        "receipt", help="verify, then check that a receipt's entry is there and counted"
    )
    receipt.add_argument("export", help="the export file (JSON)")
    receipt.add_argument("receipt", help="the receipt text (pvr1....)")
    _add_trust_arguments(receipt)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "verify":
        return run_verify(args.export, args.heads, args.public_keys)
    return run_receipt(args.export, args.receipt, args.heads, args.public_keys)
