"""Fixtures of the every-page gates: reports kept as test artefacts under ``test-reports/``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[2] / "test-reports"
GATES = REPORTS / "gates"


@pytest.fixture(scope="session")
def gate_report():
    """``gate_report(name, rows)`` adds rows to ``test-reports/gates/<name>.json``.

    When the suite is spread over several processes (``pytest -n``), each worker writes its
    own part and the main process joins the parts at the end (the root ``conftest.py``).
    """
    collected: dict[str, list] = {}

    def add(name: str, rows: list) -> None:
        collected.setdefault(name, []).extend(rows)

    yield add
    if collected:
        GATES.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        for name, rows in collected.items():
            target = GATES / (f"{name}.{worker}.part" if worker else f"{name}.json")
            target.write_text(json.dumps(rows, ensure_ascii=False, indent=1))

