"""Counting rules: official outcomes of real elections, pabutools on real data, exact corner cases."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from plugins.participatory_budget.tally import (
    Ballot,
    Election,
    Project,
    TallyError,
    load,
    load_meta,
    loads,
    project_scores,
    rule_from_meta,
    tally,
)

from . import pabutools_reference as reference

DATA = Path(__file__).parent / "data" / "pabulib"
FILES = sorted(DATA.glob("*.pb"))
BIG = ("Poland_Warszawa_2026", "Poland_Lodz_2022")


@cache
def read(path: Path) -> Election:
    """Each file is parsed once per test session; tests must not modify the election."""
    return load(path)


def official_files():
    return [p for p in FILES if "selected" in read(p).project_columns]


def files_with_rule(*rules):
    """Files whose META names one of the rules (only META is read, at collection)."""
    return [p for p in FILES if load_meta(p).get("rule") in rules]


def ids(path: Path) -> str:
    return path.stem[:50]


# -- official outcomes --------------------------------------------------------------------------


@pytest.mark.parametrize("path", files_with_rule(
    "greedy", "greedy-no-skip", "greedy-threshold", "greedy-exclusive"), ids=ids)
def test_the_rule_named_in_the_file_gives_the_official_outcome(path):
    election = read(path)
    official = election.official_selection()
    if official is None:
        # Gdańsk and Zabrze files publish no outcome: check the ranking rule against pabutools.
        ballots = "cumulative" if election.vote_type == "cumulative" else "approval"
        assert set(tally(election).selected) == set(reference.greedy(election, ballots))
    else:
        assert set(tally(election).selected) == set(official)


def test_every_published_outcome_is_reproduced_by_the_rule_the_file_names():
    published = official_files()
    assert len(published) == 40
    for path in published:
        election = read(path)
        special = election.rule == "greedy-custom"  # Poznań marks its 80% rule with 2
        expected = set(election.official_selection(include_special=special)) - _reserve_funded(election)
        assert set(tally(election).selected) == expected, path.name


def _reserve_funded(election: Election) -> set[str]:
    marks = election.selection_marks() or {}
    return {project_id for project_id, mark in marks.items() if mark == 3}


@pytest.mark.parametrize("path", files_with_rule("greedy-custom"), ids=ids)
def test_poznan_reserve_rule_gives_the_official_outcome(path):
    election = read(path)
    assert rule_from_meta(election) == ("greedy-reserve", "none")
    funded = set(tally(election).selected)
    assert funded == set(election.official_selection(include_special=True)) - _reserve_funded(election)


def test_projects_marked_3_in_poznan_were_funded_afterwards_from_extra_money():
    election = read(DATA / "Poland_Poznan_2024_1_-_Nowe_Winogrady_Polnoc_Nowe_Winogrady_Poludnie_Nowe_Winogrady_Wschod_Stare_Winogrady__large.pb")
    assert _reserve_funded(election) == {"RD-I.1", "RD-I.5"}
    result = tally(election)
    assert result.selected == ["RD-I.2"]
    # They are the next two by votes: the extra money, not in the file, went down the ranking.
    scores = project_scores(election)
    ranking = sorted(election.projects, key=lambda p: -scores[p])
    assert ranking[1:3] == ["RD-I.1", "RD-I.5"]


def test_katowice_2024_special_mark_is_a_project_below_the_threshold():
    election = read(DATA / "Poland_Katowice_2024_Bogucice.pb")
    assert election.selection_marks()["L13/11/XI"] == 2
    assert project_scores(election)["L13/11/XI"] < election.meta_amount("min_project_score_threshold")
    assert "L13/11/XI" not in tally(election).selected


def test_big_elections_are_counted_quickly_and_as_published():
    for stem in BIG:
        election = read(DATA / f"{stem}.pb")
        result = tally(election)
        assert result.rule == "greedy-threshold"
        assert set(result.selected) == set(election.official_selection())
        assert result.spent <= election.budget


@pytest.mark.parametrize("path", files_with_rule("unknown"), ids=ids)
def test_unknown_rules_are_refused_and_greedy_matches_pabutools(path):
    election = read(path)
    with pytest.raises(TallyError, match="rule 'unknown'"):
        tally(election)
    ballots = {"cumulative": "cumulative", "ordinal": "ordinal"}.get(election.vote_type, "approval")
    assert tally(election, "greedy").selected == reference.greedy(election, ballots)


# -- Equal Shares on real data against pabutools -------------------------------------------------

QUICK_MES = [DATA / f"{name}.pb" for name in (
    "Poland_Gdynia_2024_Chylonia__large", "Poland_Katowice_2023_Zarzecze",
    "Poland_Warszawa_2019_Brodno-Podgrodzie", "US_Stanford_Dataset_PB_Oakland_2017_District_2_vote_approvals",
    "Switzerland_Zurich_S5D10",
)]


@pytest.mark.parametrize("path", QUICK_MES, ids=ids)
@pytest.mark.parametrize("sat", ["cost", "cardinality"])
def test_equal_shares_matches_pabutools_on_real_elections(path, sat):
    election = read(path)
    assert tally(election, "mes", sat=sat).selected == reference.equal_shares(election, sat)


@pytest.mark.parametrize("path", QUICK_MES[:3], ids=ids)
def test_files_naming_equal_shares_are_counted_as_pabutools_does(path):
    original = read(path)
    election = Election({**original.meta, "rule": "equalshares"}, original.projects, original.ballots)
    result = tally(election)
    assert (result.rule, result.completion) == ("mes", "none")
    assert result.selected == reference.equal_shares(election, "cost")


def test_files_naming_equal_shares_with_add1_are_counted_as_pabutools_does():
    election = Election(
        {"budget": "100", "vote_type": "approval", "rule": "equalshares/add1"},
        {p: Project(p, cost) for p, cost in {"a": 40, "b": 25, "c": 20, "d": 25}.items()},
        [Ballot(str(i), tuple(v.split(","))) for i, v in enumerate(["b", "a,c", "b", "d", "b"])],
    )
    result = tally(election)
    assert (result.rule, result.completion, result.selected) == ("mes", "add1-exhaustive", ["b", "a", "d"])
    assert result.selected == reference.equal_shares(election, "cost", "add1-exhaustive")
    assert tally(election, completion="add1").selected == reference.equal_shares(election, "cost", "add1")


WIELICZKA = DATA / "poland_wieliczka_2023_green-budget.pb"
SWIECIE = DATA / "poland_swiecie_2023_.pb"


def test_wieliczka_2023_equal_shares_outcome_is_reproduced():
    election = read(WIELICZKA)
    assert (election.rule, len(election.official_selection())) == ("equalshares/add1", 30)
    result = tally(election)
    assert (result.rule, result.completion) == ("mes", "add1-exhaustive")
    assert set(result.selected) == set(election.official_selection())
    # Stopping at the first exhaustive outcome (pabutools' voter_budget_increment) differs.
    assert set(tally(election, completion="add1").selected) != set(election.official_selection())


def test_wieliczka_2023_as_pabulib_now_names_its_rule_is_reproduced():
    # pabulib relabelled Wieliczka's rule "equalshares/add1-comparison": Equal Shares with the
    # add1 completion, then compared with the greedy outcome; Equal Shares was kept.
    text = WIELICZKA.read_text(encoding="utf-8").replace("rule;equalshares/add1", "rule;equalshares/add1-comparison")
    election = loads(text)
    assert election.rule == "equalshares/add1-comparison"
    result = tally(election)
    assert (result.rule, result.completion, result.comparison) == ("mes", "add1-exhaustive", "equal-shares")
    assert set(result.selected) == set(election.official_selection())
    assert result.as_dict()["comparison"] == "equal-shares"


def comparison_example(rule: str = "equalshares-comparison") -> Election:
    # Three voters want a and c, two want b. Equal Shares funds a and b (one project for each
    # group), greedy funds a and c: three voters prefer greedy, two Equal Shares.
    return Election(
        {"budget": "10", "vote_type": "approval", "rule": rule},
        {"a": Project("a", 6), "b": Project("b", 4), "c": Project("c", 4)},
        [Ballot(str(i), tuple(v.split(","))) for i, v in enumerate(["a,c", "a,c", "a,c", "b", "b"])],
    )


def test_the_comparison_step_keeps_the_greedy_outcome_when_more_voters_prefer_it():
    from pabutools.election import Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        popularity_comparison,
    )

    election = comparison_example()
    assert tally(election, "mes").selected == ["a", "b"]
    result = tally(election)
    assert (result.selected, result.comparison) == (["a", "c"], "greedy")
    assert tally(election, compare_with_greedy=False).selected == ["a", "b"]
    assert tally(election, "mes", compare_with_greedy=True).selected == ["a", "c"]
    instance, profile = reference.convert(election)
    (preferred,) = popularity_comparison(
        instance, profile, Cardinality_Sat, [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat}, {"sat_class": Cost_Sat}],
    )
    assert sorted(p.name for p in preferred) == sorted(result.selected)
    with pytest.raises(TallyError, match="only applies to rule 'mes'"):
        tally(election, "greedy", compare_with_greedy=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", [WIELICZKA, SWIECIE], ids=ids)
def test_files_counted_with_equal_shares_match_pabutools(path):
    election = read(path)
    assert election.rule == "equalshares/add1"
    assert tally(election).selected == reference.equal_shares(election, "cost", "add1-exhaustive")
    assert tally(election, completion="add1").selected == reference.equal_shares(election, "cost", "add1")


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FILES if p.stem not in BIG], ids=ids)
def test_equal_shares_matches_pabutools_on_every_small_file(path):
    election = read(path)
    sats = ["cost", "cardinality"] + (["points"] if election.vote_type == "cumulative" else [])
    for sat in sats:
        assert tally(election, "mes", sat=sat).selected == reference.equal_shares(election, sat), sat
    assert tally(election, "mes", then_greedy=True).selected == reference.equal_shares(election, then_greedy=True)


# Files on which pabutools runs its completions in seconds rather than minutes.
COMPLETION_FILES = [DATA / f"{name}.pb" for name in (
    "Poland_Gdynia_2023_Pogorze__large", "Poland_Gdynia_2024_Redlowo__large",
    "Poland_Gdynia_2025_Srodmiescie__small", "Poland_Gdansk_2020_Zaspa_Mlyniec",
)]


@pytest.mark.slow
@pytest.mark.parametrize("path", COMPLETION_FILES, ids=ids)
@pytest.mark.parametrize("completion", ["add1", "add1-exhaustive"])
def test_equal_shares_completions_match_pabutools_on_real_files(path, completion):
    election = read(path)
    sats = ["cost", "cardinality"] + (["points"] if election.vote_type == "cumulative" else [])
    for sat in sats:
        ours = tally(election, "mes", sat=sat, completion=completion).selected
        assert ours == reference.equal_shares(election, sat, completion), sat


@pytest.mark.slow
@pytest.mark.parametrize("stem", BIG)
@pytest.mark.parametrize("sat", ["cost", "cardinality"])
def test_equal_shares_matches_pabutools_on_the_big_elections(stem, sat):
    election = read(DATA / f"{stem}.pb")
    assert tally(election, "mes", sat=sat).selected == reference.equal_shares(election, sat)


# -- greedy rules on small examples -------------------------------------------------------------


def election(costs: dict[str, int], votes: list[str], budget, **meta) -> Election:
    """An approval election; each vote is a comma-separated list of project ids."""
    return Election(
        {"budget": str(budget), "vote_type": "approval", **meta},
        {p: Project(p, cost) for p, cost in costs.items()},
        [Ballot(str(i), tuple(v.split(",")) if v else ()) for i, v in enumerate(votes)],
    )


def test_greedy_skips_what_does_not_fit_and_breaks_ties_by_id_as_strings():
    e = election({"9": 40, "10": 40, "11": 30}, ["9,10", "10,9", "11"], 75)
    assert tally(e, "greedy").selected == ["10", "11"]  # "10" < "9" as text
    assert tally(e, "greedy", tie_breaking="cost").selected == ["10", "11"]
    cheaper = election({"9": 30, "10": 40, "11": 30}, ["9,10", "10,9", "11"], 75)
    assert tally(cheaper, "greedy", tie_breaking="cost").selected == ["9", "10"]


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    e = election({"a": 50, "b": 60, "c": 10}, ["a,b,c", "a,b", "a"], 100)
    assert tally(e, "greedy").selected == ["a", "c"]
    assert tally(e, "greedy-no-skip").selected == ["a"]


def test_a_project_costing_more_than_the_budget_does_not_stop_a_no_skip_count():
    # Wrocław marks withdrawn projects with an artificial cost of 999999999.
    e = election({"gone": 999999999, "a": 60, "b": 50}, ["gone,a", "gone,a", "gone,b"], 100)
    assert tally(e, "greedy-no-skip").selected == ["a"]


def test_threshold_comes_from_meta_and_can_be_overridden():
    e = election({"a": 10, "b": 10}, ["a,b", "a", "a"], 100, min_project_score_threshold="2")
    assert tally(e, "greedy-threshold").selected == ["a"]
    assert tally(e, "greedy").selected == ["a"]
    assert tally(e, "greedy", threshold=0).selected == ["a", "b"]
    with pytest.raises(TallyError, match="needs META min_project_score_threshold"):
        tally(election({"a": 1}, ["a"], 5), "greedy-threshold")


def test_exclusive_projects_are_never_funded_together():
    e = election({"a": 10, "b": 10, "c": 10, "d": 10}, ["a,b,c", "a,b,c", "a,b", "d"], 100)
    assert tally(e, "greedy-exclusive").selected == ["a", "b", "c", "d"]
    assert tally(e, "greedy-exclusive", exclusive=[["a", "b"]]).selected == ["a", "c", "d"]
    assert tally(e, "greedy-exclusive", exclusive=[["a", "b"], ["c", "d"]]).selected == ["a", "c"]
    with pytest.raises(TallyError, match="unknown project 'z'"):
        tally(e, "greedy-exclusive", exclusive=[["a", "z"]])
    with pytest.raises(TallyError, match="only apply to rule 'greedy-exclusive'"):
        tally(e, "greedy", exclusive=[["a", "b"]])


def test_reserve_rule_funds_the_stopping_project_when_80_percent_is_left():
    e = election({"a": 60, "b": 50, "c": 10}, ["a,b,c", "a,b", "a"], 100)
    assert tally(e, "greedy-reserve").selected == ["a", "b"]  # 40 left >= 80% of 50
    assert tally(e, "greedy-reserve", reserve_ratio=Fraction(9, 10)).selected == ["a"]


def test_rule_names_of_pabulib_map_to_engine_rules():
    meta = {"budget": "1", "unit": "Kraków"}
    cases = {
        "greedy": ("greedy", "none"), "greedy-exclusive": ("greedy-exclusive", "none"),
        "equalshares": ("mes", "none"), "equalshares/add1": ("mes", "add1-exhaustive"),
        "equalshares-comparison": ("mes", "none"), "equalshares/add1-comparison": ("mes", "add1-exhaustive"),
    }
    for name, expected in cases.items():
        assert rule_from_meta(Election({**meta, "rule": name}, {}, [])) == expected
    for name in ("unknown", "greedy-custom", "equalshares/add2-comparison", ""):
        with pytest.raises(TallyError):
            rule_from_meta(Election({**meta, "rule": name}, {}, []))


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"rule": "lottery"}, "unknown rule 'lottery'"),
        ({"rule": "mes", "sat": "joy"}, "unknown satisfaction 'joy'"),
        ({"rule": "mes", "completion": "add2"}, "unknown completion 'add2'"),
        ({"rule": "greedy", "tie_breaking": "coin"}, "unknown tie-breaking 'coin'"),
    ],
)
def test_bad_options_are_refused(options, words):
    with pytest.raises(TallyError, match=words):
        tally(election({"a": 1}, ["a"], 5), **options)


def test_result_reports_exact_spending_as_json_ready_data():
    e = Election(
        {"budget": "10.5", "vote_type": "approval"},
        {"a": Project("a", Fraction(21, 4)), "b": Project("b", Fraction(5, 4))},
        [Ballot("1", ("a", "b"))],
    )
    greedy = tally(e, "greedy")
    assert greedy.spent == Fraction(13, 2)
    assert greedy.as_dict() == {"selected": ["a", "b"], "spent": "6.5", "rule": "greedy"}
    mes = tally(e, "mes", completion="add1", then_greedy=True).as_dict()
    assert mes["sat"] == "cost" and mes["completion"] == "add1" and mes["then_greedy"] is True


# -- Equal Shares on small examples -------------------------------------------------------------


def test_equal_shares_ties_follow_the_tie_breaking_order():
    # With cardinality satisfaction both cost 2 per supporter: an exact tie.
    e = election({"a": 6, "b": 2}, ["a,b", "a", "a"], 10)
    assert tally(e, "mes", sat="cardinality").selected == ["a"]
    assert tally(e, "mes", sat="cardinality", tie_breaking="cost").selected == ["b", "a"]
    for tie_breaking in ("id", "cost"):
        assert tally(e, "mes", sat="cardinality", tie_breaking=tie_breaking).selected == (
            reference.equal_shares(e, "cardinality", tie_breaking=tie_breaking)
        )


def test_equal_shares_separates_prices_closer_than_floating_point_can():
    # 10**18 / 3 and (10**18 + 1) / 3 are the same double; the cheaper one must still win.
    e = election({"a": 10**18 + 1, "b": 10**18}, ["a,b", "a,b", "a,b"], 2 * 10**18)
    assert float(Fraction(10**18, 3)) == float(Fraction(10**18 + 1, 3))
    assert tally(e, "mes", sat="cardinality").selected == ["b"]
    assert reference.equal_shares(e, "cardinality") == ["b"]


def test_equal_shares_funds_free_projects_first_only_if_they_satisfy_someone():
    e = election({"free": 0, "a": 6, "unloved": 0}, ["free,a", "a", "a"], 9)
    assert tally(e, "mes", sat="cardinality").selected == ["free", "a"]
    # With cost satisfaction a free project satisfies nobody: Equal Shares never funds it.
    assert tally(e, "mes", sat="cost").selected == ["a"]
    assert tally(e, "mes", sat="cost", then_greedy=True).selected == ["a", "free", "unloved"]


def test_equal_shares_without_voters_funds_nothing():
    assert tally(election({"a": 1}, [], 10), "mes").selected == []


def test_completions_spend_more_of_the_budget():
    e = election({"a": 40, "b": 25, "c": 20, "d": 25}, ["b", "a,c", "b", "d", "b"], 100)
    plain = tally(e, "mes")
    add1 = tally(e, "mes", completion="add1")
    exhaustive = tally(e, "mes", completion="add1-exhaustive")
    # add1 stops at the first exhaustive outcome; add1-exhaustive goes on raising budgets.
    assert (plain.selected, plain.spent) == (["b", "c"], 45)
    assert (add1.selected, add1.spent) == (["b", "c", "d"], 70)
    assert (exhaustive.selected, exhaustive.spent) == (["b", "a", "d"], 90)
    for result in (plain, add1, exhaustive):
        assert result.selected == reference.equal_shares(e, "cost", result.completion)


# -- Equal Shares: exact prices rebuilt from the drained voters ---------------------------------


def test_equal_shares_with_repeated_ballots_and_drained_voters_matches_pabutools():
    # Groups of several identical ballots, drained after paying in full for earlier winners:
    # the exact price of a round, rebuilt from what the drained had already paid, must give
    # pabutools' outcome, with and without completions.
    votes = ["a,b,c"] * 3 + ["a,c"] * 2 + ["b,c"] * 4 + ["c"] + ["a,b"] * 2 + ["d,c"] * 3
    e = election({"a": 31, "b": 47, "c": 59, "d": 13}, votes, 120)
    for completion in ("none", "add1", "add1-exhaustive"):
        for sat in ("cost", "cardinality"):
            assert tally(e, "mes", sat=sat, completion=completion).selected == reference.equal_shares(
                e, sat, completion
            ), (sat, completion)


@pytest.mark.parametrize("sat", ["cost", "cardinality"])
def test_equal_shares_with_more_rounds_than_one_word_of_payment_bits(sat):
    # Who paid in which round is kept 64 rounds to a word: 150 funded projects need three
    # words. Voters are drained late (each supports many projects of different costs), and
    # projects come in twins (same cost, same supporters) whose exact tie every round sends
    # the engine to exact budgets, rebuilt from payments recorded in the second and third words.
    import random

    chance = random.Random(20261202)
    costs = {f"p{n:03}": chance.choice([3, 4, 5, 7, 10]) for n in range(80)}
    projects = {f"{base}{twin}": Project(f"{base}{twin}", cost) for base, cost in costs.items() for twin in "ab"}
    ballots = [
        Ballot(str(voter), tuple(f"{base}{twin}" for base in chance.sample(list(costs), 30) for twin in "ab"))
        for voter in range(40)
    ]
    election = Election({"budget": "900", "vote_type": "approval"}, projects, ballots)
    ours = tally(election, "mes", sat=sat).selected
    assert len(ours) > 128
    assert ours == reference.equal_shares(election, sat)
