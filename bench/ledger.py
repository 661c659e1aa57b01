"""Benchmark of the verifiable ledger: appending, signing a head, verifying an export.

Run: ``python bench/ledger.py [--entries 100000]``

Timed, on the same prepared entries and in the same run:

* baseline "rows": appending the entry rows to a Python list;
* baseline "hash": canonical encoding plus one SHA-256 per entry, no tree;
* ledger: :func:`append_entries` (encoding, leaf hash, O(log n) frontier append,
  running hash) then the root and an Ed25519 signed head;
* the export: writing it, then loading and verifying it end to end.

A database benchmark can reuse :func:`append_entries` with ``store`` set to a function
that INSERTs each :class:`~core.ledger.log.Appended` row, and compare it with plain
INSERTs of the same rows.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core.ledger import (  # noqa: E402
    CHANNELS,
    Entry,
    LogState,
    Receipt,
    SignedTreeHead,
    format_time,
    generate_key,
    load_export,
    verify_export,
    write_export,
)
from core.ledger.log import Appended  # noqa: E402

LOG = "budget:vote:bench"
ITEMS = [f"project-{i}" for i in range(40)]


def make_entries(count: int, log: str = LOG, seed: int = 0) -> list[Entry]:
    """Prepare ``count`` vote entries (about 10% re-votes, 3% withdrawals, 1% invalidations)."""
    rng = random.Random(seed)
    tokens = [rng.randbytes(32) for _ in range(max(1, count * 8 // 10))]
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    active: dict[str, int] = {}
    entries: list[Entry] = []
    for seq in range(count):
        at = format_time(start + timedelta(seconds=seq // 4))
        receipt = Receipt(log, seq, rng.choice(tokens), rng.randbytes(32))
        who, roll = receipt.participant, rng.random()
        if who in active and roll < 0.3:
            entry = Entry(
                log=log,
                seq=seq,
                kind="withdrawn",
                participant=who,
                at=at,
                channel="web",
                receipt=receipt.commitment,
                refers_to=active.pop(who),
            )
        elif who in active and roll < 0.4:
            entry = Entry(
                log=log,
                seq=seq,
                kind="invalidated",
                participant=who,
                at=at,
                refers_to=active.pop(who),
                reason="duplicate",
            )
        else:
            entry = Entry(
                log=log,
                seq=seq,
                kind="cast",
                participant=who,
                at=at,
                channel=rng.choice(CHANNELS),
                receipt=receipt.commitment,
                choice=rng.sample(ITEMS, rng.randint(1, 5)),
            )
            active[who] = seq
        entries.append(entry)
    return entries


def append_entries(
    entries: Iterable[Entry],
    state: LogState | None = None,
    store: Callable[[Appended], None] | None = None,
) -> LogState:
    """The ledger's work per entry, optionally handing each row to ``store`` (e.g. an INSERT)."""
    entries = iter(entries)
    first = next(entries, None)
    if first is None:
        return state or LogState(LOG)
    state = state or LogState(first.log)
    for entry in itertools.chain([first], entries):
        appended = state.append(entry)
        if store is not None:
            store(appended)
    return state


def baseline_rows(rows: Sequence[dict]) -> list[dict]:
    """Baseline: append the rows to a list."""
    result: list[dict] = []
    for row in rows:
        result.append(row)
    return result


def baseline_hash(entries: Sequence[Entry]) -> list[bytes]:
    """Baseline: canonical encoding and one SHA-256 per entry, without any tree."""
    return [hashlib.sha256(entry.encode()).digest() for entry in entries]


def best_of(repeat: int, function: Callable[[], object]) -> float:
    """Best wall-clock time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    count = args.entries

    started = time.perf_counter()
    entries = make_entries(count)
    rows = [entry.to_dict() for entry in entries]
    print(f"prepared {count} entries in {time.perf_counter() - started:.2f} s (not counted below)")
    key = generate_key()
    heads: list[SignedTreeHead] = []

    def ledger() -> None:
        state = append_entries(entries)
        heads[:] = [state.head(key, entries[-1].at)]

    t_rows = best_of(args.repeat, lambda: baseline_rows(rows))
    t_hash = best_of(args.repeat, lambda: baseline_hash(entries))
    t_ledger = best_of(args.repeat, ledger)
    print(f"baseline rows  (list append)          {t_rows * 1000:9.1f} ms")
    print(f"baseline hash  (encode + SHA-256)     {t_hash * 1000:9.1f} ms")
    print(
        f"ledger append + root + signed head    {t_ledger * 1000:9.1f} ms  "
        f"({t_ledger / count * 1e6:.1f} µs/entry; {t_ledger / t_hash:.2f}x the hash baseline, "
        f"{t_ledger / t_rows:.0f}x the list baseline)"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.json")
        started = time.perf_counter()
        write_export(
            path,
            log=LOG,
            log_type="vote",
            entries=entries,
            heads=heads,
            public_keys=[key.public_key()],
        )
        t_write = time.perf_counter() - started
        size = os.path.getsize(path)
        started = time.perf_counter()
        export = load_export(path)
        t_load = time.perf_counter() - started
        started = time.perf_counter()
        report = verify_export(export, public_keys=[key.public_key()])
        t_verify = time.perf_counter() - started
    print(f"export written in {t_write:.2f} s ({size / 1e6:.1f} MB)")
    print(
        f"export verified end to end in {t_load + t_verify:.2f} s "
        f"(load {t_load:.2f} s + checks {t_verify:.2f} s): {'OK' if report.ok else 'FAILED'}"
    )
    if not report.ok:
        print(report.summary())
        raise SystemExit(1)


if __name__ == "__main__":
    main()
