"""Participatory-budget tally engine against pabutools 1.2.3 on large real elections.

For each election and each rule (greedy, plain Method of Equal Shares, Equal Shares with the
``add1`` completion), reads the ``.pb`` file and counts it, once with our engine and once with
pabutools, each in its own process. Prints the wall time of each (reading included) and the
processor time it used, the ratios pabutools / ours, whether both fund the same projects, and the peak memory of each
process. On a shared machine the processor-time ratio is the steadier figure.

Usage: ``python bench/pb_tally.py [--files FILE.pb ...] [--skip-slow-baseline]``.
Equal Shares with completion takes pabutools tens of minutes and up to 12-16 GB of memory per
election; ``--skip-slow-baseline`` times only our engine for that rule.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "plugins" / "participatory_budget" / "tests" / "data" / "pabulib"
DEFAULT_FILES = [
    DATA / "Poland_Warszawa_2026.pb",
    DATA / "Poland_Lodz_2022.pb",
    ROOT / "bench" / "data" / "poland_warszawa_2024_.pb",
]
CASES = ("greedy", "mes", "mes+add1")
TARGETS = {"greedy": "ours <= 1 s", "mes": ">= 10x", "mes+add1": ">= 100x"}


def count_with_ours(path: str, case: str) -> dict:
    """Read and count with the engine; returns what was funded and the times."""
    sys.path.insert(0, str(ROOT))
    from plugins.participatory_budget.tally import load, tally

    started, cpu = time.perf_counter(), time.process_time()
    election = load(path)
    read = time.perf_counter()
    if case == "greedy":
        result = tally(election, "greedy", threshold=0)  # plain greedy by votes, as pabutools
    elif case == "mes":
        result = tally(election, "mes", sat="cost")
    else:
        result = tally(election, "mes", sat="cost", completion="add1")
    done = time.perf_counter()
    return {"selected": sorted(result.selected), "seconds": done - started, "counting": done - read,
            "cpu": time.process_time() - cpu}


def count_with_pabutools(path: str, case: str) -> dict:
    """Read and count with pabutools; returns what was funded and the times."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    started, cpu = time.perf_counter(), time.process_time()
    instance, profile = parse_pabulib(path)
    read = time.perf_counter()
    if case == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif case == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    done = time.perf_counter()
    return {"selected": sorted(p.name for p in outcome), "seconds": done - started, "counting": done - read,
            "cpu": time.process_time() - cpu}


def measure(engine: str, path: Path, case: str) -> dict:
    """Run one count in a fresh process; adds its peak resident memory (MB)."""
    command = [sys.executable, __file__, "--worker", engine, case, str(path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{engine} failed on {path.name} ({case})")
    result = json.loads(output)
    result["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="+", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--skip-slow-baseline", action="store_true",
                        help="do not run pabutools for Equal Shares with completion")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "CASE", "FILE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        engine, case, path = options.worker
        worker = count_with_ours if engine == "ours" else count_with_pabutools
        print(json.dumps(worker(path, case)))
        return 0

    header = (f"{'election':<24} {'rule':<9} {'ours s':>7} {'(cpu)':>7} {'pabutools s':>11} {'(cpu)':>8} "
              f"{'ratio':>6} {'(cpu)':>6} {'same':>4} {'ours MB':>7} {'pabu MB':>7}  target")
    print(header)
    print("-" * len(header))
    missed = 0
    for path in options.files:
        for case in CASES:
            ours = measure("ours", path, case)
            if case == "mes+add1" and options.skip_slow_baseline:
                theirs = None
            else:
                theirs = measure("pabutools", path, case)
            line = f"{path.stem[:24]:<24} {case:<9} {ours['seconds']:7.2f} {ours['cpu']:7.2f} "
            if theirs is None:
                line += f"{'skipped':>11} {'':>8} {'':>6} {'':>6} {'':>4} {ours['peak_mb']:7.0f} {'':>7}"
                # Without the baseline in this run there is no ratio to judge.
                print(f"{line}  {TARGETS[case]}: not measured (baseline skipped)", flush=True)
                continue
            else:
                ratio = theirs["seconds"] / ours["seconds"]
                same = theirs["selected"] == ours["selected"]
                line += (f"{theirs['seconds']:11.2f} {theirs['cpu']:8.2f} {ratio:5.0f}x "
                         f"{theirs['cpu'] / ours['cpu']:5.0f}x {'yes' if same else 'NO':>4} "
                         f"{ours['peak_mb']:7.0f} {theirs['peak_mb']:7.0f}")
                needed = {"greedy": 0, "mes": 10, "mes+add1": 100}[case]
                met = same and ratio >= needed and ours["peak_mb"] < theirs["peak_mb"]
                if case == "greedy":
                    met = met and ours["seconds"] <= 1.0
            missed += not met
            print(f"{line}  {TARGETS[case]}: {'met' if met else 'MISSED'}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
