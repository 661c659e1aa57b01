"""Per-project vote counts and scores, and the tie-breaking orders shared by every rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .election import Election
from .numbers import Amount

TIE_BREAKINGS = ("id", "cost")
"""``id``: smallest project id first (string order, as pabutools' lexicographic tie-breaking);
``cost``: cheapest project first, then the one with more votes, then the smallest id."""


class TallyError(ValueError):
    """A tally that cannot be run as asked (unknown rule, missing threshold, unknown id...)."""


def approval_counts(election: Election) -> dict[str, int]:
    """Number of ballots naming each project, whatever the ballot format."""
    counts = Counter()
    for ballot in election.ballots:
        counts.update(ballot.vote)
    return {project_id: counts[project_id] for project_id in election.projects}


def project_scores(election: Election) -> dict[str, Amount]:
    """The score greedy rules rank projects by, as in the ``score`` column of pabulib files.

    Approval and choose-1 ballots give one point per project named; cumulative and scoring
    ballots give their points; ordinal ballots give their points when the file has them, else
    a Borda count on each ballot: on a ballot ranking ``m`` projects the first gets ``m`` points,
    the second ``m - 1``... (this reproduces the ``score`` column of every pabulib file read).
    """
    vote_type = election.vote_type
    if vote_type in ("approval", "choose-1"):
        return approval_counts(election)
    scores: dict[str, Amount] = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        if ballot.points is not None:
            for project_id, points in zip(ballot.vote, ballot.points, strict=True):
                scores[project_id] += points
        elif vote_type == "ordinal":
            length = len(ballot.vote)
            for position, project_id in enumerate(ballot.vote):
                scores[project_id] += length - position
        else:
            raise TallyError(f"ballot of voter {ballot.voter_id!r} has no points")
    return scores


def tie_order(
    election: Election, tie_breaking: str, votes: dict[str, int] | None = None
) -> Callable[[str], tuple]:
    """A sort key putting the project that wins a tie first."""
    if tie_breaking == "id":
        return lambda project_id: (project_id,)
    if tie_breaking == "cost":
        votes = votes if votes is not None else approval_counts(election)
        projects = election.projects
        return lambda project_id: (projects[project_id].cost, -votes[project_id], project_id)
    raise TallyError(f"unknown tie-breaking {tie_breaking!r} (known: {', '.join(TIE_BREAKINGS)})")
