"""The data model of a participatory-budget election: projects, ballots and metadata.

Amounts (costs, budget, points) are exact: ``int`` when integral, ``fractions.Fraction`` otherwise,
so that ``1656699.67`` is never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .numbers import Amount, parse_amount

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
"""Ballot formats of the pabulib standard."""


@dataclass(slots=True)
class Project:
    """A project submitted to the vote.

    ``extra`` keeps every other column of the PROJECTS section as written in the file (``name``
    excepted), e.g. ``votes``, ``score``, ``category`` and ``selected``.
    """

    id: str
    cost: Amount
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Ballot:
    """One voter's ballot.

    ``vote`` lists project ids (in preference order for ordinal ballots); ``points`` holds the
    points given to each of them for cumulative and scoring ballots, else ``None``. ``extra``
    keeps the other columns of the VOTES section (age, sex, district, voting method...).
    """

    voter_id: str
    vote: tuple[str, ...]
    points: tuple[Amount, ...] | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Election:
    """A participatory-budget election: META key/values, projects in file order, ballots.

    ``project_columns`` and ``ballot_columns`` remember the column order of the PROJECTS and
    VOTES sections so that writing the election back produces the same layout.
    """

    meta: dict[str, str]
    projects: dict[str, Project]
    ballots: list[Ballot]
    project_columns: tuple[str, ...] = ("project_id", "cost")
    ballot_columns: tuple[str, ...] = ("voter_id", "vote")

    @property
    def budget(self) -> Amount:
        """The budget limit (META ``budget``)."""
        return parse_amount(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        """The ballot format (META ``vote_type``), ``approval`` when absent."""
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def rule(self) -> str | None:
        """The counting rule named in META ``rule``, if any."""
        rule = self.meta.get("rule", "").strip().lower()
        return rule or None

    def official_selection(self, include_special: bool = False) -> list[str] | None:
        """Ids of the projects the ``selected`` column marks as funded (``1``).

        Some files mark projects funded under special provisions with ``2`` or ``3`` (explained
        in the META ``comment``); ``include_special=True`` counts them too. Returns ``None``
        when the file has no ``selected`` column.
        """
        marks = self.selection_marks()
        if marks is None:
            return None
        return [p for p, mark in marks.items() if mark == 1 or (include_special and mark > 1)]

    def selection_marks(self) -> dict[str, int] | None:
        """The raw ``selected`` value of every project, or ``None`` without such a column."""
        if "selected" not in self.project_columns:
            return None
        marks = {}
        for project in self.projects.values():
            raw = project.extra.get("selected", "").strip()
            marks[project.id] = int(raw) if raw.lstrip("-").isdigit() else 0
        return marks

    def meta_amount(self, key: str) -> Amount | None:
        """A numeric META value such as ``max_length`` or ``min_project_score_threshold``."""
        raw = self.meta.get(key, "").strip()
        if not raw or raw.lower() == "none":
            return None
        return parse_amount(raw)
