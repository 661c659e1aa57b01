"""Greedy counting rules: fund the best-scored projects, in order, while the budget lasts.

Every variant ranks the eligible projects by score (highest first, ties broken by the chosen
tie-breaking) and walks down the ranking:

* ``greedy``: a project that does not fit in what is left is passed over, the walk goes on;
* ``greedy-no-skip``: the walk stops at the first project that does not fit;
* ``greedy-threshold``: projects scoring below ``min_project_score_threshold`` are not eligible;
* ``greedy-exclusive``: at most one project of each group of mutually exclusive projects;
* ``greedy-reserve``: as ``greedy-no-skip``, and the project that stops the walk is still funded
  when what is left covers a given share of its cost (80% in Poznań, from reserve funds).

A project costing more than the whole budget can never be funded (pabulib marks withdrawn
projects that way); it is passed over without stopping the ``no-skip`` walks.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from .election import Election
from .numbers import Amount
from .scores import TallyError, approval_counts, project_scores, tie_order

__all__ = ["greedy_selection", "exclusion_map"]


def greedy_selection(
    election: Election,
    *,
    skip: bool = True,
    threshold: Amount | None = None,
    exclusive: Iterable[Iterable[str]] | None = None,
    reserve_ratio: Fraction | None = None,
    tie_breaking: str = "id",
) -> list[str]:
    """Ids of the projects funded by a greedy rule, in the order they are funded.

    ``skip=False`` stops at the first project that does not fit; ``threshold`` makes projects
    scoring below it ineligible; ``exclusive`` lists groups of project ids of which at most one
    may be funded; ``reserve_ratio`` (with ``skip=False``) still funds the project that stops
    the walk when the money left is at least that share of its cost.
    """
    scores = project_scores(election)
    order = tie_order(election, tie_breaking, approval_counts(election) if tie_breaking == "cost" else None)
    excluded_by = exclusion_map(election, exclusive)
    budget = election.budget
    ranking = sorted(
        (project_id for project_id in election.projects if threshold is None or scores[project_id] >= threshold),
        key=lambda project_id: (-scores[project_id], *order(project_id)),
    )
    selected: list[str] = []
    ruled_out: set[str] = set()
    left = budget
    for project_id in ranking:
        if project_id in ruled_out:
            continue
        cost = election.projects[project_id].cost
        if cost <= left:
            selected.append(project_id)
            left -= cost
            ruled_out.update(excluded_by.get(project_id, ()))
        elif skip or cost > budget:
            continue
        else:
            if reserve_ratio is not None and left >= reserve_ratio * cost:
                selected.append(project_id)
                left -= cost
            break
    return selected


def exclusion_map(
    election: Election, exclusive: Iterable[Iterable[str]] | None
) -> dict[str, set[str]]:
    """For each project, the projects that funding it rules out."""
    excluded_by: dict[str, set[str]] = {}
    for group in exclusive or ():
        members = list(group)
        for project_id in members:
            if project_id not in election.projects:
                raise TallyError(f"unknown project {project_id!r} in a group of exclusive projects")
        for project_id in members:
            excluded_by.setdefault(project_id, set()).update(m for m in members if m != project_id)
    return excluded_by
