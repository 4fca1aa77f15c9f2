"""Start-up benchmark: `dpaudit import` of a one-line file and `dpaudit --help`, beside a bare
`python -c pass` in the same run.

A scratch SQLite database (or ``--database-url``) gets one council with one account; each
turn then runs, one after another: bare Python, `dpaudit --help`, and `dpaudit import` of a
new one-line statement into that account (a new line each time, so every import stores one).
Printed: the median wall time of each over ``--reps`` turns, and how much more than bare
Python each takes (goals: import <= 0.5 s more, --help <= 0.3 s), with the CPU time beside
it (steadier than wall time when the machine is shared). Then, from one `python -X importtime`
run of the import, the packages it loads, heaviest first.
Run: .venv/bin/python bench/startup.py [--reps 9] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "bench-startup-acct"


def dpaudit_command() -> list[str]:
    """`dpaudit` as the installed script runs it, from the source tree this file is in (run
    from the folder holding the tree, ``-m`` finds that tree before any installed copy)."""
    return [sys.executable, "-m", "service.cli.main"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_line_file(folder: Path, number: int) -> Path:
    day = date(2026, 1, 1) + timedelta(days=number % 365)
    path = folder / f"line-{number:04d}.csv"
    path.write_text(f"Date,Description,Amount\n{day:%d/%m/%Y},SHOP {number},-{number % 90 + 1}.00\n")
    return path


def prepare(env: dict[str, str], folder: Path) -> None:
    dpaudit = dpaudit_command()
    document = {"council": {"code": "bench-startup", "name": "Startupshire"},
                "recipients": [{"reference": "S1", "name": "Sam Start", "dp_start_date": "2026-01-01",
                                "accounts": [{"reference": ACCOUNT, "kind": "bank"}]}]}
    (folder / "council.json").write_text(json.dumps(document))
    for args in (["migrate"], ["load", str(folder / "council.json")]):
        timed([*dpaudit, *args], env)


def packages_loaded(env: dict[str, str], path: Path) -> list[tuple[str, float]]:
    """Each top-level package the import loads, with its own import time in ms."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "service.cli.main", "import",
                             str(path), "--account", ACCOUNT], env=env, cwd=ROOT, capture_output=True,
                            text=True, check=True)
    totals: Counter[str] = Counter()
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        name = name.strip()
        package = ".".join(name.split(".")[:2]) if name.startswith("service.") else name.split(".")[0]
        totals[package] += int(own) / 1000
    return totals.most_common(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9, help="turns of each command")
    parser.add_argument("--database-url", help="a database to use instead of a scratch SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    env = {**os.environ, "DPAUDIT_ENV": "test", "DPAUDIT_SECRET_KEY": "bench-startup-secret",
           "DPAUDIT_DATABASE_URL": args.database_url or f"sqlite:///{folder}/startup.sqlite3"}
    prepare(env, folder)
    dpaudit = dpaudit_command()
    cases = {"bare python -c pass": lambda n: [sys.executable, "-c", "pass"],
             "dpaudit --help": lambda n: [*dpaudit, "--help"],
             "dpaudit import (one line)": lambda n: [*dpaudit, "import", str(one_line_file(folder, n)),
                                                     "--account", ACCOUNT]}
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for turn in range(args.reps + 1):
        for name, command in cases.items():
            wall, cpu = timed(command(turn), env)
            if turn:  # the first turn warms the disk cache
                walls[name].append(wall)
                cpus[name].append(cpu)
    bare_wall = statistics.median(walls["bare python -c pass"])
    bare_cpu = statistics.median(cpus["bare python -c pass"])
    print(f"start-up, median of {args.reps} turns (the tree in {ROOT})")
    for name in cases:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"  {name:28s} wall {wall:6.3f} s ({wall - bare_wall:+.3f} s over bare)   "
              f"cpu {cpu:6.3f} s ({cpu - bare_cpu:+.3f} s over bare)")
    over = statistics.median(walls["dpaudit import (one line)"]) - bare_wall
    print(f"  import over bare: {over:.3f} s (goal <= 0.5 s); "
          f"--help: {statistics.median(walls['dpaudit --help']):.3f} s (goal <= 0.3 s)")
    print("what `dpaudit import` loads, own import time by package (one -X importtime run):")
    for package, ms in packages_loaded(env, one_line_file(folder, 9999)):
        print(f"  {package:32s} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
