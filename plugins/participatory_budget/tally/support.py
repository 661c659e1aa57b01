"""Who supports which project, and how much it satisfies them: the input of Equal Shares.

Identical ballots are merged into one *group* with a multiplicity, and each project gets the
list of groups supporting it, so that the rule works on arrays of small integers and floats.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from .election import Election
from .numbers import Amount
from .scores import TallyError

SATISFACTIONS = ("cost", "cardinality", "points")
"""How much a funded project satisfies a supporter: its ``cost`` (pabutools ``Cost_Sat``), one
unit (``cardinality``, pabutools ``Cardinality_Sat``), or the ``points`` the voter gave it
(pabutools ``Additive_Cardinal_Sat``). With ``cost`` and ``cardinality`` every project named on a
ballot counts, whatever the ballot format."""


@dataclass(slots=True)
class SupportProfile:
    """Supporters of each project that Equal Shares can fund, by groups of identical ballots.

    Projects are numbered ``0..len(project_ids)-1``. The ``i``-th supporter group of project
    ``p`` is ``supporters[p][i]``; its satisfaction is ``utilities[p] * w`` with ``w = 1``, or
    ``weights[p][i]`` when the satisfaction depends on points. ``free`` lists the projects that
    cost nothing and satisfy someone: Equal Shares funds them before anything else.
    """

    project_ids: list[str]
    costs: list[Amount]
    utilities: list[Amount]
    supporters: list[list[int]]
    weights: list[list[Amount]] | None
    multiplicities: list[int]
    voters: int
    budget: Amount
    free: list[str]
    # Derived arrays, computed once and shared by every run of the rule.
    supporter_multiplicities: list[list[int] | None]
    supporter_count: list[int]
    float_costs: list[float]
    float_utilities: list[float]
    float_sats: list[list[float]] | None
    weight_of: list[dict[int, Amount]] | None
    single_ballots: bool = False
    # What a run evaluates: a group repeated once per ballot when few ballots repeat (faster
    # to scan), else each group once with its multiplicity.
    scanned_supporters: list[list[int]] | None = None
    scanned_multiplicities: list[list[int] | None] | None = None
    arrays: ProfileArrays | None = None  # the same as numpy arrays, see ``profile_arrays``

    @property
    def weighted(self) -> bool:
        """True when satisfactions depend on the points given."""
        return self.weights is not None

    def total_cost(self) -> Amount:
        """Cost of every project Equal Shares could fund."""
        return sum(self.costs)


@dataclass(slots=True)
class ProfileArrays:
    """The lists of a support profile as numpy arrays, for the runs of Equal Shares."""

    multiplicities: np.ndarray
    supporters: list[np.ndarray]
    supporter_multiplicities: list[np.ndarray | None]
    scanned_supporters: list[np.ndarray]
    scanned_counts: list[np.ndarray | None]  # float64 multiplicities of the scanned groups
    float_sats: list[np.ndarray] | None


def profile_arrays(profile: SupportProfile) -> ProfileArrays:
    """Numpy arrays of a profile, built once and shared by every run on it."""
    if profile.arrays is None:
        def ints(values):
            return np.asarray(values, dtype=np.intp)

        profile.arrays = ProfileArrays(
            multiplicities=np.asarray(profile.multiplicities, dtype=np.int64),
            supporters=[ints(groups) for groups in profile.supporters],
            supporter_multiplicities=[
                None if counts is None else np.asarray(counts, dtype=np.int64)
                for counts in profile.supporter_multiplicities
            ],
            scanned_supporters=[ints(groups) for groups in profile.scanned_supporters],
            scanned_counts=[
                None if counts is None else np.asarray(counts, dtype=np.float64)
                for counts in profile.scanned_multiplicities
            ],
            float_sats=None if profile.float_sats is None else [
                np.asarray(sats, dtype=np.float64) for sats in profile.float_sats
            ],
        )
    return profile.arrays


def support_profile(election: Election, sat: str) -> SupportProfile:
    """Build the support profile of an election for a satisfaction measure."""
    if sat not in SATISFACTIONS:
        raise TallyError(f"unknown satisfaction {sat!r} (known: {', '.join(SATISFACTIONS)})")
    weighted = sat == "points"
    if weighted:
        for ballot in election.ballots:
            if ballot.points is None:
                raise TallyError(
                    f"satisfaction 'points' needs points, voter {ballot.voter_id!r} gave none"
                )
        ballot_groups = Counter(
            tuple(sorted((p, w) for p, w in zip(b.vote, b.points, strict=True) if w > 0))
            for b in election.ballots
        )
    else:
        ballot_groups = Counter(map(frozenset, map(attrgetter("vote"), election.ballots)))
    multiplicities = list(ballot_groups.values())
    single_ballots = all(count == 1 for count in multiplicities)

    supporters: dict[str, list[int]] = {project_id: [] for project_id in election.projects}
    weights: dict[str, list[Amount]] = {project_id: [] for project_id in election.projects}
    for group, items in enumerate(ballot_groups):
        if weighted:
            for project_id, weight in items:
                supporters[project_id].append(group)
                weights[project_id].append(weight)
        else:
            for project_id in items:
                supporters[project_id].append(group)

    profile = SupportProfile(
        project_ids=[], costs=[], utilities=[], supporters=[], weights=[] if weighted else None,
        multiplicities=multiplicities, voters=len(election.ballots), budget=election.budget,
        free=[], supporter_multiplicities=[], supporter_count=[], float_costs=[],
        float_utilities=[], float_sats=[] if weighted else None,
        weight_of=[] if weighted else None, single_ballots=single_ballots,
    )
    for project_id, project in election.projects.items():
        utility = project.cost if sat == "cost" else 1
        if not supporters[project_id] or utility == 0:
            continue  # it satisfies nobody: Equal Shares never funds it
        if project.cost == 0:
            profile.free.append(project_id)
            continue
        group_list = supporters[project_id]
        counts = [multiplicities[g] for g in group_list]
        profile.project_ids.append(project_id)
        profile.costs.append(project.cost)
        profile.utilities.append(utility)
        profile.supporters.append(group_list)
        profile.supporter_multiplicities.append(None if all(c == 1 for c in counts) else counts)
        profile.supporter_count.append(sum(counts))
        profile.float_costs.append(float(project.cost))
        profile.float_utilities.append(float(utility))
        if weighted:
            profile.weights.append(weights[project_id])
            profile.float_sats.append([float(utility * w) for w in weights[project_id]])
            profile.weight_of.append(dict(zip(group_list, weights[project_id], strict=True)))
    if weighted:
        profile.scanned_supporters = profile.supporters
        profile.scanned_multiplicities = profile.supporter_multiplicities
    else:
        profile.scanned_supporters, profile.scanned_multiplicities = [], []
        for group_list, counts in zip(profile.supporters, profile.supporter_multiplicities, strict=True):
            if counts is not None and sum(counts) <= 2 * len(counts):
                group_list = [g for g, count in zip(group_list, counts, strict=True) for _ in range(count)]
                counts = None
            profile.scanned_supporters.append(group_list)
            profile.scanned_multiplicities.append(counts)
    return profile
