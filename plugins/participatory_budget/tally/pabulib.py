"""Reading and writing elections in the pabulib ``.pb`` format.

A ``.pb`` file has three sections, ``META``, ``PROJECTS`` and ``VOTES``, each a title line, a
header line and ``;``-separated rows, quoted like CSV. The reader goes through the file once,
row by row, and stops at the first problem with a :class:`PabulibError` naming the line.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from .election import VOTE_TYPES, Ballot, Election, Project
from .numbers import Amount, format_amount, parse_amount

__all__ = ["PabulibError", "dump", "dumps", "load", "load_meta", "loads", "parse"]

SECTIONS = ("META", "PROJECTS", "VOTES")
POINTS_VOTE_TYPES = ("cumulative", "scoring")
NUMERIC_META = ("min_project_score_threshold",)
"""META values besides ``budget`` that the engine reads as numbers, checked with META."""


class PabulibError(ValueError):
    """A malformed ``.pb`` input; ``str()`` reads ``SOURCE:LINE: what is wrong``."""

    def __init__(self, reason: str, line: int, source: str = "<string>") -> None:
        self.reason = reason
        self.line = line
        self.source = source
        super().__init__(f"{source}:{line}: {reason}")


def load(path: str | os.PathLike[str]) -> Election:
    """Read the ``.pb`` file at ``path``."""
    with open(Path(path), "rb") as stream:
        return parse(_text_lines(stream, str(path)), source=str(path))


def _text_lines(stream: BinaryIO, source: str, block: int = 1 << 20) -> Iterator[str]:
    """The lines of a binary file as text, read a block of whole lines at a time, so that a
    large file is never held whole (as text, it would take four times its size).

    Lines are split as ``open(..., newline="")`` splits them; text that is not UTF-8 raises
    :class:`PabulibError` with the number of its line.
    """
    first_line = 1
    while data := stream.read(block):
        if not data.endswith(b"\n"):
            data += stream.readline()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = first_line + data.count(b"\n", 0, error.start)
            raise PabulibError(f"not UTF-8 text ({error.reason})", line, source) from None
        if first_line == 1:
            text = text.removeprefix("\ufeff")
        first_line += data.count(b"\n")
        yield from io.StringIO(text, newline="")


def load_meta(path: str | os.PathLike[str]) -> dict[str, str]:
    """Only the META section of the ``.pb`` file at ``path``: reading stops at PROJECTS."""
    reader = _Reader(str(path))
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream, delimiter=";", quotechar='"')
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if row[0].strip().upper() == "PROJECTS":
                break
            if rows.line_num == 1 or row[0].strip().upper() == "META":
                continue
            if [cell.strip().lower() for cell in row] == ["key", "value"]:
                continue
            reader.read_meta_row(row, rows.line_num)
    return reader.meta


def loads(text: str, source: str = "<string>") -> Election:
    """Read an election from the text of a ``.pb`` file."""
    return parse(io.StringIO(text.removeprefix("\ufeff"), newline=""), source=source)


def parse(lines: Iterable[str], source: str = "<string>") -> Election:
    """Read an election from an iterable of lines (an open file, a list of strings...)."""
    reader = _Reader(source)
    try:
        return reader.read(lines)
    except UnicodeDecodeError as error:
        raise reader.fail(f"not UTF-8 text ({error.reason})", reader.line + 1) from None
    except csv.Error as error:
        raise reader.fail(f"unreadable row ({error})", reader.line + 1) from None


class _Reader:
    """One pass over the rows; keeps the state of the section being read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.projects: dict[str, Project] = {}
        self.project_lines: dict[str, int] = {}
        self.ballots: list[Ballot] = []
        self.voter_lines: dict[str, int] = {}
        self.project_columns: tuple[str, ...] = ()
        self.ballot_columns: tuple[str, ...] = ()
        self.vote_type = "approval"
        self.line = 0  # last line read, for errors raised while reading the next one

    def fail(self, reason: str, line: int) -> PabulibError:
        return PabulibError(reason, line, self.source)

    def read(self, lines: Iterable[str]) -> Election:
        reader = csv.reader(lines, delimiter=";", quotechar='"', strict=False)
        section_index = -1
        header: list[str] | None = None
        row_handler = None
        line = 0
        for row in reader:
            line = self.line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            title = row[0].strip().upper()
            if title in SECTIONS and not any(cell.strip() for cell in row[1:]):
                expected = SECTIONS[section_index + 1] if section_index + 1 < 3 else None
                if title != expected:
                    found = f"section {title}"
                    raise self.fail(f"expected section {expected}, found {found}", line)
                if title == "PROJECTS":
                    self.check_meta(line)
                section_index += 1
                header = None
                continue
            if section_index < 0:
                raise self.fail(f"expected section META, found {row[0].strip()!r}", line)
            section = SECTIONS[section_index]
            if header is None:
                header = [cell.strip() for cell in row]
                row_handler = self.read_header(section, header, line)
                continue
            if section == "VOTES":
                line = self.read_ballot_rows(reader, row)
                break
            row_handler(row, line)
        if section_index < 2:
            missing = SECTIONS[section_index + 1]
            raise self.fail(f"missing section {missing}", line + 1)
        if header is None:
            raise self.fail("missing header line of section VOTES", line + 1)
        return Election(
            meta=self.meta,
            projects=self.projects,
            ballots=self.ballots,
            project_columns=self.project_columns,
            ballot_columns=self.ballot_columns,
        )

    # -- headers --------------------------------------------------------------------------------

    def read_header(self, section: str, header: list[str], line: int):
        while header and not header[-1]:
            header.pop()
        duplicates = {name for name in header if header.count(name) > 1}
        if duplicates:
            raise self.fail(f"{section} header repeats column {sorted(duplicates)[0]!r}", line)
        if section == "META":
            if [name.lower() for name in header] != ["key", "value"]:
                raise self.fail(f"META header must be 'key;value', found {';'.join(header)!r}", line)
            return self.read_meta_row
        if section == "PROJECTS":
            for required in ("project_id", "cost"):
                if required not in header:
                    raise self.fail(f"PROJECTS header has no {required!r} column", line)
            self.project_columns = tuple(header)
            self.project_layout = _layout(header, ("project_id", "cost", "name"))
            return self.read_project_row
        for required in ("voter_id", "vote"):
            if required not in header:
                raise self.fail(f"VOTES header has no {required!r} column", line)
        if self.vote_type in POINTS_VOTE_TYPES and "points" not in header:
            raise self.fail(f"VOTES header has no 'points' column for {self.vote_type} ballots", line)
        self.ballot_columns = tuple(header)
        self.ballot_layout = _layout(header, ("voter_id", "vote", "points"))
        return None

    # -- rows -----------------------------------------------------------------------------------

    def check_width(self, section: str, row: list[str], width: int, line: int) -> None:
        if len(row) != width:
            # A trailing empty cell left by a final ";" is tolerated.
            if len(row) == width + 1 and not row[-1].strip():
                row.pop()
                return
            raise self.fail(f"{section} row has {len(row)} columns, the header has {width}", line)

    def read_meta_row(self, row: list[str], line: int) -> None:
        while len(row) > 2 and not row[-1].strip():
            row.pop()
        if len(row) != 2:
            raise self.fail(f"META row must be 'key;value', found {len(row)} columns", line)
        key, value = row[0].strip(), row[1].strip()
        if not key:
            raise self.fail("META row has an empty key", line)
        if key in self.meta:
            raise self.fail(f"META key {key!r} repeated (first on line {self.meta_lines[key]})", line)
        self.meta[key] = value
        self.meta_lines[key] = line

    def check_meta(self, line: int) -> None:
        """Checks run when META ends: budget, vote type and the other numbers the engine reads."""
        if "budget" not in self.meta:
            raise self.fail("META has no 'budget'", line)
        budget_line = self.meta_lines["budget"]
        try:
            budget = parse_amount(self.meta["budget"])
        except ValueError as error:
            raise self.fail(f"budget {self.meta['budget']!r} is {error}", budget_line) from None
        if budget < 0:
            raise self.fail(f"budget {self.meta['budget']} is negative", budget_line)
        vote_type = self.meta.get("vote_type", "approval").strip().lower()
        if vote_type not in VOTE_TYPES:
            known = ", ".join(VOTE_TYPES)
            raise self.fail(
                f"unknown vote_type {vote_type!r} (known: {known})", self.meta_lines["vote_type"]
            )
        self.vote_type = vote_type
        for key in NUMERIC_META:
            raw = self.meta.get(key, "")
            if raw and raw.lower() != "none":
                try:
                    parse_amount(raw)
                except ValueError as error:
                    raise self.fail(f"{key} {raw!r} is {error}", self.meta_lines[key]) from None

    def read_project_row(self, row: list[str], line: int) -> None:
        id_at, cost_at, name_at, extra = self.project_layout
        self.check_width("PROJECTS", row, len(self.project_columns), line)
        project_id = row[id_at].strip()
        if not project_id:
            raise self.fail("project with an empty project_id", line)
        if project_id in self.projects:
            first = self.project_lines[project_id]
            raise self.fail(f"duplicate project id {project_id!r} (first on line {first})", line)
        raw_cost = row[cost_at].strip()
        try:
            cost = parse_amount(raw_cost)
        except ValueError as error:
            raise self.fail(f"cost {raw_cost!r} of project {project_id!r} is {error}", line) from None
        if cost < 0:
            raise self.fail(f"cost {raw_cost} of project {project_id!r} is negative", line)
        name = row[name_at].strip() if name_at is not None else ""
        self.projects[project_id] = Project(
            project_id, cost, name, {column: row[at].strip() for column, at in extra}
        )
        self.project_lines[project_id] = line

    def read_ballot_rows(self, reader, first_row: list[str]) -> int:
        """Read every remaining row of VOTES; the hot loop of the reader. Returns the last line."""
        id_at, vote_at, points_at, extra = self.ballot_layout
        width = len(self.ballot_columns)
        extra_names = tuple(name for name, _ in extra)
        extra_at = tuple(at for _, at in extra)
        canonical = {project_id: project_id for project_id in self.projects}
        seen = self.voter_lines
        append = self.ballots.append
        strip = str.strip
        shared: dict[str, str] = {}  # one copy of each value of the other columns ("F", "internet"...)
        extra_of = itemgetter(*extra_at) if len(extra_at) > 1 else (lambda row: tuple(row[at] for at in extra_at))
        approval = self.vote_type in ("approval", "choose-1")
        line = reader.line_num
        for row in itertools.chain((first_row,), reader):
            line = self.line = reader.line_num
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue
                self.check_width("VOTES", row, width, line)
            voter_id = row[id_at].strip()
            if voter_id in seen:
                raise self.fail(f"duplicate voter id {voter_id!r} (first on line {seen[voter_id]})", line)
            seen[voter_id] = line
            raw_vote = row[vote_at]
            try:
                vote = tuple([canonical[token] for token in raw_vote.split(",")]) if raw_vote else ()
            except KeyError:
                vote = self.read_vote(raw_vote, canonical, line)
            if len(vote) > 1 and len(set(vote)) != len(vote):
                if approval and points_at is None:
                    # An approval is a set: a repeated id (seen in real files) counts once.
                    vote = tuple(dict.fromkeys(vote))
                else:
                    repeated = next(p for p in vote if vote.count(p) > 1)
                    raise self.fail(f"project {repeated!r} appears twice in the vote", line)
            points = None
            if points_at is not None:
                points = self.read_points(row[points_at], len(vote), line)
            extra_values = [shared.setdefault(value, value) for value in map(strip, extra_of(row))]
            append(Ballot(voter_id, vote, points, dict(zip(extra_names, extra_values, strict=True))))
        return line

    def read_vote(self, raw_vote: str, canonical: dict[str, str], line: int) -> tuple[str, ...]:
        """The slow path of vote reading: spaces, empty items, unknown ids."""
        vote = []
        for token in raw_vote.split(","):
            token = token.strip()
            if not token:
                continue
            project_id = canonical.get(token)
            if project_id is None:
                raise self.fail(f"vote for unknown project {token!r}", line)
            vote.append(project_id)
        return tuple(vote)

    def read_points(self, raw: str, count: int, line: int) -> tuple[Amount, ...] | None:
        tokens = [token.strip() for token in raw.split(",") if token.strip()]
        if not tokens and self.vote_type not in POINTS_VOTE_TYPES:
            return None
        if len(tokens) != count:
            raise self.fail(f"{len(tokens)} points for {count} voted projects", line)
        points = []
        for token in tokens:
            try:
                value = parse_amount(token)
            except ValueError as error:
                raise self.fail(f"points {token!r} is {error}", line) from None
            if value < 0 and self.vote_type == "cumulative":
                raise self.fail(f"negative points {token} in a cumulative ballot", line)
            points.append(value)
        return tuple(points)


