"""Reading and writing pabulib files: real data, malformed input, round trips, no Django."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from plugins.participatory_budget.tally import (
    Ballot,
    Election,
    PabulibError,
    Project,
    approval_counts,
    dump,
    dumps,
    load,
    load_meta,
    loads,
    project_scores,
)

DATA = Path(__file__).parent / "data" / "pabulib"
FILES = sorted(DATA.glob("*.pb"))
SMALL_FILES = [path for path in FILES if path.stat().st_size < 1_000_000]


@cache
def read(path: Path) -> Election:
    """Each file is parsed once per test session; tests must not modify the election."""
    return load(path)

VALID = """META
key;value
description;A test
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;votes
a;60;Alpha;2
b;50;Beta;2
VOTES
voter_id;vote;age
1;a,b;30
2;a;41
3;b;
"""


def test_every_file_is_read_with_the_counts_its_meta_announces():
    assert len(FILES) == 56
    for path in FILES:
        election = read(path)
        assert len(election.projects) == int(election.meta["num_projects"]), path.name
        assert len(election.ballots) == int(election.meta["num_votes"]), path.name


# One ballot of this file names project 468 twice; an approval counts once, the file's
# `votes` column counted it twice.
REPEATED_APPROVALS = {("Poland_Warszawa_2026_Szczesliwice", "468"): 1}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem[:50])
def test_votes_and_scores_recomputed_from_ballots_match_the_projects_section(path):
    election = read(path)
    votes = approval_counts(election)
    scores = project_scores(election)
    for project in election.projects.values():
        if "votes" in project.extra:
            repeated = REPEATED_APPROVALS.get((path.stem, project.id), 0)
            assert votes[project.id] + repeated == int(project.extra["votes"]), project.id
        if "score" in project.extra:
            assert scores[project.id] == int(project.extra["score"]), project.id


def test_a_valid_file_is_read_into_the_data_model():
    election = loads(VALID)
    assert election.budget == 100
    assert election.vote_type == "approval"
    assert election.rule == "greedy"
    assert election.projects["a"] == Project("a", 60, "Alpha", {"votes": "2"})
    assert election.ballots[0] == Ballot("1", ("a", "b"), None, {"age": "30"})
    assert election.ballots[2].extra == {"age": ""}
    assert election.project_columns == ("project_id", "cost", "name", "votes")
    assert election.ballot_columns == ("voter_id", "vote", "age")
    assert election.official_selection() is None


def test_meta_alone_can_be_read_without_the_ballots():
    meta = load_meta(DATA / "Poland_Lodz_2022.pb")
    assert meta == read(DATA / "Poland_Lodz_2022.pb").meta
    assert meta["rule"] == "greedy-threshold"


def test_amounts_stay_exact():
    election = load(DATA / "Poland_Krakow_2024_Bienczyce.pb")
    assert election.budget == Fraction(165669967, 100)
    cumulative = load(DATA / "Poland_Czestochowa_2024_Dzbow.pb")
    assert cumulative.vote_type == "cumulative"
    assert all(isinstance(points, int) for b in cumulative.ballots for points in b.points)


def test_official_selection_reads_the_selected_column_and_its_special_marks():
    election = load(DATA / "Poland_Poznan_2023_11_-_Fabianowo-Kotowo_Gorczyn_Junikowo_Kwiatowe_Lawica.pb")
    assert election.selection_marks()["XI.4"] == 2
    assert sorted(election.official_selection()) == ["XI.1", "XI.2"]
    assert sorted(election.official_selection(include_special=True)) == ["XI.1", "XI.2", "XI.4"]


def test_a_project_repeated_in_an_approval_vote_counts_once():
    election = load(DATA / "Poland_Warszawa_2026_Szczesliwice.pb")
    ballot = next(b for b in election.ballots if b.voter_id == "248685")
    assert ballot.vote == ("468", "388", "432", "92")


def test_quoted_fields_with_separators_are_read():
    text = VALID.replace("a;60;Alpha;2", 'a;60;"Alpha; ""the first""\nof two";2')
    assert loads(text).projects["a"].name == 'Alpha; "the first"\nof two'


MALFORMED = [
    # (what, replace this, by that, line in the message, words in the message)
    ("no META title", "META\n", "", 1, "expected section META"),
    ("bad META header", "key;value", "name;value", 2, "META header"),
    ("META row width", "description;A test", "description;A;test", 3, "META row"),
    ("repeated META key", "rule;greedy", "rule;greedy\nbudget;5", 7, "repeated"),
    ("no budget", "budget;100\n", "", 6, "no 'budget'"),
    ("non-numeric budget", "budget;100", "budget;lots", 4, "budget 'lots' is not a number"),
    ("negative budget", "budget;100", "budget;-100", 4, "budget -100 is negative"),
    ("budget divided by zero", "budget;100", "budget;1/0", 4, "budget '1/0' is not a number (division by zero)"),
    ("budget of a huge power", "budget;100", "budget;1e999999999", 4, "exponent beyond 60"),
    ("budget too large", "budget;100", "budget;1" + "0" * 30, 4, "too large (the limit is 10^30)"),
    ("budget in other digits", "budget;100", "budget;١٠٠", 4, "budget '١٠٠' is not a number"),
    ("non-numeric threshold", "rule;greedy", "rule;greedy\nmin_project_score_threshold;some", 7,
     "min_project_score_threshold 'some' is not a number"),
    ("unknown vote type", "vote_type;approval", "vote_type;secret", 5, "unknown vote_type"),
    ("sections out of order", "PROJECTS\n", "VOTES\n", 7, "expected section PROJECTS, found section VOTES"),
    ("no cost column", "project_id;cost;name;votes", "project_id;price;name;votes", 8, "no 'cost' column"),
    ("wrong column count", "b;50;Beta;2", "b;50;Beta", 10, "3 columns, the header has 4"),
    ("non-numeric cost", "b;50;Beta;2", "b;fifty;Beta;2", 10, "cost 'fifty' of project 'b' is not a number"),
    ("negative cost", "b;50;Beta;2", "b;-50;Beta;2", 10, "is negative"),
    ("cost divided by zero", "b;50;Beta;2", "b;5/0;Beta;2", 10, "cost '5/0' of project 'b' is not a number (division"),
    ("duplicate project id", "b;50;Beta;2", "a;50;Beta;2", 10, "duplicate project id 'a' (first on line 9)"),
    ("empty project id", "b;50;Beta;2", ";50;Beta;2", 10, "empty project_id"),
    ("no vote column", "voter_id;vote;age", "voter_id;ballot;age", 12, "no 'vote' column"),
    ("unknown project in a vote", "2;a;41", "2;a,z;41", 14, "vote for unknown project 'z'"),
    ("duplicate voter id", "3;b;", "1;b;", 15, "duplicate voter id '1' (first on line 13)"),
    ("vote row width", "3;b;", "3;b", 15, "2 columns, the header has 3"),
    ("no VOTES section", "VOTES\nvoter_id;vote;age\n1;a,b;30\n2;a;41\n3;b;\n", "", 11, "missing section VOTES"),
]


@pytest.mark.parametrize(("what", "old", "new", "line", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_names_the_line_and_the_problem(what, old, new, line, words):
    assert old in VALID
    with pytest.raises(PabulibError) as caught:
        loads(VALID.replace(old, new, 1), source="ballots.pb")
    assert caught.value.line == line
    assert words in caught.value.reason
    assert str(caught.value) == f"ballots.pb:{line}: {caught.value.reason}"


CUMULATIVE = """META
key;value
budget;10
vote_type;cumulative
PROJECTS
project_id;cost
a;5
b;6
VOTES
voter_id;vote;points
1;a,b;2,1
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("voter_id;vote;points", "voter_id;vote", 10, "no 'points' column for cumulative"),
        ("1;a,b;2,1", "1;a,b;2", 11, "1 points for 2 voted projects"),
        ("1;a,b;2,1", "1;a,b;2,x", 11, "points 'x' is not a number"),
        ("1;a,b;2,1", "1;a,b;2,1/0", 11, "points '1/0' is not a number (division by zero)"),
        ("1;a,b;2,1", "1;a,b;2,-1", 11, "negative points"),
        ("1;a,b;2,1", "1;a,a;2,1", 11, "'a' appears twice"),
    ],
)
def test_malformed_points_name_the_line(old, new, line, words):
    with pytest.raises(PabulibError) as caught:
        loads(CUMULATIVE.replace(old, new))
    assert (caught.value.line, words in caught.value.reason) == (line, True), caught.value


