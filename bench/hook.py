"""How long the pre-commit hook's check (`kb validate --staged`) takes on one-file changes.

    python bench/hook.py [--facts 10000] [--rounds 9] [--workdir DIR]

A KB of --facts facts from bench/generate.py is committed to a git repository; then each
change below is staged in turn and `kb validate --staged` (the installed entry point,
.venv/bin/kb) is timed in fresh processes, alternating with `python -c pass` in the same
rounds. The medians and their ratio are printed. The target (docs/contributing.md): at most
1 s for a one-file change in a KB of 10,000 facts. Bytecode caching is on, as when installed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import generate  # noqa: E402

KB = str(Path(sys.executable).parent / "kb")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def first(root: Path, pattern: str) -> Path:
    for path in sorted((root / "facts").rglob("*.toml")):
        if re.search(pattern, path.read_text(), re.M):
            return path
    raise SystemExit(f"no file matches {pattern!r}")


def change_fact(root: Path) -> str:
    path = first(root, r"^statement = ")
    path.write_text(path.read_text() + "# edited\n")
    return f"modify a fact ({path.relative_to(root)})"


def remove_related_fact(root: Path) -> str:
    source = first(root, r"^related = ")
    target = re.search(r'^related = \["([^"]+)"', source.read_text(), re.M)
    assert target is not None
    (path,) = root.glob(f"facts/**/{target.group(1)}.toml")
    path.unlink()
    return "remove a fact that another fact names in related"


def remove_subject(root: Path) -> str:
    path = sorted((root / "subjects").glob("*.toml"))[0]
    path.unlink()
    return f"remove a subject ({path.stem})"


def narrow_vocabulary(root: Path) -> str:
    settings = root / "kb.toml"
    settings.write_text(settings.read_text().replace('"history", ', "", 1))
    return "remove a topic from kb.toml"


def change_source(root: Path) -> str:
    path = sorted((root / "sources").glob("*.toml"))[0]
    path.write_text(path.read_text() + "# edited\n")
    return f"modify a source ({path.stem}: the quotes of the facts citing it)"


CHANGES: list[Callable[[Path], str]] = [
    change_fact,
    remove_related_fact,
    remove_subject,
    narrow_vocabulary,
    change_source,
]


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid")
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        root = Path(folder) / "kb"
        generate(args.facts, root)
        git(root, "init", "-q")
        git(root, "add", "-A")
        subprocess.run(["git", "commit", "-qm", "kb"], cwd=root, env=env, check=True)
        print(f"| change ({args.facts} facts) | kb validate --staged | python -c pass | ratio |")
        print("|---|---|---|---|")
        for make in CHANGES:
            what = make(root)
            git(root, "add", "-A")
            check = [KB, "validate", "--staged"]
            timed(check, root, env)  # warm-up
            ours, bare = [], []
            for _ in range(args.rounds):
                ours.append(timed(check, root, env))
                bare.append(timed([sys.executable, "-c", "pass"], root, env))
            mine, base = statistics.median(ours), statistics.median(bare)
            print(f"| {what} | {mine:.3f} s | {base:.3f} s | {mine / base:.1f} |")
            git(root, "reset", "-q", "--hard")


if __name__ == "__main__":
    main()
