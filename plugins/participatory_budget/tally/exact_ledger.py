"""Exact bookkeeping behind the floating-point run of Equal Shares.

In a round, each supporter of the winner either pays the full share ``rho * satisfaction`` or,
when it has less than that, everything it has left. So at any time a voter's exact budget is
either 0, or the initial budget minus the full shares of the winners it paid for; and the exact
``rho`` of a round follows from the exact budgets of those drained in that round. The ledger
keeps, for every round, who was drained and the total satisfaction of those who paid in full,
and from that the exact price of every round. When every supporter gets the same satisfaction
from a project, the full share (the *price*) is the same for all and prices are kept as
integers over one common denominator, which keeps the exact arithmetic cheap.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

import numpy as np

from .numbers import Amount
from .support import SupportProfile, profile_arrays


class ExactLedger:
    """Records of the rounds of one run, and exact budgets and prices rebuilt from them."""

    def __init__(self, profile: SupportProfile, voter_budget: Amount) -> None:
        self.profile = profile
        self.voter_budget = Fraction(voter_budget)
        self.arrays = profile_arrays(profile)
        groups = len(profile.multiplicities)
        self.budgets = np.full(groups, float(voter_budget))  # floating-point budget of each group
        # Bit r of a group's row (64 rounds per word): the group paid a full share in round r.
        # A project is funded once, so there are at most as many rounds as projects.
        self.words = max(1, -(-len(profile.project_ids) // 64))
        self.paid = np.zeros((groups, self.words), dtype=np.uint64)
        self.winners: list[int] = []
        self.drained_in_round: list[np.ndarray] = []
        self.rich_weight_in_round: list[Amount] = []
        self.exact_rho_in_round: list[Fraction | None] = []
        self.class_budgets: dict[object, Amount] = {}
        # Same-satisfaction profiles: price of round r = scaled_prices[r] / price_scale.
        self.price_scale = 1
        self.scaled_prices: list[int] = []

    def record_round(self, winner: int, drained: np.ndarray, rich_weight: Amount, rho) -> None:
        """Remember a round: its winner, the drained groups and who paid in full."""
        self.winners.append(winner)
        self.drained_in_round.append(drained)
        self.rich_weight_in_round.append(rich_weight)
        self.exact_rho_in_round.append(rho)

    def weight(self, group: int, project: int) -> Amount:
        """The satisfaction weight of a group for a project it supports (1 unless weighted)."""
        if self.profile.weight_of is None:
            return 1
        return self.profile.weight_of[project][group]

    # -- exact prices of past rounds -----------------------------------------------------------

    def settle_rounds(self, up_to: int) -> None:
        """Compute the exact result of every round up to ``up_to`` not yet computed."""
        rhos = self.exact_rho_in_round
        if self.profile.weight_of is not None:
            for round_ in range(up_to + 1):
                if rhos[round_] is None:
                    rhos[round_] = self.replay_weighted_round(round_)
            return
        for round_ in range(len(self.scaled_prices), up_to + 1):
            if rhos[round_] is None:
                numerator, denominator = self.replay_round_price(round_)
            else:
                price = rhos[round_] * self.profile.utilities[self.winners[round_]]
                numerator, denominator = price.numerator, price.denominator
            self.add_price(numerator, denominator)

    def exact_round_rho(self, round_: int) -> Fraction:
        """The exact price factor ``rho`` paid in a past round."""
        self.settle_rounds(round_)
        rho = self.exact_rho_in_round[round_]
        if rho is None:
            utility = self.profile.utilities[self.winners[round_]]
            rho = Fraction(self.scaled_prices[round_], self.price_scale) / utility
            self.exact_rho_in_round[round_] = rho
        return rho

    def round_price_float(self, round_: int) -> float:
        """The full share of a round (same-satisfaction profiles), correctly rounded."""
        self.settle_rounds(round_)
        return self.scaled_prices[round_] / self.price_scale

    def add_price(self, numerator: int, denominator: int) -> None:
        """Append a price, keeping every price an integer over one common denominator."""
        common = gcd(numerator, denominator)
        if common != 1:
            numerator //= common
            denominator //= common
        scale = self.price_scale
        factor = denominator // gcd(scale, denominator)
        if factor != 1:
            self.scaled_prices = [n * factor for n in self.scaled_prices]
            scale *= factor
            self.price_scale = scale
        self.scaled_prices.append(numerator * (scale // denominator))

    def mark_paid(self, groups: np.ndarray, round_: int) -> None:
        """Record that the groups paid a full share in a round."""
        self.paid[groups, round_ >> 6] |= np.uint64(1 << (round_ & 63))

    def mask(self, group: int) -> int:
        """The rounds a group paid a full share in, as the bits of an integer."""
        row = self.paid[group].tolist()
        mask = row[-1]
        for word in reversed(row[:-1]):
            mask = (mask << 64) | word
        return mask

    def masks(self, groups: np.ndarray) -> list[int]:
        """``mask`` of each of the groups."""
        words = self.paid[groups]
        masks = words[:, -1].tolist()
        for column in range(self.words - 2, -1, -1):
            masks = [(mask << 64) | word for mask, word in zip(masks, words[:, column].tolist(), strict=True)]
        return masks

    def rounds_paid(self, groups: np.ndarray) -> tuple[int, dict[int, int]]:
        """Number of voters in the groups, and how many of them paid in full in each round."""
        rounds = len(self.winners)
        if not len(groups) or not rounds:
            return int(self.arrays.multiplicities[groups].sum()), {}
        # Little-endian words seen as bytes, bits least significant first: column r is round r.
        words = self.paid[groups].astype("<u8", copy=False)
        bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")[:, :rounds]
        if self.profile.single_ballots:
            count = len(groups)
            per_round = bits.sum(axis=0, dtype=np.int64)
        else:
            multiplicities = self.arrays.multiplicities[groups]
            count = int(multiplicities.sum())
            per_round = multiplicities @ bits.astype(np.int64)
        return count, {round_: int(members) for round_, members in enumerate(per_round.tolist()) if members}

    def replay_round_price(self, round_: int) -> tuple[int, int]:
        """Exact price of a round as (numerator, denominator): what the drained could not pay
        of the cost, shared by the full payers."""
        drained_count, paid_by_round = self.rounds_paid(self.drained_in_round[round_])
        prices, scale = self.scaled_prices, self.price_scale
        paid = sum(prices[r] * count for r, count in paid_by_round.items())  # over `scale`
        budget, cost = self.voter_budget, Fraction(self.profile.costs[self.winners[round_]])
        bn, bd, cn, cd = budget.numerator, budget.denominator, cost.numerator, cost.denominator
        # price = (cost - (budget * drained_count - paid / scale)) / full payers
        numerator = cn * bd * scale - cd * (bn * drained_count * scale - bd * paid)
        return numerator, cd * bd * scale * self.rich_weight_in_round[round_]

    def replay_weighted_round(self, round_: int) -> Fraction:
        """Exact rho of a round when satisfactions depend on points."""
        winner = self.winners[round_]
        drained_money = Fraction(0)
        for group in self.drained_in_round[round_].tolist():
            drained_money += self.profile.multiplicities[group] * self.exact_budget(group, round_)
        cost = self.profile.costs[winner]
        utility = self.profile.utilities[winner]
        return (cost - drained_money) / (utility * self.rich_weight_in_round[round_])

    # -- exact budgets now ---------------------------------------------------------------------

    def exact_budget(self, group: int, before_round: int | None = None) -> Amount:
        """The exact budget a group has now (or had before a given round)."""
        if before_round is None and self.budgets[group] == 0.0:
            return 0
        mask = self.mask(group)
        if before_round is not None:
            mask &= (1 << before_round) - 1
        weighted = self.profile.weight_of is not None
        key = (mask, group) if weighted else mask
        budget = self.class_budgets.get(key)
        if budget is not None:
            return budget
        rounds = []
        rest = mask
        while rest:
            low = rest & -rest
            rest ^= low
            rounds.append(low.bit_length() - 1)
        if not weighted:
            if rounds:
                self.settle_rounds(rounds[-1])
            paid = sum(self.scaled_prices[r] for r in rounds)
            budget = self.voter_budget - Fraction(paid, self.price_scale)
        else:
            budget = self.voter_budget
            for round_ in rounds:
                winner = self.winners[round_]
                share = self.profile.utilities[winner] * self.weight(group, winner)
                budget -= self.exact_round_rho(round_) * share
        self.class_budgets[key] = budget
        return budget

    def exact_affordability(self, project: int) -> Fraction | None:
        """Exact smallest rho at which the supporters of a project can pay for it, or None."""
        profile = self.profile
        cost = profile.costs[project]
        utility = profile.utilities[project]
        counts = profile.supporter_multiplicities[project]
        weights = profile.weights[project] if profile.weights is not None else None
        entries: dict[object, list] = {}
        supporters = self.arrays.supporters[project]
        still = np.flatnonzero(self.budgets[supporters] != 0.0)
        masks = self.masks(supporters[still])
        for i, group, mask in zip(still.tolist(), supporters[still].tolist(), masks, strict=True):
            weight = 1 if weights is None else weights[i]
            count = 1 if counts is None else counts[i]
            key = mask if weights is None else group
            entry = entries.get(key)
            if entry is None:
                entries[key] = [self.exact_budget(group), weight, count]
            else:
                entry[2] += count
        money = sum(budget * count for budget, _, count in entries.values())
        if money < cost:
            return None
        # Supporters who cannot pay a full share pay what they have: the poorest first.
        ordered = sorted(entries.values(), key=lambda e: Fraction(e[0]) / e[1])
        paid = 0
        satisfaction = sum(weight * count for _, weight, count in ordered) * utility
        for budget, weight, count in ordered:
            rho = Fraction(cost - paid) / satisfaction
            if rho * utility * weight <= budget:
                return rho
            paid += budget * count
            satisfaction -= weight * count * utility
        raise AssertionError("supporters with enough money always afford the project")
