"""One run of the Method of Equal Shares (MES) with a given budget per voter.

Every voter starts with the same share of the budget. In each round, for every project still
in the race, we look for the smallest "price factor" ``rho`` such that its supporters, each
paying ``rho * satisfaction`` or all they have left if that is less, cover its cost. The project
with the smallest ``rho`` is funded (ties: the tie-breaking order), its supporters pay, and the
rounds go on until no project can be paid for by its supporters. This is the rule of
pabutools' ``method_of_equal_shares``, round for round.

Speed and exactness: budgets are followed in floating point, with a certified bound on their
error. Every decision (who wins a round, who can still pay in full, whether a project is still
affordable) is taken in floating point only when it holds beyond that bound; otherwise it is
taken in exact rational arithmetic (see :mod:`.exact_ledger`). A supporter either pays the full
share or is drained to zero, so exact budgets are rebuilt from the exact price of each round.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from heapq import heappop, heappush
from itertools import compress
from operator import mul

import numpy as np

from .exact_ledger import ExactLedger
from .numbers import Amount
from .support import SupportProfile

EPS = 2.0**-52


class EqualSharesRun(ExactLedger):
    """Equal Shares on a support profile with ``voter_budget`` per voter."""

    def __init__(self, profile: SupportProfile, voter_budget: Amount, tie_keys: list[tuple]) -> None:
        super().__init__(profile, voter_budget)
        self.tie_keys = tie_keys
        self.voter_budget_f = float(voter_budget)
        # Per project, the supporters this run still scans (drained ones are dropped) and the
        # float multiplicities of those groups (None: one ballot each).
        self.supporters = list(self.arrays.scanned_supporters)
        self.supporter_multiplicities = list(self.arrays.scanned_counts)
        self.supporter_count = list(profile.supporter_count)
        self.sats = list(profile.float_sats) if profile.weighted else None
        # A bound on |float budget - exact budget| for every group.
        self.budget_error = 4.0 * EPS * self.voter_budget_f
        count = len(profile.project_ids)
        self.rho = [0.0] * count
        self.rho_error = [0.0] * count
        self.fresh_round = [-1] * count
        self.spread: dict[int, tuple] = {}  # project -> (round, sorted budgets or None, lowest)
        self.exact_rho_now: dict[int, object] = {}

    @property
    def round_number(self) -> int:
        """The round being played (0 for the first)."""
        return len(self.winners)

    def run(self) -> list[int]:
        """The funded projects (indices of the profile), in the order they are funded."""
        heap: list[tuple[float, int]] = []
        for project in range(len(self.profile.project_ids)):
            if self.refresh_first(project) if self.sats is None else self.refresh(project, 0):
                heappush(heap, (self.rho[project] - self.rho_error[project], project))
        while True:
            winner = self.next_winner(heap, len(self.winners))
            if winner is None:
                return self.winners
            self.pay(winner)

    # -- choosing the winner of a round --------------------------------------------------------

    def refresh(self, project: int, round_: int) -> bool:
        """Evaluate ``project`` now; False when it can no longer be paid for."""
        result = self.evaluate(project)
        if result is None:
            return False
        self.rho[project], self.rho_error[project] = result
        self.fresh_round[project] = round_
        return True

    def refresh_first(self, project: int) -> bool:
        """First round, same satisfaction for all: every voter has the same budget, so the
        supporters share the cost equally if they can afford it, and rho is known exactly."""
        profile = self.profile
        count, cost = profile.supporter_count[project], profile.costs[project]
        if self.voter_budget * count < cost:
            return False
        rho = float(Fraction(cost) / (count * profile.utilities[project]))
        self.rho[project], self.rho_error[project] = rho, 2.0 * EPS * rho
        self.fresh_round[project] = 0
        self.spread[project] = (0, None, self.voter_budget_f)
        return True

    def next_winner(self, heap: list[tuple[float, int]], round_: int) -> int | None:
        """Pop and return the project funded in this round, or None when none is affordable.

        The heap holds a certified lower bound of every project's ``rho``; bounds only go up as
        budgets go down, so stale entries are re-evaluated only when they reach the top.
        """
        self.exact_rho_now = {}
        fresh = self.fresh_round
        while heap:
            project = heap[0][1]
            if fresh[project] == round_:
                break
            heappop(heap)
            if self.refresh(project, round_):
                heappush(heap, (self.rho[project] - self.rho_error[project], project))
        if not heap:
            return None
        best = heap[0][1]
        upper = self.rho[best] + self.rho_error[best]
        popped: list[tuple[float, int]] = []
        while heap and heap[0][0] <= upper:
            entry = heappop(heap)
            project = entry[1]
            if fresh[project] != round_:
                if self.refresh(project, round_):
                    heappush(heap, (self.rho[project] - self.rho_error[project], project))
                continue
            popped.append(entry)
            upper = min(upper, self.rho[project] + self.rho_error[project])
        candidates = [project for lower, project in popped if lower <= upper]
        if len(candidates) == 1:
            winner = candidates[0]
        else:
            winner = self.exact_winner(candidates)
        for entry in popped:
            if entry[1] != winner and self.fresh_round[entry[1]] >= 0:
                heappush(heap, entry)
        return winner

    def exact_winner(self, candidates: list[int]) -> int | None:
        """Among projects too close to tell apart in floating point, the exact winner."""
        best = None
        for project in candidates:
            value = self.exact_affordability(project)
            if value is None:  # cannot happen with sound bounds; stay exact anyway
                self.fresh_round[project] = -2
                continue
            self.exact_rho_now[project] = value
            key = (value, self.tie_keys[project])
            if best is None or key < best[0]:
                best = (key, project)
        return None if best is None else best[1]

    # -- evaluating one project ----------------------------------------------------------------

    def evaluate(self, project: int) -> tuple[float, float] | None:
        """``(rho, error bound)`` of a project in floating point, or None if unaffordable."""
        supporters = self.supporters[project]
        size = len(supporters)
        if not size:
            return None
        budgets = self.budgets[supporters]
        counts = self.supporter_multiplicities[project]
        cost = self.profile.float_costs[project]
        money = float(budgets.sum() if counts is None else budgets @ counts)
        # Little money left per supporter hints at many drained ones: then count and drop them.
        if size > 64 and 3.0 * money < size * self.voter_budget_f and 3 * (size - np.count_nonzero(budgets)) > size:
            self.compact(project, budgets)
            return self.evaluate(project)
        slack = size * EPS * money + self.supporter_count[project] * self.budget_error + EPS * cost
        if money < cost - slack:
            return None
        if money <= cost + slack:
            return self.exact_evaluation(project)
        if self.sats is None:
            return self.evaluate_unit(project, budgets, counts, cost)
        return self.evaluate_weighted(
            project, budgets.tolist(), None if counts is None else counts.tolist(), cost
        )

    def evaluate_unit(self, project, budgets, counts, cost) -> tuple[float, float] | None:
        """Every supporter gets the same satisfaction: solve for the price per supporter."""
        total = self.supporter_count[project]
        price = cost / total
        poor_money = 0.0
        rich_count = total
        lowest = float(budgets.min())
        self.spread[project] = (self.round_number, None, lowest)
        if lowest < price:
            # Sorted budgets b[0] <= b[1] <= ... (each standing for its multiplicity of voters):
            # the first j whose supporters from j on can all pay b[j] (sum of min(b, b[j]) >=
            # cost) splits the poor from the rich. Sums are running sums, left to right.
            size = len(budgets)
            before = np.zeros(size + 1)
            if counts is None:
                ordered = np.sort(budgets)
                np.cumsum(ordered, out=before[1:])
                voters_before = np.arange(size + 1)
            else:
                order = np.argsort(budgets, kind="stable")
                ordered, weights = budgets[order], counts[order]
                np.cumsum(ordered * weights, out=before[1:])
                voters_before = np.zeros(size + 1)
                np.cumsum(weights, out=voters_before[1:])
            # Left of the split the test fails, right of it it holds: found by bisection.
            rich_from = before[:-1] + (total - voters_before[:-1]) * ordered
            first = bisect_left(rich_from, cost)
            if first == size:
                return self.exact_evaluation(project)
            self.spread[project] = (self.round_number, ordered, lowest)
            poor_money, rich_count = float(before[first]), total - int(voters_before[first])
            price = (cost - poor_money) / rich_count
        size = len(budgets)
        error = 4.0 * (EPS * cost + total * self.budget_error + size * EPS * (poor_money + cost))
        error = error / rich_count + 4.0 * EPS * price
        utility = self.profile.float_utilities[project]
        rho = price / utility
        return rho, error / utility + 4.0 * EPS * rho

    def evaluate_weighted(self, project, budgets, counts, cost) -> tuple[float, float] | None:
        """Satisfactions differ between supporters: solve for the price factor directly."""
        sats = self.sats[project]
        counts = counts if counts is not None else [1] * len(budgets)
        weight = sum(map(mul, sats, counts))
        rich_weight = weight
        rho = cost / weight
        poor_money = 0.0
        while True:
            poor = [b < rho * s for b, s in zip(budgets, sats, strict=True)]
            poor_weight = sum(map(mul, compress(sats, poor), compress(counts, poor)))
            if weight - poor_weight == rich_weight:
                break
            rich_weight = weight - poor_weight
            if rich_weight <= 0.0:
                return self.exact_evaluation(project)
            poor_money = sum(map(mul, compress(budgets, poor), compress(counts, poor)))
            rho = (cost - poor_money) / rich_weight
        size = len(budgets)
        total = self.supporter_count[project]
        error = 4.0 * (EPS * cost + total * self.budget_error + size * EPS * (poor_money + cost))
        return rho, error / rich_weight + 4.0 * (size + 2) * EPS * rho

    def exact_evaluation(self, project: int) -> tuple[float, float] | None:
        """Fallback when floating point cannot decide: exact rho, as a float with no error."""
        value = self.exact_affordability(project)
        if value is None:
            return None
        self.exact_rho_now[project] = value
        rho = float(value)
        return rho, 2.0 * EPS * rho

    def compact(self, project: int, budgets: np.ndarray) -> None:
        """Forget the drained supporters of a project (they can never pay again)."""
        keep = budgets != 0.0
        self.supporters[project] = self.supporters[project][keep]
        counts = self.supporter_multiplicities[project]
        if counts is not None:
            counts = counts[keep]
            self.supporter_multiplicities[project] = counts
            self.supporter_count[project] = int(counts.sum())
        else:
            self.supporter_count[project] = len(self.supporters[project])
        if self.sats is not None:
            self.sats[project] = list(compress(self.sats[project], keep.tolist()))

    # -- paying for the winner -----------------------------------------------------------------

    def pay(self, winner: int) -> None:
        """The winner's supporters pay their share (or all they have); the round is recorded.

        Who pays in full is decided in floating point when clear, else exactly. The round's
        exact rho then follows from the ledger, and full payers pay its rounded value, so that
        float budgets stay within a few units in the last place of the exact ones.
        """
        self.fresh_round[winner] = -2
        rho, rho_error = self.rho[winner], self.rho_error[winner]
        exact_rho = self.exact_rho_now.get(winner)
        arrays = self.arrays
        supporters = arrays.supporters[winner]
        budgets = self.budgets
        current = budgets[supporters]
        settled: dict[int, Amount] = {}  # exact budget left to unsure full payers
        if self.sats is None:
            utility = self.profile.float_utilities[winner]
            price = rho * utility
            band = self.budget_error + rho_error * utility
            low, high = price - band, price + band
            rich = current >= price
            if low <= 0.0 or self.has_budget_between(winner, current, low, high):
                unsure = np.flatnonzero((current != 0.0) & (current >= low) & (current <= high))
                exact_rho = self.settle_unsure(winner, supporters, unsure, rich, settled, exact_rho)
            payers = supporters[rich]
            drained = supporters[(current != 0.0) & ~rich]
            counts = arrays.supporter_multiplicities[winner]
            rich_weight = int(counts[rich].sum()) if counts is not None else len(payers)
        else:
            sats = arrays.float_sats[winner]
            rich = current >= rho * sats
            unsure = np.flatnonzero(
                (current != 0.0) & (np.abs(current - rho * sats) <= self.budget_error + rho_error * sats)
            )
            if len(unsure):
                exact_rho = self.settle_unsure(winner, supporters, unsure, rich, settled, exact_rho)
            payers = supporters[rich]
            drained = supporters[(current != 0.0) & ~rich]
            multiplicities = self.profile.multiplicities
            rich_weight = sum(multiplicities[g] * self.weight(g, winner) for g in payers.tolist())
        self.record_round(winner, drained, rich_weight, exact_rho)
        round_ = len(self.winners) - 1
        budgets[drained] = 0.0
        if self.sats is None:
            budgets[payers] -= self.round_price_float(round_)
        else:
            exact_rho = self.exact_round_rho(round_)
            weight_of = self.profile.weight_of[winner]
            utility = self.profile.utilities[winner]
            for group in payers.tolist():
                budgets[group] -= float(exact_rho * utility * weight_of[group])
        self.mark_paid(payers, round_)
        for group, left in settled.items():
            budgets[group] = float(left)
        self.budget_error += 4.0 * EPS * self.voter_budget_f

    def has_budget_between(self, winner: int, current, low: float, high: float) -> bool:
        """Whether a supporter of the winner has a budget in [low, high], from the sorted
        budgets of the winner's evaluation in this round when there is one."""
        round_, ordered, lowest = self.spread.get(winner, (-1, None, 0.0))
        if round_ != self.round_number or self.exact_rho_now.get(winner) is not None:
            return bool(np.any((current >= low) & (current <= high)))
        if ordered is None:  # every supporter could pay in full: all budgets >= lowest
            return lowest <= high
        return bool(np.searchsorted(ordered, low, "left") != np.searchsorted(ordered, high, "right"))

    def settle_unsure(self, winner, supporters, unsure, rich, settled, exact_rho):
        """Decide exactly who pays in full among supporters too close to call; returns rho."""
        if exact_rho is None:
            exact_rho = self.exact_affordability(winner)
        share = exact_rho * self.profile.utilities[winner]
        for i in unsure.tolist():
            group = int(supporters[i])
            left = self.exact_budget(group) - share * self.weight(group, winner)
            rich[i] = left >= 0
            if rich[i]:
                settled[group] = left
        return exact_rho
