"""``parvis pb tally``: funded projects on stdout, one clean error line for bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plugins.participatory_budget.tally import load, tally

DATA = Path(__file__).parent / "data" / "pabulib"
CHYLONIA = DATA / "Poland_Gdynia_2024_Chylonia__large.pb"
ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> str:
    out = StringIO()
    call_command("pb", "tally", *args, stdout=out)
    return out.getvalue()


def test_prints_the_projects_funded_by_the_files_rule_one_per_line():
    assert run(str(CHYLONIA)).splitlines() == load(CHYLONIA).official_selection()


def test_json_output_has_selected_spent_and_rule():
    data = json.loads(run(str(DATA / "Poland_Krakow_2024_Bienczyce.pb"), "--json"))
    election = load(DATA / "Poland_Krakow_2024_Bienczyce.pb")
    assert set(data["selected"]) == set(election.official_selection())
    assert data["spent"] == sum(election.projects[p].cost for p in data["selected"])
    assert data["rule"] == "greedy"


def test_equal_shares_options_are_passed_to_the_engine():
    args = ["--rule", "mes", "--sat", "cardinality", "--completion", "add1", "--then-greedy", "--json"]
    data = json.loads(run(str(CHYLONIA), *args))
    expected = tally(load(CHYLONIA), "mes", sat="cardinality", completion="add1", then_greedy=True)
    assert data == expected.as_dict()
    assert (data["sat"], data["completion"], data["then_greedy"]) == ("cardinality", "add1", True)


def test_exclusive_groups_and_threshold_options():
    path = DATA / "Poland_Warszawa_2019_Brodno-Podgrodzie.pb"
    everything = run(str(path), "--rule", "greedy-exclusive").splitlines()
    first, second = everything[:2]
    exclusive = run(str(path), "--rule", "greedy-exclusive", "--exclusive", f"{first},{second}").splitlines()
    assert first in exclusive and second not in exclusive
    assert run(str(path), "--rule", "greedy", "--threshold", "100000").splitlines() == []


def test_a_malformed_file_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;ten\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.pb:6: cost 'ten' of project 'a' is not a number"):
        run(str(bad))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("budget;1/0", "bad.pb:3: budget '1/0' is not a number (division by zero)"),
        ("budget;-7/0", "bad.pb:3: budget '-7/0' is not a number (division by zero)"),
        ("budget;1e999999999", "bad.pb:3: budget '1e999999999' is not a number (exponent beyond 60)"),
    ],
)
def test_a_malformed_number_is_reported_with_its_line(tmp_path, line, message):
    bad = tmp_path / "bad.pb"
    bad.write_text(f"META\nkey;value\n{line}\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n")
    with pytest.raises(CommandError) as caught:
        run(str(bad))
    assert str(caught.value) == str(tmp_path / message)


def test_missing_files_and_unknown_rules_are_reported(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.pb: No such file"):
        run(str(tmp_path / "nowhere.pb"))
    with pytest.raises(CommandError, match=r"Zurich_D10\.pb: the file's rule 'unknown'"):
        run(str(DATA / "Switzerland_Zurich_D10.pb"))


def test_the_command_line_prints_one_error_line_and_fails(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;-5\nPROJECTS\n", encoding="utf-8")
    env = {**os.environ, "PARVIS_MODE": "demo", "PARVIS_DATA_DIR": str(tmp_path / "data")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "pb", "tally", str(bad)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"parvis: error: {bad}:3: budget -5 is negative"]


@pytest.mark.parametrize(
    "args",
    [
        [str(CHYLONIA)],
        [str(DATA / "Poland_Warszawa_2019_Brodno-Podgrodzie.pb"), "--json"],
        [str(CHYLONIA), "--rule", "mes", "--completion", "add1", "--json"],
        [str(DATA / "Poland_Warszawa_2019_Brodno-Podgrodzie.pb"), "--rule", "greedy", "--threshold", "100000"],
    ],
)
def test_the_parvis_script_prints_what_the_django_command_prints(args):
    # `parvis pb tally` counts without Django; `manage.py pb tally` (call_command) with it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", "pb", "tally", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == run(*args)


def test_the_comparison_with_greedy_is_an_option_and_shown_in_json(tmp_path):
    path = tmp_path / "compare.pb"
    path.write_text(
        "META\nkey;value\nbudget;10\nrule;equalshares\nPROJECTS\nproject_id;cost\na;6\nb;4\nc;4\n"
        "VOTES\nvoter_id;vote\n1;a,c\n2;a,c\n3;a,c\n4;b\n5;b\n", encoding="utf-8",
    )
    assert run(str(path)).splitlines() == ["a", "b"]
    data = json.loads(run(str(path), "--compare-greedy", "--json"))
    assert (data["selected"], data["comparison"]) == (["a", "c"], "greedy")
    assert "comparison" not in json.loads(run(str(path), "--json"))