def _layout(header: list[str], named: tuple[str, ...]):
    """Column positions of the named columns, then (name, position) of the others."""
    positions = [header.index(name) if name in header else None for name in named]
    extra = [(name, at) for at, name in enumerate(header) if name not in named]
    return (*positions, extra)


# -- writing ------------------------------------------------------------------------------------


def dumps(election: Election) -> str:
    """The ``.pb`` text of an election; :func:`loads` reads back an equal election."""
    buffer = io.StringIO()
    _write(election, buffer)
    return buffer.getvalue()


def dump(election: Election, path: str | os.PathLike[str]) -> None:
    """Write an election to a ``.pb`` file (UTF-8)."""
    with open(Path(path), "w", encoding="utf-8", newline="") as stream:
        _write(election, stream)


def _write(election: Election, stream) -> None:
    writer = csv.writer(stream, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta.items())

    columns = list(election.project_columns)
    if "name" not in columns and any(project.name for project in election.projects.values()):
        columns.insert(columns.index("cost") + 1, "name")
    for project in election.projects.values():
        columns += [key for key in project.extra if key not in columns]
    writer.writerow(["PROJECTS"])
    writer.writerow(columns)
    for project in election.projects.values():
        fields = {"project_id": project.id, "cost": format_amount(project.cost), "name": project.name}
        writer.writerow([fields[c] if c in fields else project.extra.get(c, "") for c in columns])

    columns = list(election.ballot_columns)
    if any(ballot.points is not None for ballot in election.ballots) and "points" not in columns:
        columns.insert(columns.index("vote") + 1, "points")
    for ballot in election.ballots:
        columns += [key for key in ballot.extra if key not in columns]
    writer.writerow(["VOTES"])
    writer.writerow(columns)
    for ballot in election.ballots:
        points = ",".join(map(format_amount, ballot.points)) if ballot.points is not None else ""
        fields = {"voter_id": ballot.voter_id, "vote": ",".join(ballot.vote), "points": points}
        writer.writerow([fields[c] if c in fields else ballot.extra.get(c, "") for c in columns])