def test_text_that_is_not_utf8_is_reported_at_its_line(tmp_path):
    path = tmp_path / "latin1.pb"
    path.write_bytes(VALID.replace("Beta", "B\xe9ta").encode("latin-1"))
    with pytest.raises(PabulibError, match=r"latin1\.pb:10: not UTF-8 text"):
        load(path)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.pb"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert load(path) == loads(VALID)


def test_load_names_the_file_in_errors(tmp_path):
    path = tmp_path / "broken.pb"
    path.write_text(VALID.replace("b;50;Beta;2", "b;?;Beta;2"), encoding="utf-8")
    with pytest.raises(PabulibError, match=r"broken\.pb:10: cost '\?'"):
        load(path)


@pytest.mark.parametrize("path", SMALL_FILES, ids=lambda path: path.stem[:50])
def test_writing_then_reading_gives_back_the_same_election(path):
    election = read(path)
    assert loads(dumps(election)) == election


def test_a_large_file_round_trips_through_disk(tmp_path):
    election = read(DATA / "Poland_Lodz_2022.pb")
    dump(election, tmp_path / "copy.pb")
    assert load(tmp_path / "copy.pb") == election


def test_round_trip_keeps_exact_fractions_quotes_and_points():
    election = Election(
        meta={"budget": "1656699.67", "vote_type": "cumulative", "comment": 'a;b "c"'},
        projects={
            "x;1": Project("x;1", Fraction(1, 3), 'Name with ; and "quotes"', {"category": "a,b"}),
            "y": Project("y", Fraction(1234567, 100), "", {"category": ""}),
        },
        ballots=[
            Ballot("v1", ("x;1", "y"), (Fraction(5, 2), 3), {"sex": "F"}),
            Ballot("v2", (), (), {"sex": ""}),
        ],
        project_columns=("project_id", "cost", "name", "category"),
        ballot_columns=("voter_id", "vote", "points", "sex"),
    )
    text = dumps(election)
    assert "12345.67" in text
    assert loads(text) == election


def test_the_tally_package_imports_nothing_from_django():
    code = (
        "import sys, plugins.participatory_budget.tally as t; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_large_file_is_read_in_blocks_with_the_right_line_numbers(tmp_path):
    # Over 1 MB: the reader goes through it a block of lines at a time, never whole.
    note = "é" * 150
    rows = "".join(f"{number};a;{note}\r\n" for number in range(1, 5001))
    text = f"META\r\nkey;value\r\nbudget;100\r\nPROJECTS\r\nproject_id;cost\r\na;60\r\nVOTES\r\nvoter_id;vote;note\r\n{rows}"
    path = tmp_path / "large.pb"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert path.stat().st_size > 1.4 * 2**20
    assert load(path) == loads(text)
    data = bytearray(path.read_bytes())
    at = data.index(b"4321;a;") + 10
    data[at] = 0xFF  # inside the second byte of an "é", on line 8 + 4321
    path.write_bytes(bytes(data))
    with pytest.raises(PabulibError, match=r"large\.pb:4329: not UTF-8 text"):
        load(path)
