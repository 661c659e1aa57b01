"""Equal Shares with its completion methods, matching pabutools 1.2.3.

Plain Equal Shares usually leaves part of the budget unspent. Completions spend more of it:

``add1``
    pabutools ``method_of_equal_shares(..., voter_budget_increment=1)``: rerun the rule with
    every voter's budget raised by one currency unit, again and again, and stop at the first
    outcome that is exhaustive (no other project it could fund fits in the budget), or, if an
    outcome overspends first, return the one before it.
``add1-exhaustive``
    pabutools ``exhaustion_by_budget_increase(..., budget_step=number of voters,
    exhaustive_stop=False)``: the same raises, without stopping at exhaustive outcomes: go on
    until the next raise would overspend and return the last outcome that fits. This is how
    pabulib files marked ``equalshares/add1`` were counted (Wieliczka 2023, for one).
``then_greedy``
    pabutools ``completion_by_rule_combination`` with ``greedy_utilitarian_welfare``: fill what
    is left greedily, by satisfaction per unit of cost.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .election import Election
from .equal_shares import EqualSharesRun
from .scores import TallyError, approval_counts, tie_order
from .support import SupportProfile, support_profile

COMPLETIONS = ("none", "add1", "add1-exhaustive")


def equal_shares_selection(
    election: Election,
    *,
    sat: str = "cost",
    completion: str = "none",
    then_greedy: bool = False,
    tie_breaking: str = "id",
) -> list[str]:
    """Ids of the projects funded by Equal Shares (with a completion), in funding order."""
    if completion not in COMPLETIONS:
        raise TallyError(f"unknown completion {completion!r} (known: {', '.join(COMPLETIONS)})")
    profile = support_profile(election, sat)
    order = tie_order(election, tie_breaking)
    outcomes = _Outcomes(profile, [order(p) for p in profile.project_ids], sorted(profile.free, key=order))
    if profile.voters == 0:
        selected: list[str] = []
    elif completion == "none":
        selected = outcomes.at(0)
    elif completion == "add1":
        selected = _add_one_until_exhaustive(election, profile, outcomes)
    else:
        selected = _add_one_until_overspent(election, profile, outcomes)
    if then_greedy:
        selected = greedy_completion(election, selected, sat, tie_breaking)
    return selected


class _Outcomes:
    """Runs of Equal Shares with the per-voter budget raised by ``k`` units."""

    def __init__(self, profile: SupportProfile, tie_keys: list[tuple], free: list[str]) -> None:
        self.profile = profile
        self.tie_keys = tie_keys
        self.free = free
        self.start = Fraction(profile.budget) / max(profile.voters, 1)

    def at(self, raise_by: int) -> list[str]:
        run = EqualSharesRun(self.profile, self.start + raise_by, self.tie_keys)
        return self.free + [self.profile.project_ids[i] for i in run.run()]


def _cost(election: Election, selected: list[str]):
    return sum(election.projects[project_id].cost for project_id in selected)


def _add_one_until_exhaustive(election: Election, profile: SupportProfile, outcomes: _Outcomes) -> list[str]:
    budget = election.budget
    previous = list(outcomes.free)
    raise_by = 0
    while True:
        outcome = outcomes.at(raise_by)
        spent = _cost(election, outcome)
        if spent > budget:
            return previous
        chosen = set(outcome)
        if all(
            cost + spent > budget
            for project_id, cost in zip(profile.project_ids, profile.costs, strict=True)
            if project_id not in chosen
        ):
            return outcome
        previous = outcome
        raise_by += 1


def _add_one_until_overspent(election: Election, profile: SupportProfile, outcomes: _Outcomes) -> list[str]:
    budget = election.budget
    last = math.floor(budget)  # pabutools stops raising at budget * (voters + 1)
    if profile.total_cost() + _cost(election, outcomes.free) <= budget:
        # Nothing can ever overspend: pabutools raises all the way to its bound.
        return outcomes.at(last)
    previous: list[str] = []
    for raise_by in range(last + 1):
        outcome = outcomes.at(raise_by)
        if _cost(election, outcome) > budget:
            return previous
        previous = outcome
    return previous


def greedy_completion(election: Election, selected: list[str], sat: str, tie_breaking: str) -> list[str]:
    """Add projects greedily by satisfaction per unit of cost while they fit."""
    votes = approval_counts(election)
    order = tie_order(election, tie_breaking, votes)
    totals = _total_satisfaction(election, sat, votes)
    chosen = set(selected)

    def density_key(project_id: str) -> tuple:
        total, cost = totals[project_id], election.projects[project_id].cost
        if total > 0 and cost == 0:
            return (0, 0, *order(project_id))
        density = Fraction(total) / cost if total > 0 else Fraction(0)
        return (1, -density, *order(project_id))

    left = election.budget - _cost(election, selected)
    result = list(selected)
    for project_id in sorted((p for p in election.projects if p not in chosen), key=density_key):
        cost = election.projects[project_id].cost
        if cost <= left:
            result.append(project_id)
            left -= cost
    return result


def _total_satisfaction(election: Election, sat: str, votes: dict[str, int]) -> dict:
    if sat == "cost":
        return {p: election.projects[p].cost * votes[p] for p in election.projects}
    if sat == "cardinality":
        return votes
    totals = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        for project_id, points in zip(ballot.vote, ballot.points or (), strict=True):
            totals[project_id] += points
    return totals
