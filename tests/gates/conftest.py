"""Fixtures of the every-page gates: reports kept as test artefacts under ``test-reports/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[2] / "test-reports"


@pytest.fixture(scope="session")
def gate_report():
    """``gate_report(name, rows)`` adds rows to ``test-reports/gates/<name>.json``."""
    collected: dict[str, list] = {}

    def add(name: str, rows: list) -> None:
        collected.setdefault(name, []).extend(rows)

    yield add
    if collected:
        folder = REPORTS / "gates"
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in collected.items():
            (folder / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
