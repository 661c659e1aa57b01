"""The same elections and rules in pabutools 1.2.3, the reference implementation.

Each function converts one of our :class:`Election` objects to pabutools objects and calls the
pabutools rule our engine claims to reproduce, so tests compare outcomes project for project.
"""

from __future__ import annotations

from fractions import Fraction

from pabutools.election import (
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    OrdinalBallot,
    OrdinalProfile,
)
from pabutools.election import Project as PabutoolsProject
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking

from plugins.participatory_budget.tally import Election, approval_counts

SATISFACTION_CLASSES = {"cost": Cost_Sat, "cardinality": Cardinality_Sat, "points": Additive_Cardinal_Sat}


def convert(election: Election, ballots: str = "approval", budget=None, exclude=frozenset()):
    """(Instance, Profile) of an election; ``ballots`` is approval, cumulative or ordinal.

    Projects in ``exclude`` are left out of the instance but stay on the ballots, so that
    ordinal scores (positions on the ballot) do not change.
    """
    instance = Instance(budget_limit=Fraction(election.budget if budget is None else budget))
    projects = {}
    for project_id, project in election.projects.items():
        projects[project_id] = PabutoolsProject(project_id, Fraction(project.cost))
        if project_id not in exclude:
            instance.add(projects[project_id])
    if ballots == "cumulative":
        profile = CumulativeProfile(
            [
                CumulativeBallot({projects[p]: Fraction(w) for p, w in zip(b.vote, b.points, strict=True)})
                for b in election.ballots
            ]
        )
    elif ballots == "ordinal":
        profile = OrdinalProfile([OrdinalBallot([projects[p] for p in b.vote]) for b in election.ballots])
    else:
        profile = ApprovalProfile([ApprovalBallot([projects[p] for p in b.vote]) for b in election.ballots])
    return instance, profile


def tie_breaking_rule(election: Election, tie_breaking: str) -> TieBreakingRule:
    """The pabutools tie-breaking rule matching ours."""
    if tie_breaking == "id":
        return lexico_tie_breaking
    votes = approval_counts(election)
    return TieBreakingRule(lambda instance, profile, project: (project.cost, -votes[project.name], project.name))


def equal_shares(
    election: Election,
    sat: str = "cost",
    completion: str = "none",
    then_greedy: bool = False,
    tie_breaking: str = "id",
) -> list[str]:
    """pabutools' Method of Equal Shares with the completion our engine names ``completion``."""
    instance, profile = convert(election, "cumulative" if sat == "points" else "approval")
    satisfaction = SATISFACTION_CLASSES[sat]
    tie = tie_breaking_rule(election, tie_breaking)
    if completion == "none":
        rule, params = method_of_equal_shares, {"sat_class": satisfaction, "tie_breaking": tie}
    elif completion == "add1":
        rule = method_of_equal_shares
        params = {"sat_class": satisfaction, "tie_breaking": tie, "voter_budget_increment": 1}
    elif completion == "add1-exhaustive":
        rule = exhaustion_by_budget_increase
        params = {
            "rule": method_of_equal_shares,
            "rule_params": {"sat_class": satisfaction, "tie_breaking": tie},
            "budget_step": profile.num_ballots(),
            "exhaustive_stop": False,
        }
    else:
        raise ValueError(completion)
    if then_greedy:
        greedy_params = {"sat_class": satisfaction, "tie_breaking": tie}
        outcome = completion_by_rule_combination(
            instance, profile, [rule, greedy_utilitarian_welfare], [params, greedy_params]
        )
    else:
        outcome = rule(instance, profile, **params)
    return [project.name for project in outcome]


def _score_times_cost(ballots: str):
    """A satisfaction whose total per unit of cost is the project's score: pabutools' greedy
    welfare rule then ranks projects by score, as pabulib greedy rules do."""

    def points(ballot, project):
        if ballots == "cumulative":
            return ballot.get(project, 0)
        if ballots == "ordinal":
            return len(ballot) - ballot.index(project) if project in ballot else 0
        return int(project in ballot)

    class ScoreTimesCost(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(
                instance, profile, ballot,
                lambda inst, prof, b, project, pre: points(b, project) * project.cost,
            )

    return ScoreTimesCost


def greedy(
    election: Election, ballots: str = "approval", tie_breaking: str = "id", budget=None, exclude=frozenset()
) -> list[str]:
    """pabutools' greedy welfare rule ranking projects by score, in selection order."""
    instance, profile = convert(election, ballots, budget, exclude)
    outcome = greedy_utilitarian_welfare(
        instance, profile, sat_class=_score_times_cost(ballots),
        tie_breaking=tie_breaking_rule(election, tie_breaking),
    )
    return [project.name for project in outcome]


def ranking(election: Election, ballots: str = "approval", tie_breaking: str = "id", exclude=frozenset()) -> list[str]:
    """The order in which pabutools' greedy rule considers projects (a budget fitting all)."""
    total = sum(project.cost for project in election.projects.values())
    return greedy(election, ballots, tie_breaking, budget=total, exclude=exclude)
