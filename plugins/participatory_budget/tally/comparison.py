"""The comparison step of Equal Shares: keep the greedy outcome if more voters prefer it.

Some cities (Wieliczka, whose pabulib files name the rule ``equalshares/add1-comparison``)
count with Equal Shares, then compare its outcome with the usual greedy one (projects by number
of votes, each that still fits funded): each voter prefers the outcome funding more of the
projects they voted for; when more voters prefer the greedy outcome than the Equal Shares one,
the greedy outcome is kept. A tie keeps Equal Shares. This is pabutools'
``popularity_comparison(..., Cardinality_Sat, [equal shares, greedy_utilitarian_welfare with
Cost_Sat])`` with Equal Shares winning its ties, and the check of pabulib's file checker.
"""

from __future__ import annotations

from .election import Election
from .greedy import greedy_selection

__all__ = ["compare_with_greedy"]


def compare_with_greedy(election: Election, selected: list[str], tie_breaking: str = "id") -> tuple[list[str], str]:
    """``(outcome, "equal-shares" | "greedy")``: the outcome kept and which one it is."""
    greedy = greedy_selection(election, tie_breaking=tie_breaking)
    ours, theirs = set(selected), set(greedy)
    prefer_equal_shares = prefer_greedy = 0
    for ballot in election.ballots:
        voted = set(ballot.vote)
        difference = len(voted & ours) - len(voted & theirs)
        if difference > 0:
            prefer_equal_shares += 1
        elif difference < 0:
            prefer_greedy += 1
    if prefer_greedy > prefer_equal_shares:
        return greedy, "greedy"
    return selected, "equal-shares"
