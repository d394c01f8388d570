"""Whole-process benchmarks of the `kb` command line, with the targets of docs/performance.md.

    python bench/run.py [--sizes 1000,10000] [--reps 7] [--out results.md] [--json raw.json]

Each figure is the median wall time of fresh processes of the installed entry point
(.venv/bin/kb, not `uv run`), after a warm-up run, with the commands run in turn (round robin,
the order rotated every round) so that a noisy neighbour hits them all alike. Each is also
given as a ratio to `python -c pass` timed in the same rounds, which is what the targets use
and what stays comparable between machines. Peak memory is the child's maxrss, from one more
run under /usr/bin/time (without it: wait4's figure, which includes the forking parent's RSS).
Bytecode caching is on (PYTHONDONTWRITEBYTECODE is dropped), as in a user's installation.

KBs: the shipped one (entries/, read-only commands only) and synthetic ones made by
bench/generate.py in --workdir (kept between runs, regenerated when the generator changes).
Every KB gets its own index directory (KB_INDEX_DIR). 100k facts are opt-in: --sizes 100000
(generation and a full index build take minutes; use --slow-reps to bound them). --merge
adds KBs from an earlier --json file, so a 100k run can be judged against a 1k run.

Both ways kb finds what changed are timed: the commands without a suffix run with
KB_WATCHMAN=0 (kb walks the KB, one stat per file); those marked "(watchman)" ask a private
watchman server started for the run (its own socket and state, stopped at the end; a
`watchman` program first on PATH that talks to it, as kb would find a user's). Both modes
share the index: after a command that changes the KB or the index in one mode, an untimed
`kb index` in the other brings it up to date, so the next timed search of either mode does
only its own work. Without a watchman program the "(watchman)" rows are left out (--no-watchman
leaves them out anyway). --compare BIN also times the searches with another kb entry point
(e.g. an installation of the previous version) in the same rounds, each with its own index.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import GENERATOR_VERSION, generate  # noqa: E402

sys.path.insert(1, str(REPO))
from tests.watchmanserver import Server, private_server  # noqa: E402

KB_BIN = REPO / ".venv" / "bin" / "kb"
SEED = 7
ONE_TERM = ["bladder"]
THREE_TERMS = ["ketamine", "bladder", "damage"]
EDIT_MARK = "(edited by bench/run.py)"
RACY_WAIT_S = 2.1


@dataclass
class Command:
    name: str
    argv: list[str]
    slow: bool = False  # run only in the first --slow-reps rounds
    expect: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None  # untimed preparation (the edit of edit+search)
    env: dict[str, str] = field(default_factory=dict)  # added to the environment
    then: Command | None = None  # run right after this one, in every round (not rotated apart)
    after: Callable[[], None] | None = None  # untimed, after each run (the other mode's catch-up)


def chain(commands: list[Command]) -> list[Command]:
    """The commands with the ones they are followed by, in order."""
    flat: list[Command] = []
    for command in commands:
        while command is not None:
            flat.append(command)
            command = command.then
    return flat


@dataclass
class Figure:
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    rss_exact: bool = False
    codes: list[int] = field(default_factory=list)
    stderr: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


@dataclass
class KbResult:
    label: str
    facts: int
    path: str
    baseline: float  # median seconds of `python -c pass` in the same rounds
    figures: dict[str, dict[str, object]]
    generated_s: float | None = None


# ---- running one process ------------------------------------------------------------------


TIME_BIN = shutil.which("time", path="/usr/bin:/bin")


def run_once(argv: list[str], env: dict[str, str], out_dir: Path) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (KiB), exit code and stderr tail of one fresh process.

    The RSS from wait4 includes what the child inherited from this (forking) process before
    exec, so it is only a fallback: peak_rss() measures memory properly."""
    with open(out_dir / "stdout", "wb") as out, open(out_dir / "stderr", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = (out_dir / "stderr").read_text(errors="replace")[-400:]
    return elapsed, usage.ru_maxrss, proc.returncode, tail


def peak_rss(argv: list[str], env: dict[str, str], out_dir: Path) -> int | None:
    """Peak RSS (KiB) of one run under /usr/bin/time, whose own fork is tiny; None without it."""
    if TIME_BIN is None:
        return None
    report = out_dir / "rss"
    with open(os.devnull, "wb") as null:
        subprocess.run(
            [TIME_BIN, "-f", "%M", "-o", str(report), *argv],
            stdout=null,
            stderr=null,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    try:
        return int(report.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def measure(
    commands: list[Command],
    env: dict[str, str],
    reps: int,
    slow_reps: int,
    label: str,
    memory: bool = True,
) -> dict[str, Figure]:
    figures = {c.name: Figure() for c in chain(commands)}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        out_dir = Path(tmp)
        # Warm-up: caches, .pyc files, the index (the slow commands need none).
        for command in chain([c for c in commands if not c.slow]):
            if command.before:
                command.before()
            run_once(command.argv, env | command.env, out_dir)
            if command.after:
                command.after()
        for round_no in range(reps):
            shift = round_no % len(commands)
            rotated = commands[shift:] + commands[:shift]
            for command in chain([c for c in rotated if not c.slow or round_no < slow_reps]):
                if command.before:
                    command.before()
                elapsed, rss, code, tail = run_once(command.argv, env | command.env, out_dir)
                if command.after:
                    command.after()
                figure = figures[command.name]
                figure.times.append(elapsed)
                figure.rss_kb.append(rss)
                figure.codes.append(code)
                if code not in command.expect:
                    figure.stderr = tail
            print(f"  [{label}] round {round_no + 1}/{reps} done", file=sys.stderr)
        for command in chain(commands) if memory else []:  # memory, untimed
            if command.before:
                command.before()
            rss = peak_rss(command.argv, env | command.env, out_dir)
            if command.after:
                command.after()
            if rss is not None:
                figures[command.name].rss_kb, figures[command.name].rss_exact = [rss], True
    return figures


# ---- knowledge bases ----------------------------------------------------------------------


def ensure_kb(workdir: Path, n: int) -> tuple[Path, float | None]:
    """A synthetic KB of n facts in workdir, generated unless an up-to-date one is there."""
    root = workdir / f"kb-{n}"
    marker = root / ".bench-generator"
    wanted = f"{GENERATOR_VERSION} {SEED} {n}"
    if marker.is_file() and marker.read_text() == wanted:
        return root, None
    if root.exists():
        shutil.rmtree(root)
    print(f"generating {n} facts in {root} ...", file=sys.stderr)
    started = time.perf_counter()
    generate(n, root, SEED)
    elapsed = time.perf_counter() - started
    marker.write_text(wanted)
    return root, elapsed


def first_fact(root: Path, word: str) -> Path:
    """A fact file (in a stable order) that mentions word, else the first fact file."""
    files = sorted((root / "facts").rglob("*.toml"))
    for path in files:
        if word in path.read_text(encoding="utf-8"):
            return path
    return files[0]


class FactEditor:
    """Changes one fact's statement before each timed search; restores it at the end."""

    def __init__(self, path: Path) -> None:
        self.path, self.original, self.count = path, path.read_text(encoding="utf-8"), 0
        self.edited_at = 0.0

    def wait_racy(self) -> None:
        """Sleep until kb no longer trusts the edited file's mtime to be racy (RACY_NS, 2 s, in
        kb/indexer.py): the next search then settles that, as a user's second search would."""
        time.sleep(max(0.0, self.edited_at + RACY_WAIT_S - time.monotonic()))

    def edit(self) -> None:
        self.count += 1
        self.edited_at = time.monotonic()
        lines = self.original.splitlines(keepends=True)
        for index, line in enumerate(lines):
            if line.startswith("statement = "):
                text = json.loads(line.split("=", 1)[1])
                lines[index] = f"statement = {json.dumps(f'{text} {EDIT_MARK} {self.count}')}\n"
        self.path.write_text("".join(lines), encoding="utf-8")

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


class Modes:
    """The environments of the two modes (walk, watchman) and the untimed catch-up runs."""

    def __init__(self, env: dict[str, str], watchman_bin: Path | None) -> None:
        self.env = env
        self.walk = {"KB_WATCHMAN": "0"}
        self.watchman: dict[str, str] | None = None
        if watchman_bin is not None:
            path = f"{watchman_bin}{os.pathsep}{env.get('PATH', '')}"
            self.watchman = {"KB_WATCHMAN": "1", "PATH": path}

    def catch_up(self, mode: dict[str, str] | None) -> Callable[[], None] | None:
        """An untimed `kb index` in `mode` (after the other mode changed the KB or index)."""
        if mode is None:
            return None
        extra = mode

        def run() -> None:
            subprocess.run(
                [str(KB_BIN), "index"],
                env=self.env | extra,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=True,
            )

        return run


def kb_commands(
    root: Path,
    python: str,
    writable: bool,
    rg: str | None,
    no_pyc_dir: Path,
    modes: Modes,
    compare: Path | None = None,
    compare_env: dict[str, str] | None = None,
) -> tuple[list[Command], FactEditor | None]:
    kb = [str(KB_BIN)]
    walk, watchman = modes.walk, modes.watchman
    bladder_fact = first_fact(root, "bladder")
    commands = [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("search 1 term, ids", [*kb, "search", *ONE_TERM, "-f", "ids"], env=walk),
        Command("search 1 term, rich", [*kb, "search", *ONE_TERM, "-f", "rich"], env=walk),
        Command(
            "search 1 term, ids, no .pyc cache",
            [*kb, "search", *ONE_TERM, "-f", "ids"],
            env=walk | {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(no_pyc_dir)},
        ),
        Command(
            "search 3 terms, ids",
            [*kb, "search", *THREE_TERMS, "-f", "ids"],
            expect=(0, 1),
            env=walk,
        ),
        Command(
            "search 3 terms, rich",
            [*kb, "search", *THREE_TERMS, "-f", "rich"],
            expect=(0, 1),
            env=walk,
        ),
    ]
    if watchman is not None:
        commands += [
            Command(S1W, [*kb, "search", *ONE_TERM, "-f", "ids"], env=watchman),
            Command(S1RW, [*kb, "search", *ONE_TERM, "-f", "rich"], env=watchman),
            Command(S3W, [*kb, "search", *THREE_TERMS, "-f", "ids"], expect=(0, 1), env=watchman),
        ]
    if compare is not None and compare_env is not None:
        other = [str(compare)]
        commands += [
            Command(f"{S1I} [compared]", [*other, "search", *ONE_TERM, "-f", "ids"], env=walk),
            Command(f"{S1R} [compared]", [*other, "search", *ONE_TERM, "-f", "rich"], env=walk),
        ]
        for command in commands[-2:]:
            command.env = command.env | compare_env
    commands += [
        Command("show 1 fact", [*kb, "show", bladder_fact.stem], env=walk),
        Command("list -f jsonl", [*kb, "list", "-f", "jsonl"]),
        *(
            [Command(SHOWW, [*kb, "show", bladder_fact.stem], env=watchman)]
            if watchman is not None
            else []
        ),
        Command("validate (whole KB)", [*kb, "validate"], slow=True),
        Command("validate 1 file", [*kb, "validate", str(bladder_fact)]),
    ]
    editor = None
    if writable:
        commands.append(
            Command(
                "index --rebuild",
                [*kb, "index", "--rebuild"],
                slow=True,
                env=walk,
                after=modes.catch_up(watchman),  # the new generation's watchman clock
            )
        )
        editor = FactEditor(bladder_fact)
        again = Command(
            "search again, 2 s after the edit",
            [*kb, "search", *ONE_TERM, "-f", "ids"],
            before=editor.wait_racy,
            env=walk,
            after=modes.catch_up(watchman),
        )
        commands.append(
            Command(
                EDIT,
                [*kb, "search", *ONE_TERM, "-f", "ids"],
                before=editor.edit,
                then=again,
                env=walk,
            )
        )
        if watchman is not None:
            commands.append(
                Command(
                    EDITW,
                    [*kb, "search", *ONE_TERM, "-f", "ids"],
                    before=editor.edit,
                    env=watchman,
                )
            )
    if rg:
        commands.append(
            Command("rg -l bladder (reference)", [rg, "-l", "bladder", str(root / "facts")])
        )
    return commands, editor


def bench_kb(
    label: str,
    root: Path,
    args: argparse.Namespace,
    writable: bool,
    generated: float | None,
    server: Server | None,
) -> KbResult:
    python = kb_python()
    # Bytecode caching on, as on a user's machine (this workplace sets PYTHONDONTWRITEBYTECODE,
    # which makes every start compile every module from source); the warm-up writes the .pyc.
    dropped = ("KB_DIR", "KB_SNAPSHOTS", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    index_dir = args.workdir / f"index-{label}"
    shutil.rmtree(index_dir, ignore_errors=True)
    env.update(
        KB_DIR=str(root), KB_INDEX_DIR=str(index_dir), COLUMNS="100", LINES="40", TERM="dumb"
    )
    env["KB_WATCHMAN"] = "0"  # every command that does not say: never the user's watchman
    no_pyc = args.workdir / "empty-pycache-prefix"  # never written: forces compiling from source
    no_pyc.mkdir(exist_ok=True)
    wrapper = None
    if server is not None:
        wrapper = args.workdir / "watchman-bin"
        server.wrapper(wrapper)
    modes = Modes(env, wrapper)
    compare_env = None
    if args.compare is not None:
        compare_env = {"KB_INDEX_DIR": str(args.workdir / f"index-{label}-compared")}
        if label == "shipped" and args.compare_kb is not None:
            compare_env["KB_DIR"] = str(args.compare_kb.resolve())  # its own version of the KB
        shutil.rmtree(compare_env["KB_INDEX_DIR"], ignore_errors=True)
    commands, editor = kb_commands(
        root, python, writable, shutil.which("rg"), no_pyc, modes, args.compare, compare_env
    )
    facts = sum(1 for _ in (root / "facts").rglob("*.toml"))
    print(f"benchmarking {label} ({facts} facts) ...", file=sys.stderr)
    subprocess.run([str(KB_BIN), "index"], env=env | modes.walk, check=True, capture_output=True)
    if modes.watchman is not None:  # watch the KB now: a first watch of 100k files takes ~1 s
        subprocess.run(
            [str(KB_BIN), "index"], env=env | modes.watchman, check=True, capture_output=True
        )
    try:
        figures = measure(commands, env, args.reps, args.slow_reps, label)
    finally:
        if editor:
            editor.restore()
    KB_ENVS[label] = {"KB_DIR": str(root), "KB_INDEX_DIR": str(index_dir)}
    if compare_env is not None:
        KB_ENVS[f"{label} [compared]"] = {"KB_DIR": str(root), **compare_env}
    return KbResult(
        label, facts, str(root), figures["python -c pass"].median, summary(figures, commands),
        generated,
    )  # fmt: skip


KB_ENVS: dict[str, dict[str, str]] = {}  # label -> KB_DIR and KB_INDEX_DIR, for the paired run


def summary(figures: dict[str, Figure], commands: list[Command]) -> dict[str, dict[str, object]]:
    return {
        name: {
            "median_s": f.median,
            "peak_mb": f.peak_mb,
            "peak_exact": f.rss_exact,
            "runs": len(f.times),
            "times": f.times,
            "bad_exit": sorted({c for c in f.codes if c not in cmd.expect}),
            "stderr": f.stderr,
        }
        for (name, f), cmd in zip(figures.items(), chain(commands), strict=True)
        if f.times
    }


PAIRED = "paired"


def bench_paired(labels: list[str], args: argparse.Namespace, server: Server | None) -> KbResult:
    """The searches the targets compare across KBs (and with --compare), all in the same
    rounds, so that a noisy neighbour hits every KB alike: run after the KBs' own runs, with
    their indexes."""
    dropped = ("KB_DIR", "KB_SNAPSHOTS", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(COLUMNS="100", LINES="40", TERM="dumb", KB_WATCHMAN="0")
    modes = Modes(env, args.workdir / "watchman-bin" if server is not None else None)
    kb = [str(KB_BIN)]
    commands = [Command("python -c pass", [kb_python(), "-c", "pass"])]
    for label in labels:
        where = KB_ENVS[label]
        searches = [(S1I, S1W, ONE_TERM, "ids"), (S3I, S3W, THREE_TERMS, "ids")]
        if label == "shipped":
            searches.append((S1R, S1RW, ONE_TERM, "rich"))
        for walked, watched, words, fmt in searches:
            argv = [*kb, "search", *words, "-f", fmt]
            walk_env, watch_env = where | modes.walk, where | (modes.watchman or {})
            commands.append(Command(f"{label}: {walked}", argv, expect=(0, 1), env=walk_env))
            if modes.watchman is not None:
                commands.append(Command(f"{label}: {watched}", argv, expect=(0, 1), env=watch_env))
            compared = KB_ENVS.get(f"{label} [compared]")
            if compared is not None and args.compare is not None and label == "shipped":
                other = [str(args.compare), *argv[1:]]
                name = f"{label}: {walked} [compared]"
                commands.append(Command(name, other, expect=(0, 1), env=compared | modes.walk))
    print(f"benchmarking {', '.join(labels)} side by side ...", file=sys.stderr)
    figures = measure(commands, env, args.pair_reps, 0, PAIRED, memory=False)
    return KbResult(PAIRED, 0, "", figures["python -c pass"].median, summary(figures, commands))


def kb_python() -> str:
    """The interpreter of the kb entry point (its shebang), for the `python -c pass` baseline."""
    first = KB_BIN.read_text(errors="replace").splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else sys.executable


# ---- targets and report -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    text: str
    limit: float
    unit: str  # "x" (ratio to python -c pass), "s", "MB", or "x1k" (ratio to the 1k figure)


def targets(results: dict[str, KbResult]) -> list[tuple[Target, float | None, str]]:
    """(target, measured, note) for every target the measured KBs allow judging."""

    def fig(label: str, name: str) -> dict[str, object] | None:
        result = results.get(label)
        return result.figures.get(name) if result else None

    def seconds(label: str, name: str) -> float | None:
        found = fig(label, name)
        return float(found["median_s"]) if found else None  # type: ignore[arg-type]

    def ratio(label: str, name: str) -> float | None:
        """To `python -c pass`: from the side-by-side run when it has the figure."""
        value = seconds(PAIRED, f"{label}: {name}")
        if value is not None:
            return value / results[PAIRED].baseline
        value = seconds(label, name)
        return value / results[label].baseline if value is not None else None

    def where(label: str, name: str) -> str:
        return "side by side" if fig(PAIRED, f"{label}: {name}") else "ratios to baseline"

    rows: list[tuple[Target, float | None, str]] = []
    for name, limit in ((S1I, 8), (S1W, 8), (S1R, 12), (S1RW, 12)):
        rows.append((Target(f"{name}, shipped KB", limit, "x"), ratio("shipped", name), ""))
    for name, mine in ((S1I, S1I), (S1I, S1W), (S1R, S1R), (S1R, S1RW)):
        theirs, ours = ratio("shipped", f"{name} [compared]"), ratio("shipped", mine)
        value = ours / theirs if ours and theirs else None
        target = Target(f"{mine}, shipped KB, vs the compared kb", 1, "x1k")
        rows.append((target, value, f"not slower; {where('shipped', mine)}"))
    for name, limit in ((S1W, 2), (S3W, 2), (S1I, 4), (S3I, 4)):
        small, big = ratio("1k", name), ratio("100k", name)
        value = big / small if small and big else None
        rows.append(
            (Target(f"{name}: latency at 100k vs 1k", limit, "x1k"), value, where("100k", name))
        )
    rows.append((Target("edit 1 fact + search, 100k", 2, "s"), seconds("100k", EDIT), ""))
    rows.append((Target(f"{EDITW}, 100k", 0.5, "s"), seconds("100k", EDITW), ""))
    rows.append((Target("index --rebuild, 10k", 10, "s"), seconds("10k", "index --rebuild"), ""))
    rows.append((Target("index --rebuild, 100k", 120, "s"), seconds("100k", "index --rebuild"), ""))
    rows.append((Target("validate whole KB, 10k", 2, "s"), seconds("10k", VALIDATE), ""))
    rows.append((Target("validate whole KB, 100k", 20, "s"), seconds("100k", VALIDATE), ""))
    rows.append((Target("validate 1 file, 100k", 1, "s"), seconds("100k", "validate 1 file"), ""))
    peaks = [fig("100k", n) for n in (S1I, S1R, S3I, S3R, S1W, S1RW, S3W)]
    peak = max((float(p["peak_mb"]) for p in peaks if p), default=None)  # type: ignore[arg-type]
    rows.append((Target("peak memory of a search, 100k", 150, "MB"), peak, "max of the searches"))
    return rows


S1I, S1R = "search 1 term, ids", "search 1 term, rich"
S3I, S3R = "search 3 terms, ids", "search 3 terms, rich"
S1W, S1RW = "search 1 term, ids (watchman)", "search 1 term, rich (watchman)"
S3W = "search 3 terms, ids (watchman)"
EDIT, VALIDATE = "edit 1 fact, then search", "validate (whole KB)"
EDITW = "edit 1 fact, then search (watchman)"
SHOWW = "show 1 fact (watchman)"


def fmt_value(value: float, unit: str) -> str:
    if unit in ("x", "x1k"):
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} s"


def target_table(results: dict[str, KbResult]) -> list[str]:
    lines = [
        "| target | limit | measured | verdict |",
        "|---|---|---|---|",
    ]
    for target, value, note in targets(results):
        limit = fmt_value(target.limit, target.unit)
        if target.unit == "x":
            limit += " python -c pass"
        if value is None:
            lines.append(f"| {target.text} | ≤ {limit} | not measured | — |")
            continue
        verdict = "met" if value <= target.limit else f"MISSED by {value / target.limit:.2f}×"
        extra = f" ({note})" if note else ""
        lines.append(
            f"| {target.text} | ≤ {limit} | {fmt_value(value, target.unit)}{extra} | {verdict} |"
        )
    return lines


def paired_table(result: KbResult) -> list[str]:
    lines = ["| command | median | ratio | runs |", "|---|---|---|---|"]
    for name, found in result.figures.items():
        median = float(found["median_s"])  # type: ignore[arg-type]
        bad = " ⚠ exit " + ",".join(map(str, found["bad_exit"])) if found["bad_exit"] else ""
        lines.append(
            f"| {name} | {median * 1000:.0f} ms | {median / result.baseline:.2f}× "
            f"| {found['runs']}{bad} |"
        )
    return lines


def results_table(results: dict[str, KbResult]) -> list[str]:
    results = {label: result for label, result in results.items() if label != PAIRED}
    labels = list(results)
    names: list[str] = []
    for result in results.values():
        names += [n for n in result.figures if n not in names]
    header = "| command | " + " | ".join(f"{lbl} ({results[lbl].facts} facts)" for lbl in labels)
    lines = [header + " |", "|---" * (len(labels) + 1) + "|"]
    for name in names:
        cells = []
        for label in labels:
            found = results[label].figures.get(name)
            if not found:
                cells.append("—")
                continue
            median = float(found["median_s"])  # type: ignore[arg-type]
            ratio = median / results[label].baseline
            bad = " ⚠ exit " + ",".join(map(str, found["bad_exit"])) if found["bad_exit"] else ""
            cells.append(
                f"{median * 1000:.0f} ms, {ratio:.1f}×, {float(found['peak_mb']):.0f} MB"  # type: ignore[arg-type]
                f" (n={found['runs']}){bad}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    gens = [f"{lbl}: {r.generated_s:.1f} s" for lbl, r in results.items() if r.generated_s]
    if gens:
        lines += ["", "Generation (bench/generate.py, in-process): " + ", ".join(gens)]
    return lines


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except OSError:
        ram = "unknown"
    version = subprocess.run(
        [kb_python(), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    rg = shutil.which("rg")
    rg_version = (
        subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        if rg
        else "not installed (reference row skipped)"
    )
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": version,
        "platform": platform.platform(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "ripgrep": rg_version,
    }


def report(results: dict[str, KbResult], info: dict[str, str], args: argparse.Namespace) -> str:
    lines = ["# kb benchmark results", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += [
        f"- repetitions: {args.reps} (slow commands: {args.slow_reps}), medians; "
        "ratio = median / median of `python -c pass` in the same rounds",
        "",
        "## Targets",
        "",
        *target_table(results),
        "",
        "## All figures (median wall time, ratio to `python -c pass`, peak RSS)",
        "",
        *results_table(results),
        "",
    ]
    if PAIRED in results:
        lines += [
            "## The targets' searches side by side (every KB in the same rounds)",
            "",
            *paired_table(results[PAIRED]),
            "",
        ]
    return "\n".join(lines)


# ---- main ---------------------------------------------------------------------------------


def watchman_version() -> str:
    done = subprocess.run(["watchman", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown version"


def label_for(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated fact counts of synthetic KBs (default 1000,10000; 100000 is opt-in)",
    )
    parser.add_argument("--reps", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument(
        "--slow-reps",
        type=int,
        default=3,
        help="timed runs of the slow commands: whole-KB validate, index --rebuild (default 3)",
    )
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped KB")
    parser.add_argument(
        "--no-watchman", action="store_true", help="leave out the searches that ask watchman"
    )
    parser.add_argument(
        "--pair-reps",
        type=int,
        default=15,
        help="rounds of the side-by-side run of the targets' searches (default 15; 0: none)",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="another kb entry point whose searches are timed in the same rounds",
    )
    parser.add_argument(
        "--compare-kb",
        type=Path,
        help="the shipped KB as the --compare version had it (its entries/ folder), when the "
        "KB's format changed since: that version searches its own KB (default: the same KB)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kb-bench",
        help="where synthetic KBs and their indexes live (default: $TMPDIR/kb-bench)",
    )
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="write raw results (every run) as JSON here")
    parser.add_argument(
        "--merge", type=Path, action="append", default=[], help="add KBs from an earlier --json"
    )
    args = parser.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes}")
    if args.reps < 1 or args.slow_reps < 1:
        parser.error("--reps and --slow-reps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not KB_BIN.exists():
        print(f"run.py: {KB_BIN} is missing; run `uv sync` first", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    results: dict[str, KbResult] = {}
    for path in args.merge:
        for raw in json.loads(path.read_text())["results"]:
            results[raw["label"]] = KbResult(**raw)
    use_watchman = not args.no_watchman and shutil.which("watchman") is not None
    info["watchman"] = watchman_version() if use_watchman else "not used"
    with private_server() if use_watchman else contextlib.nullcontext() as running:
        if not args.no_shipped:
            results["shipped"] = bench_kb("shipped", REPO / "entries", args, False, None, running)
        for n in args.size_list:
            root, generated = ensure_kb(args.workdir, n)
            results[label_for(n)] = bench_kb(label_for(n), root, args, True, generated, running)
        side_by_side = [label for label in ("shipped", "1k", "100k") if label in KB_ENVS]
        if args.pair_reps and len(side_by_side) > 1:
            results[PAIRED] = bench_paired(side_by_side, args, running)
    info["load average (end)"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(results, info, args)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        raw = {"machine": info, "results": [asdict(r) for r in results.values()]}
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
