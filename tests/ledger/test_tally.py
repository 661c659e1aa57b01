"""Recount rules."""

from __future__ import annotations

import pytest

from core.ledger import Entry, Tallier, TallyError, participant_id, tally

LOG = "budget:vote:1"
AT = "2025-03-01T09:00:00Z"
RECEIPT = "ab" * 32


def who(n: int) -> str:
    return participant_id(bytes([n]) * 32, LOG)


def cast(seq, person, choice=None, channel="web"):
    return Entry(
        log=LOG,
        seq=seq,
        kind="cast",
        participant=who(person),
        at=AT,
        channel=channel,
        receipt=RECEIPT,
        choice=choice,
    )


def withdraw(seq, person, target):
    return Entry(
        log=LOG,
        seq=seq,
        kind="withdrawn",
        participant=who(person),
        at=AT,
        channel="web",
        receipt=RECEIPT,
        refers_to=target,
    )


def invalidate(seq, person, target, reason="duplicate"):
    return Entry(
        log=LOG,
        seq=seq,
        kind="invalidated",
        participant=who(person),
        at=AT,
        refers_to=target,
        reason=reason,
    )


def test_last_ballot_counts_and_removals():
    entries = [
        cast(0, 1, ["park", "trees"]),
        cast(1, 2, {"park": 3, "library": 2}, "paper"),
        cast(2, 1, ["library"], "assisted"),  # supersedes 0
        cast(3, 3, ["park"]),
        withdraw(4, 3, 3),
        cast(5, 4, []),  # blank ballot
        cast(6, 5, ["trees"], "partner"),
        invalidate(7, 5, 6, "ineligible"),
        cast(8, 3, ["trees"]),  # votes again after withdrawing
    ]
    result = tally(entries, "vote")
    assert result.to_dict() == {
        "total": 4,
        "by_channel": {"assisted": 1, "paper": 1, "partner": 0, "web": 2},
        "by_choice": {"library": 3, "park": 3, "trees": 1},
        "superseded": 1,
        "withdrawn": 1,
        "invalidated": {"ineligible": 1},
    }
    tallier = Tallier("vote")
    for entry in entries:
        tallier.add(entry)
    assert tallier.status(0) == "superseded by entry 2 (a later ballot of the same participant)"
    assert tallier.status(2) == "counted"
    assert tallier.status(3) == "withdrawn by entry 4"
    assert tallier.status(6) == "invalidated by entry 7 (reason: ineligible)"
    assert tallier.status(4) == "not a valid cast entry"


def test_petition_counts_each_participant_once():
    entries = [cast(0, 1), cast(1, 2, channel="paper"), withdraw(2, 1, 0), cast(3, 1)]
    assert tally(entries, "petition").to_dict()["by_channel"] == {
        "assisted": 0,
        "paper": 1,
        "partner": 0,
        "web": 1,
    }
    with pytest.raises(TallyError) as error:
        tally([cast(0, 1), cast(1, 1)], "petition")
    assert error.value.seq == 1 and "already signed in entry 0" in str(error.value)


@pytest.mark.parametrize(
    ("entries", "log_type", "message"),
    [
        ([cast(0, 1, ["park"])], "petition", "carries no choice"),
        ([cast(0, 1)], "vote", "needs a choice"),
        ([cast(0, 1, []), withdraw(1, 2, 0)], "vote", "participant differs"),
        (
            [cast(0, 1, []), withdraw(1, 1, 0), withdraw(2, 1, 0)],
            "vote",
            "already removed by entry 1",
        ),
        ([cast(0, 1, []), cast(1, 1, []), invalidate(2, 1, 0)], "vote", "superseded by entry 1"),
        (
            [cast(0, 1, []), withdraw(1, 1, 0), withdraw(2, 1, 1)],
            "vote",
            "not an earlier, valid cast",
        ),
    ],
)
def test_rule_violations_name_the_entry(entries, log_type, message):
    with pytest.raises(TallyError) as error:
        tally(entries, log_type)
    assert error.value.seq == entries[-1].seq and message in str(error.value)


def test_unknown_log_type():
    with pytest.raises(ValueError):
        Tallier("referendum")
