"""Random small elections: every rule of the engine agrees with pabutools 1.2.3.

Costs, budgets and ballots are drawn from small ranges so that exact ties (equal scores, equal
price factors) are frequent, and project ids mix numbers and letters so that the string order
of ids ("10" < "9") matters when ties are broken.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.participatory_budget.tally import Ballot, Election, Project, tally

from . import pabutools_reference as reference

IDS = ["1", "2", "9", "10", "11", "a", "B", "b"]
COSTS = st.one_of(
    st.sampled_from([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40]),
    st.builds(Fraction, st.integers(1, 80), st.sampled_from([2, 4])),
)


def properties(*strategies, quick: int = 25, thorough: int = 300):
    """Make two tests of a property: ``test_x`` tries ``quick`` examples in every run, and
    ``test_x_thoroughly``, marked slow, tries ``thorough`` examples."""

    def register(check):
        options = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
        thorough_test = settings(max_examples=thorough, **options)(given(*strategies)(check))
        check.__globals__[f"{check.__name__}_thoroughly"] = pytest.mark.slow(thorough_test)
        return settings(max_examples=quick, **options)(given(*strategies)(check))

    return register


@st.composite
def elections(draw, ballots="approval", free_projects=True, max_voters=15, budgets=None):
    """An election with at most 8 projects and ``max_voters`` voters."""
    count = draw(st.integers(1, 8))
    ids = draw(st.permutations(IDS))[:count]
    costs = st.one_of(st.just(0), COSTS) if free_projects else COSTS
    projects = {project_id: Project(project_id, draw(costs)) for project_id in ids}
    voters = []
    for number in range(draw(st.integers(1, max_voters))):
        vote = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=min(count, 4))))
        points = tuple(draw(st.integers(1, 4)) for _ in vote) if ballots == "cumulative" else None
        voters.append(Ballot(str(number), vote, points))
    if budgets is None:
        budgets = st.one_of(st.integers(0, 100), st.builds(Fraction, st.integers(1, 200), st.just(2)))
    budget = draw(budgets)
    vote_type = {"approval": "approval", "cumulative": "cumulative", "ordinal": "ordinal"}[ballots]
    return Election({"budget": str(budget), "vote_type": vote_type}, projects, voters)


BALLOTS = st.sampled_from(["approval", "cumulative", "ordinal"])
TIE_BREAKINGS = st.sampled_from(["id", "cost"])


def same_outcome(ours: list[str], theirs: list[str], election: Election) -> bool:
    """Same projects funded in the same order; pabutools funds free projects in set order."""
    paid = [p for p in ours if election.projects[p].cost], [p for p in theirs if election.projects[p].cost]
    return sorted(ours) == sorted(theirs) and paid[0] == paid[1]


def scores(election: Election, ballots: str) -> dict[str, int]:
    """Scores computed here independently of the engine: points, Borda or approvals."""
    totals = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        for position, project_id in enumerate(ballot.vote):
            if ballots == "cumulative":
                totals[project_id] += ballot.points[position]
            elif ballots == "ordinal":
                totals[project_id] += len(ballot.vote) - position
            else:
                totals[project_id] += 1
    return totals


# -- greedy rules ---------------------------------------------------------------------------


@properties(st.data(), BALLOTS, TIE_BREAKINGS)
def test_greedy_matches_pabutools(data, ballots, tie_breaking):
    election = data.draw(elections(ballots))
    result = tally(election, "greedy", tie_breaking=tie_breaking)
    expected = reference.greedy(election, ballots, tie_breaking)
    assert set(result.selected) == set(expected)
    assert result.spent == sum(election.projects[p].cost for p in expected) <= election.budget


@properties(st.data(), BALLOTS, TIE_BREAKINGS, st.integers(0, 12))
def test_greedy_threshold_is_greedy_among_projects_reaching_the_threshold(data, ballots, tie_breaking, threshold):
    election = data.draw(elections(ballots))
    election.meta["min_project_score_threshold"] = str(threshold)
    score = scores(election, ballots)
    below = {p for p in election.projects if score[p] < threshold}
    result = tally(election, "greedy-threshold", tie_breaking=tie_breaking)
    assert set(result.selected) == set(reference.greedy(election, ballots, tie_breaking, exclude=below))


def _stopping_point(election: Election, ballots: str, tie_breaking: str):
    """(projects funded before the first that does not fit, that project or None).

    Projects dearer than the whole budget can never be funded and do not stop the count.
    """
    too_dear = {p for p, project in election.projects.items() if project.cost > election.budget}
    funded = reference.greedy(election, ballots, tie_breaking, exclude=too_dear)
    order = reference.ranking(election, ballots, tie_breaking, exclude=too_dear)
    prefix = 0
    while prefix < len(funded) and funded[prefix] == order[prefix]:
        prefix += 1
    return funded[:prefix], order[prefix] if prefix < len(order) else None


@properties(st.data(), BALLOTS, TIE_BREAKINGS)
def test_greedy_no_skip_is_the_part_of_pabutools_greedy_before_its_first_skip(data, ballots, tie_breaking):
    # No free projects: pabutools cannot rank them by score (its density divides by the cost).
    election = data.draw(elections(ballots, free_projects=False))
    before_skip, _ = _stopping_point(election, ballots, tie_breaking)
    assert tally(election, "greedy-no-skip", tie_breaking=tie_breaking).selected == before_skip


@properties(st.data(), BALLOTS, TIE_BREAKINGS)
def test_greedy_reserve_also_funds_the_stopping_project_when_80_percent_is_left(data, ballots, tie_breaking):
    election = data.draw(elections(ballots, free_projects=False))
    before_skip, stopping = _stopping_point(election, ballots, tie_breaking)
    expected = list(before_skip)
    left = election.budget - sum(election.projects[p].cost for p in before_skip)
    if stopping is not None and left >= Fraction(4, 5) * election.projects[stopping].cost:
        expected.append(stopping)
    assert tally(election, "greedy-reserve", tie_breaking=tie_breaking).selected == expected


@properties(st.data(), BALLOTS, TIE_BREAKINGS)
def test_greedy_exclusive_matches_pabutools_greedy_without_the_excluded_projects(data, ballots, tie_breaking):
    # No free projects: pabutools cannot rank them by score (its density divides by the cost).
    election = data.draw(elections(ballots, free_projects=False))
    ids = list(election.projects)
    group = st.lists(st.sampled_from(ids), min_size=2, max_size=min(3, len(ids)), unique=True)
    groups = data.draw(st.lists(group, max_size=3)) if len(ids) > 1 else []
    # Reference: run pabutools greedy; when a funded project has an exclusive partner funded
    # before it, remove it from the election and run again, until no conflict is left.
    removed: set[str] = set()
    while True:
        funded = reference.greedy(election, ballots, tie_breaking, exclude=removed)
        conflict = next(
            (p for i, p in enumerate(funded)
             if any(p in g and q in g for g in groups for q in funded[:i] if q != p)),
            None,
        )
        if conflict is None:
            break
        removed.add(conflict)
    result = tally(election, "greedy-exclusive", exclusive=groups, tie_breaking=tie_breaking)
    assert set(result.selected) == set(funded)
    for group in groups:
        assert len(set(group) & set(result.selected)) <= 1


# -- Method of Equal Shares -------------------------------------------------------------------

SATISFACTIONS = st.sampled_from(["cost", "cardinality", "points"])
COMPLETIONS = st.sampled_from(["none", "add1", "add1-exhaustive"])


@properties(st.data(), SATISFACTIONS, TIE_BREAKINGS)
def test_equal_shares_matches_pabutools(data, sat, tie_breaking):
    election = data.draw(elections("cumulative" if sat == "points" else "approval"))
    result = tally(election, "mes", sat=sat, tie_breaking=tie_breaking)
    assert same_outcome(result.selected, reference.equal_shares(election, sat, tie_breaking=tie_breaking), election)
    assert result.spent <= election.budget


@properties(st.data(), SATISFACTIONS, COMPLETIONS, st.booleans(), TIE_BREAKINGS, quick=20, thorough=200)
def test_equal_shares_completions_match_pabutools(data, sat, completion, then_greedy, tie_breaking):
    # Budgets of at least 10 keep the number of budget raises small for pabutools.
    budgets = st.integers(10, 100)
    election = data.draw(elections("cumulative" if sat == "points" else "approval", budgets=budgets))
    result = tally(election, "mes", sat=sat, completion=completion, then_greedy=then_greedy,
                   tie_breaking=tie_breaking)
    expected = reference.equal_shares(election, sat, completion, then_greedy, tie_breaking)
    assert sorted(result.selected) == sorted(expected)
    assert result.spent <= election.budget


@properties(st.data(), st.sampled_from(["cost", "cardinality"]), quick=8, thorough=100)
def test_equal_shares_matches_pabutools_with_more_voters(data, sat):
    # Enough voters for many groups of different budgets, and rounds with drained voters.
    election = data.draw(elections("approval", max_voters=60, budgets=st.integers(50, 400)))
    assert same_outcome(tally(election, "mes", sat=sat).selected, reference.equal_shares(election, sat), election)


def _has_budget_in(current, low: float, high: float) -> bool:
    return any(low <= budget <= high for budget in current)


@properties(st.data(), st.sampled_from(["cost", "cardinality"]), quick=8, thorough=100)
def test_equal_shares_never_misses_a_budget_close_to_the_price(data, sat):
    """The shortcut telling whether a winner's supporter has a budget close to the price (from
    the sorted budgets of the winner's evaluation) never misses one: checked against a scan of
    the budgets at every round, for the band of the round and for bands around each budget."""
    from plugins.participatory_budget.tally import equal_shares

    run_class = equal_shares.EqualSharesRun
    shortcut = run_class.has_budget_between
    checked = []

    def checked_shortcut(run, winner, current, low, high):
        answer = shortcut(run, winner, current, low, high)
        assert answer or not _has_budget_in(current, low, high)
        for budget in sorted(set(current))[:5]:
            for band in ((budget, budget), (budget * 0.999, budget * 1.001), (budget + 1e-9, budget + 2e-9)):
                assert shortcut(run, winner, current, *band) or not _has_budget_in(current, *band), band
        checked.append(winner)
        return answer

    election = data.draw(elections("approval", max_voters=60, budgets=st.integers(50, 400)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run_class, "has_budget_between", checked_shortcut)
        ours = tally(election, "mes", sat=sat).selected
    assert same_outcome(ours, reference.equal_shares(election, sat), election)
    assert len(checked) <= len(ours)
