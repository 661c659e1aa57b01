"""Mutated real ``.pb`` files: the reader and the tally succeed or fail with their own errors.

Each example takes a real pabulib file (cut to its first ballots, so that a count is quick),
mutates it (lines deleted, repeated or swapped; fields replaced by hostile numbers such as
``1/0``, ``-5``, ``1e999999999``; bytes that are not UTF-8; emptied sections; a cut at any
byte...), then reads and counts it. The reader must either return an election or raise
:class:`PabulibError` naming a line of the file; a count must either return a result or raise
:class:`TallyError`. Any other exception (``ZeroDivisionError``, ``OverflowError``, a bare
``ValueError``...) is a defect: ``parvis pb tally`` would print a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from plugins.participatory_budget.tally import PabulibError, TallyError, load, tally

DATA = Path(__file__).parent / "data" / "pabulib"
SEEDS = {
    "approval": "Poland_Warszawa_2026_Stare_Bielany.pb",
    "no-skip": "Poland_Gdynia_2024_Redlowo__large.pb",
    "equal shares": "poland_swiecie_2023_.pb",
    "choose-1": "Poland_Zabrze_2021_Mikulczyce.pb",
    "cumulative": "Poland_Katowice_2023_Zarzecze.pb",
    "ordinal": "Poland_Krakow_2019_Bienczyce.pb",
    "reserve": "Poland_Poznan_2024_10_-_Swierczewo_Wilda_Zielony_Debiec__small.pb",
}
BALLOTS_KEPT = 40


def _seed(name: str) -> bytes:
    """The file cut after its first ballots: every section stays, counts stay quick."""
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    votes = next(i for i, line in enumerate(lines) if line.strip() == b"VOTES")
    return b"".join(lines[: votes + 2 + BALLOTS_KEPT])


SEED_TEXT = {name: _seed(name) for name in SEEDS.values()}

HOSTILE_NUMBERS = [
    "0", "-0", "-1", "-250000", "1/0", "0/0", "-3/0", "5/-0", "1/-2", "7/3", "0.0000001",
    "1e999999999", "-1e999999999", "1e-999999999", "9" * 5000, "1" + "0" * 40, "1.5.5", "1,5",
    "12,345.6", "nan", "inf", "-inf", "½", "٣", "1_000", " ", "", "abc", "1e3", "0x10", "+7",
]
SECTIONS = (b"META", b"PROJECTS", b"VOTES")


def _replace_field(lines: list[bytes], at: int, field: int, value: bytes) -> list[bytes]:
    line = lines[at].rstrip(b"\r\n")
    cells = line.split(b";")
    cells[field % len(cells)] = value
    lines[at] = b";".join(cells) + b"\n"
    return lines


@st.composite
def mutated_files(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEED_TEXT)))
    data = SEED_TEXT[name]
    for _ in range(draw(st.integers(1, 3))):
        lines = data.splitlines(keepends=True)
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(
            ["delete", "duplicate", "swap", "number", "vote", "text", "bytes", "empty section", "cut"]
        ))
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "number":
            value = draw(st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers().map(str)))
            lines = _replace_field(lines, at, draw(st.integers(0, 5)), value.encode())
        elif kind == "vote":
            ids = draw(st.lists(st.sampled_from(["1", "2", "nope", "", " 1", "1 "]), max_size=4))
            lines = _replace_field(lines, at, 1, ",".join(ids).encode())
        elif kind == "text":
            value = draw(st.text(st.characters(codec="utf-8"), max_size=12))
            lines = _replace_field(lines, at, draw(st.integers(0, 5)), value.encode())
        elif kind == "bytes":
            junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\x00", b"\xef\xbb\xbf", b'"', b";"]))
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + junk + line[cut:]
        elif kind == "empty section":
            section = draw(st.sampled_from(SECTIONS))
            start = next((i for i, line in enumerate(lines) if line.strip() == section), None)
            if start is not None:
                end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in SECTIONS), len(lines))
                keep_header = draw(st.booleans())
                del lines[start + 1 + keep_header : end]
        data = b"".join(lines)
        if kind == "cut":
            data = data[: draw(st.integers(0, len(data)))]
    return name, data


def check_read_and_count(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as stream:
            stream.write(data)
        try:
            election = load(path)
        except PabulibError as error:
            assert error.line >= 1, error
            assert str(error).startswith(f"{path}:{error.line}: "), error
            return
    # Completions are left out: on a file cut to a few ballots they take seconds (thousands of
    # raises of a few voters' shares), and they read no number that plain Equal Shares does not.
    counts = [(None, {"completion": "none"}), ("greedy", {}), ("mes", {}), ("mes", {"sat": "cardinality"})]
    for rule, options in counts:
        try:
            result = tally(election, rule, **options)
        except TallyError:
            continue
        assert set(result.selected) <= set(election.projects)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_files())
@example(("zero.pb", b"META\nkey;value\nbudget;1/0\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n"))
@example(("cost.pb", b"META\nkey;value\nbudget;9\nPROJECTS\nproject_id;cost\na;5/0\nVOTES\nvoter_id;vote\n1;a\n"))
@example(("huge.pb", b"META\nkey;value\nbudget;1e999999999\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n"))
@example(("overflow.pb", b"META\nkey;value\nbudget;1" + b"0" * 400 + b"\nPROJECTS\nproject_id;cost\na;1" + b"0" * 399
          + b"\nVOTES\nvoter_id;vote\n1;a\n"))
@example(("threshold.pb", b"META\nkey;value\nbudget;9\nmin_project_score_threshold;lots\nPROJECTS\n"
          b"project_id;cost\na;5\nVOTES\nvoter_id;vote\n1;a\n"))
def test_a_mutated_file_is_read_and_counted_or_refused_with_a_line(case):
    check_read_and_count(*case)
