"""Run every benchmark of this folder in turn; each prints its figures and its ratio.

Usage: ``python bench/run.py [name ...]`` (names without ``.py``; default: all).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if names:
        scripts = [p for p in scripts if p.stem in names]
    if not scripts:
        print("no benchmark selected", file=sys.stderr)
        return 2
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem}", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
