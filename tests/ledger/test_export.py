"""Export round trip and the verifier's diagnosis of tampering."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ledger import (
    Entry,
    EntryError,
    ExportFormatError,
    LogState,
    TallyError,
    check_receipt,
    load_export,
    load_heads,
    tally,
    verify_export,
    write_export,
)
from core.ledger.log import chain_hash

from .helpers import Sample, build_log, first_cast, fixed_key

VOTE = build_log(300, "vote", head_every=50, seed=1)
PETITION = build_log(200, "petition", head_every=40, seed=2)


def verify(document: dict, **kwargs):
    return verify_export(load_export(json.dumps(document).encode()), **kwargs)


@pytest.mark.parametrize("sample", [VOTE, PETITION], ids=["vote", "petition"])
def test_round_trip_and_clean_verification(sample: Sample, tmp_path):
    path = tmp_path / "export.json"
    write_export(
        path,
        log=sample.log,
        log_type=sample.log_type,
        entries=(e.to_dict() for e in sample.entries),
        heads=sample.heads,
        public_keys=[sample.key.public_key()],
    )
    assert path.read_text(encoding="utf-8") == sample.text
    stored = io.StringIO()  # as a storage layer would: from the canonical bytes it kept
    write_export(
        stored,
        log=sample.log,
        log_type=sample.log_type,
        entries=(e.encode() for e in sample.entries),
        heads=[h.to_dict() for h in sample.heads],
        public_keys=[sample.key.public_key()],
    )
    assert stored.getvalue() == sample.text
    for source in (
        path,
        str(path),
        sample.text.encode(),
        io.StringIO(sample.text),
        io.BytesIO(sample.text.encode()),
    ):
        export = load_export(source)
        assert [Entry.from_dict(item["entry"]) for item in export.entries] == sample.entries
        assert export.heads == [h.to_dict() for h in sample.heads]
        assert export.totals == tally(sample.entries, sample.log_type).to_dict()
    report = verify_export(load_export(path))
    assert report.ok, report.summary()
    assert report.first_problem is None and report.first_bad_entry is None
    assert report.entries == len(sample.entries) and report.heads == len(sample.heads)
    assert report.largest_head == len(sample.entries)
    assert report.summary().startswith("OK")
    assert (
        len(sample.text.splitlines()) == len(sample.entries) + len(sample.heads) + 6
    )  # one per line


def test_export_lines_hold_the_canonical_entries_and_running_hashes():
    lines = VOTE.text.splitlines()
    state = LogState(VOTE.log)
    for entry, line in zip(VOTE.entries, lines[2:], strict=False):
        appended = state.append(entry)
        assert (
            line.rstrip(",")
            == '{"chain":"' + appended.chain.hex() + '","entry":' + entry.encode().decode() + "}"
        )
    assert json.loads(lines[0][len('{"header":') : -1])["keys"][0]["public_key"]


def test_changed_choice_is_named_exactly():
    seq = first_cast(VOTE, 123)
    document = VOTE.document()
    entry = document["entries"][seq]["entry"]
    entry["choice"] = ["library"] if entry["choice"] != ["library"] else ["park"]
    report = verify(document)
    assert not report.ok
    assert report.first_problem.seq == seq == report.first_bad_entry
    assert (
        str(report.first_problem)
        == f"entry {seq}: content does not match its running hash (the entry was altered)"
    )
    head = (seq // 50 + 1) * 50
    assert any(p.head_size == head and p.span == (head - 50, head - 1) for p in report.problems)


def test_rewritten_running_hashes_still_bracket_the_change_between_heads():
    seq = first_cast(VOTE, 123)
    document = VOTE.document()
    document["entries"][seq]["entry"]["channel"] = (
        "partner" if VOTE.entries[seq].channel != "partner" else "web"
    )
    previous = bytes(32)
    for item in document["entries"]:  # a careful forger recomputes every running hash...
        previous = chain_hash(previous, Entry.from_dict(item["entry"]).leaf_hash())
        item["chain"] = previous.hex()
    document["totals"] = tally(
        [Entry.from_dict(i["entry"]) for i in document["entries"]], "vote"
    ).to_dict()
    report = verify(document)  # ...but cannot re-sign the heads
    assert not report.ok and report.first_bad_entry is None
    first = report.first_problem
    assert first.span == (100, 149) and first.head_size == 150
    assert first.span[0] <= seq <= first.span[1]
    assert str(first).startswith(
        "entries 100 to 149: the first 150 entries do not match the signed head of size 150"
    )


def test_deleted_entry_is_named():
    document = VOTE.document()
    del document["entries"][123]
    report = verify(document)
    assert report.first_problem.seq == 123
    assert str(report.first_problem) == "entry 123: missing (position 123 holds entry 124)"


def test_deleted_last_entry_is_named():
    document = VOTE.document()
    document["entries"].pop()
    report = verify(document)
    assert report.first_bad_entry == 299
    assert "missing" in str(report.first_problem) and "head of size 300" in str(
        report.first_problem
    )


def test_reordered_entries_are_named():
    document = VOTE.document()
    entries = document["entries"]
    entries[123], entries[124] = entries[124], entries[123]
    report = verify(document)
    assert report.first_problem.seq == 123
    assert str(report.first_problem).startswith("entry 123: out of order: it is at position 124")


def test_duplicated_entry_is_named():
    document = VOTE.document()
    document["entries"].insert(124, document["entries"][123])
    report = verify(document)
    assert str(report.first_problem) == "entry 124: position 124 holds a second copy of entry 123"


def test_altered_head_signature_is_reported():
    document = VOTE.document()
    signature = document["heads"][2]["signature"]
    document["heads"][2]["signature"] = ("B" if signature[0] != "B" else "C") + signature[1:]
    report = verify(document)
    assert not report.ok
    assert str(report.first_problem) == "head of size 150: the signature does not verify"
    assert report.first_problem.head_size == 150


def test_altered_head_root_is_reported():
    document = VOTE.document()
    document["heads"][0]["root"] = "0" * 64
    assert str(verify(document).first_problem) == "head of size 50: the signature does not verify"


def test_changed_totals_are_reported():
    document = VOTE.document()
    document["totals"]["by_choice"]["park"] += 1
    report = verify(document)
    assert [str(p) for p in report.problems] == [
        f"totals: by_choice states {json.dumps(document['totals']['by_choice'])}, "
        f"recount gives {json.dumps(VOTE.document()['totals']['by_choice'])}"
    ]


def test_pinned_key_rejects_heads_of_another_key():
    assert verify(VOTE.document(), public_keys=[VOTE.key.public_key()]).ok
    report = verify(VOTE.document(), public_keys=[fixed_key(9).public_key()])
    assert "signed by unknown key" in str(report.first_problem)
    assert report.keys_pinned and "not among the pinned keys" in report.warnings[0]


def forge(change_at: int, head_every: int) -> dict:
    """The operator rewrites one entry of VOTE and signs new heads with the same key."""
    entries = list(VOTE.entries)
    original = entries[change_at]
    channel = "paper" if original.channel != "paper" else "web"
    entries[change_at] = Entry(**{**original.to_dict(), "channel": channel})
    state, heads = LogState(VOTE.log), []
    for entry in entries:
        state.append(entry)
        if state.size % head_every == 0:
            heads.append(state.head(VOTE.key, entry.at))
    out = io.StringIO()
    write_export(
        out,
        log=VOTE.log,
        log_type="vote",
        entries=entries,
        heads=heads,
        public_keys=[VOTE.key.public_key()],
    )
    return json.loads(out.getvalue())


def test_earlier_published_heads_expose_a_rewritten_log():
    published = [h.to_dict() for h in VOTE.heads[:2]]  # sizes 50 and 100, seen by the public
    assert verify(VOTE.document(), heads=published).ok
    forged = forge(change_at=70, head_every=60)
    assert verify(forged).ok  # re-signed by the operator: fine on its own...
    report = verify(forged, heads=published)  # ...but not against what was published
    messages = [str(p) for p in report.problems]
    assert messages[0].startswith(
        "entries 60 to 99: the first 100 entries do not match the signed head of size 100"
    )
    assert (
        "heads of size 100 and 120 are both signed but inconsistent: the log was rewritten "
        "after the head of size 100 was published" in messages
    )


def test_two_heads_of_the_same_size_reveal_a_fork():
    report = verify(forge(change_at=70, head_every=50), heads=[h.to_dict() for h in VOTE.heads])
    messages = [str(p) for p in report.problems]
    assert "two signed heads of size 100 have different roots: the log was forked" in messages


def test_petition_double_signature_is_named():
    document = PETITION.document()
    seq = first_cast(PETITION, 150)
    earlier = next(
        e
        for e in PETITION.entries
        if e.kind == "cast"
        and e.seq < seq
        and all(not (x.refers_to == e.seq) for x in PETITION.entries)
    )
    document["entries"][seq]["entry"]["participant"] = earlier.participant
    report = verify(document)
    assert report.first_problem.seq == seq
    assert any(
        p.seq == seq and f"already signed in entry {earlier.seq}" in str(p) for p in report.problems
    )


def test_receipts_are_found_and_their_fate_reported():
    export = load_export(VOTE.text.encode())
    wanted = ["counted", "superseded", "withdrawn", "invalidated", "recorded"]
    seen: dict[str, int] = {}
    for seq, receipt in VOTE.receipts.items():  # one receipt of each fate
        entry = VOTE.entries[seq]
        status = check_receipt(export, receipt.encode()) if len(seen) < len(wanted) else None
        if status is not None:
            assert status.found and status.seq == seq, status
            seen.setdefault(status.status.split(" ")[0], seq)
            assert entry.kind == "cast" or status.status.startswith("recorded")
    assert sorted(seen) == sorted(wanted)
    invalidated = seen["invalidated"]
    reason = next(
        e.reason for e in VOTE.entries if e.refers_to == invalidated and e.kind == "invalidated"
    )
    assert check_receipt(export, VOTE.receipts[invalidated]).status.endswith(f"(reason: {reason})")
    some = VOTE.receipts[seen["counted"]]
    assert not check_receipt(export, type(some)(some.log, some.seq, some.token, bytes(32))).found
    assert not check_receipt(export, type(some)(some.log, 10_000, some.token, some.nonce)).found
    assert not check_receipt(export, type(some)("other", some.seq, some.token, some.nonce)).found
    document = VOTE.document()
    document["entries"].insert(0, document["entries"][5])
    moved = check_receipt(load_export(json.dumps(document).encode()), some)
    assert not moved.found and moved.status.endswith(f"is at position {some.seq + 1}")


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"not json",
        b"[]",
        b'{"header": {}}',
        b'{"a": 1, "a": 2}',
        b'{"x": NaN}',
        b"\xff\xfe",
        json.dumps(
            {
                "header": {"format": "parvis-ledger-export", "version": 2},
                "entries": [],
                "heads": [],
                "totals": {},
            }
        ).encode(),
    ],
)
def test_unreadable_exports_raise_a_format_error(text):
    with pytest.raises(ExportFormatError):
        load_export(text)


def test_unreadable_heads_and_missing_files(tmp_path):
    with pytest.raises(ExportFormatError):
        load_export(tmp_path / "missing.json")
    with pytest.raises(ExportFormatError):
        load_heads(b'{"heads": 3}')
    assert (
        load_heads(json.dumps([h.to_dict() for h in VOTE.heads]).encode())
        == VOTE.document()["heads"]
    )
    assert load_heads(VOTE.text.encode()) == VOTE.document()["heads"]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
SMALL = build_log(40, "vote", head_every=10, seed=3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 39), st.sampled_from(["entry", "chain", "item"]), st.data())
def test_any_single_corruption_is_caught_without_crashing(index, where, data):
    document = SMALL.document()
    item = document["entries"][index]
    if where == "item":
        document["entries"][index] = data.draw(JSON)
    elif where == "chain":
        item["chain"] = data.draw(JSON)
    else:
        field = data.draw(st.sampled_from(sorted(item["entry"])))
        item["entry"][field] = data.draw(JSON)
    changed = document != SMALL.document()
    report = verify(document)
    assert report.ok is not changed
    if changed:
        assert report.first_problem.seq == index, report.summary()


def test_write_export_refuses_bad_input():
    def attempt(entries, log_type="vote"):
        write_export(
            io.StringIO(),
            log=VOTE.log,
            log_type=log_type,
            entries=entries,
            heads=[],
            public_keys=[VOTE.key.public_key()],
        )

    first, second = VOTE.entries[0], VOTE.entries[1]
    with pytest.raises(EntryError):
        attempt([second])  # seq 1 first
    with pytest.raises(EntryError):
        attempt([first.encode().replace(b'"at"', b' "at"')])  # not canonical
    with pytest.raises(TallyError):
        attempt([first], log_type="petition")  # a petition signature has no choice
    with pytest.raises(ValueError):
        attempt([first], log_type="referendum")
