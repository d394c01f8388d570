"""Where a kb command's import time goes, grouped by the library that caused each import.

    python bench/importtime.py [--runs 5] -- search bladder -f ids

Runs `python -X importtime -m kb ARGS` with bytecode caching on (a warm-up run writes the .pyc
files) and prints, as medians over the runs: import time per group (typer/click, whoosh, rich,
kb, Python's own start-up), each stdlib module counted for the library whose import pulled it
in; and the slowest top-level imports by cumulative time. -X importtime itself adds overhead,
so compare the groups with each other rather than with wall times.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")
GROUPS = {"typer": "typer/click", "click": "typer/click", "whoosh": "whoosh", "rich": "rich"}


def parse(stderr: str) -> list[tuple[int, str, int, int]]:
    """(depth, module, self µs, cumulative µs) for each import line, in printed order."""
    found = []
    for line in stderr.splitlines():
        match = LINE.match(line)
        if match:
            depth = len(match.group(3)) // 2
            found.append((depth, match.group(4), int(match.group(1)), int(match.group(2))))
    return found


def grouped(rows: list[tuple[int, str, int, int]]) -> Counter[str]:
    """Self time per group; a module counts for its nearest library ancestor (children are
    printed before their parent, so walk backwards to see parents first)."""
    totals: Counter[str] = Counter()
    stack: list[str] = []
    for depth, name, self_us, _ in reversed(rows):
        stack = [*stack[:depth], name]
        owner = next(
            (GROUPS[a.split(".")[0]] for a in reversed(stack) if a.split(".")[0] in GROUPS), None
        )
        if owner is None:
            in_kb = any(a.split(".")[0] == "kb" for a in stack)
            owner = "kb (+ stdlib it imports)" if in_kb else "Python start-up (site, encodings)"
        totals[owner] += self_us
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12, help="how many top-level imports to list")
    parser.add_argument(
        "args", nargs=argparse.REMAINDER, help="the kb command line, e.g. search bladder -f ids"
    )
    args = parser.parse_args(argv)
    if args.args[:1] == ["--"]:
        args.args = args.args[1:]
    if not args.args:
        parser.error("give a kb command line, e.g. -- search bladder -f ids")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [str(PYTHON), "-X", "importtime", "-m", "kb", *args.args]
    subprocess.run(command, env=env, capture_output=True, check=False)  # writes the .pyc files
    groups: dict[str, list[int]] = {}
    tops: dict[str, list[int]] = {}
    for _ in range(args.runs):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        rows = parse(done.stderr)
        for name, value in grouped(rows).items():
            groups.setdefault(name, []).append(value)
        for depth, name, _, cumulative in rows:
            if depth == 0:
                tops.setdefault(name, []).append(cumulative)
    medians = {k: statistics.median(v) / 1000 for k, v in groups.items()}
    print(f"`kb {' '.join(args.args)}`: import time by group (median of {args.runs}, ms)\n")
    print("| group | ms |\n|---|---|")
    for name, value in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {value:.1f} |")
    print(f"| **total** | {sum(medians.values()):.1f} |\n")
    print("| top-level import | cumulative ms |\n|---|---|")
    top = sorted(((statistics.median(v) / 1000, k) for k, v in tops.items()), reverse=True)
    for value, name in top[: args.top]:
        print(f"| {name} | {value:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
