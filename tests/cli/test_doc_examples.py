"""Every example in README.md and docs/*.md that can run is run, and must succeed and print
something: the commands of shell code blocks, the `Examples:` of every command's help (through
docs/cli-reference.md, generated from it) and the queries of docs/search.md's tables.

The commands of a block run in order, in a folder of their own holding a copy of the shipped
KB as `entries/` (so that examples that write files, or name entry paths, work as they would
in a clone): a plain `kb ...` in this process, anything else in bash (`set -o pipefail`) with
kb and datasette from this environment on PATH. What cannot run here is left
out by the rules in NOT_RUN, each with its reason; a test checks the rules still match
something, so that none outlives the example it was written for.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from tests.conftest import REPO, SHIPPED_KB

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_BLOCK = re.compile(r"^( *)```(?:sh|bash|console|shell)\n(.*?)^\1```", re.S | re.M)
COMMAND_START = re.compile(r"^(?:uv run )?(?:kb|datasette|sqlite3) ")
SIMPLE = re.compile(r"(?:uv run )?kb [^|&;<>$`]*")  # no shell needed

# Examples that are not run, and why.
NOT_RUN = {
    "--install-completion": "changes the user's shell start-up files",
    "localhost:9200": "needs an OpenSearch or Elasticsearch server",
    "'...'": "a placeholder for the user's text",
    "SRC ": "a placeholder for a source id",
    "SOURCE-ID": "a placeholder for a source id",
    "'VERBATIM": "a placeholder for a quote",
    "'WHY'": "a placeholder, and a snapshot that is not there",
    "(in a terminal": "asks questions in a terminal",
    # Commands that write entries or a new KB: each runs for real in its own CLI tests
    # (test_mv_rm_link.py, test_edit_init.py, test_new.py, test_walkthrough.py).
    "kb mv ": "rewrites entries (tests/cli/test_mv_rm_link.py)",
    "kb rm ": "removes entries (tests/cli/test_mv_rm_link.py)",
    "kb link ": "rewrites entries (tests/cli/test_mv_rm_link.py)",
    "kb edit ": "opens an editor (tests/cli/test_edit_init.py)",
    "kb init": "writes a new KB (tests/cli/test_edit_init.py, tests/cli/test_walkthrough.py)",
    "--from ": "captures a file the example does not ship (tests/cli/test_new.py)",
    "kb new fact$": "asks for every value in a terminal (tests/cli/test_new_pty.py)",
    "robin": "the walkthrough's own KB (tests/cli/test_walkthrough.py runs it whole)",
}


def _examples_in_blocks(doc: Path) -> list[list[str]]:
    """The commands of each shell block (a block is run as one session, in order)."""
    blocks = []
    for block in SHELL_BLOCK.finditer(doc.read_text(encoding="utf-8")):
        text = re.sub(r"\\\n\s*", " ", block.group(2))  # continued lines
        commands = []
        for line in text.splitlines():
            command = re.sub(r"\s+#\s.*$", "", line.strip())  # a trailing comment
            if COMMAND_START.match(command):
                commands.append(" ".join(command.split()))
        blocks.append(commands)
    return blocks


def _examples_in_help(reference: Path) -> list[list[str]]:
    """`Example(s): a;  b` paragraphs of the generated command reference, split at `;`."""
    blocks = []
    text = reference.read_text(encoding="utf-8")
    for paragraph in re.findall(r"^Examples?: (.*?)(?:\n\n|\n```)", text, re.S | re.M):
        joined = " ".join(paragraph.split())
        blocks.append(
            [part.strip() for part in re.split(r";\s+(?=kb |datasette |sqlite3 )", joined)]
        )
    return blocks


def _queries_in_search_tables(search_md: Path) -> list[list[str]]:
    """The queries of the query-language and field tables, each `kb search 'QUERY'`."""
    text = search_md.read_text(encoding="utf-8")
    language = text[text.index("## Query language") : text.index("### Limits")]
    queries = []
    for row in re.findall(r"^\| (.*)$", language, re.M):
        cells = [cell.strip() for cell in row.split(" | ")]
        if cells[0] in ("query", "field") or set(cells[0]) <= {"-", "|"}:
            continue
        field_row = len(cells) == 3  # | field | holds | example |
        for query in re.findall(r"`([^`]+)`", cells[-1] if field_row else cells[0]):
            if not query.startswith("field:"):
                queries.append(["kb search '" + query.replace("'", "'\\''") + "'"])
    return queries


def collect() -> list[tuple[str, list[str]]]:
    """(document, commands) for each block of examples, the commands that can run."""
    blocks: list[tuple[str, list[str]]] = []
    for doc in DOCS:
        name = doc.relative_to(REPO).as_posix()
        found = (
            _examples_in_help(doc) if doc.name == "cli-reference.md" else _examples_in_blocks(doc)
        )
        blocks += [(name, commands) for commands in found]
    blocks += [("docs/search.md", q) for q in _queries_in_search_tables(REPO / "docs/search.md")]
    return blocks


BLOCKS = collect()
EVERY_COMMAND = [command for _, commands in BLOCKS for command in commands]


def _matches(mark: str, command: str) -> bool:
    """A mark ending in `$` matches the end of a command only (`kb new fact$`: no options)."""
    return command.endswith(mark[:-1]) if mark.endswith("$") else mark in command


def _why_not(command: str) -> str | None:
    return next((why for mark, why in NOT_RUN.items() if _matches(mark, command)), None)


RUNNABLE = [
    (doc, kept)
    for doc, commands in BLOCKS
    if (kept := [command for command in commands if _why_not(command) is None])
]


def _needs(program: str) -> None:
    """A program an example pipes into: CI installs it (.ci/run); elsewhere its absence skips."""
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed (.ci/run installs it)")
        pytest.skip(f"{program} is not installed")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the examples: this environment's programs first, an index and a
    home of their own, the snapshots where CI and a checkout have them."""
    index = tmp_path_factory.mktemp("index")
    home = tmp_path_factory.mktemp("home")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KB_DIR", "NO_COLOR", "FORCE_COLOR", "KB_SNAPSHOTS")
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        KB_INDEX_DIR=str(index),
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        COLUMNS="100",
    )
    snapshots = (SHIPPED_KB / "../../shared/sources").resolve()
    if snapshots.is_dir():
        env["KB_SNAPSHOTS"] = str(snapshots)
    copy = tmp_path_factory.mktemp("kb") / "entries"  # one copy (and index) for read-only blocks
    shutil.copytree(SHIPPED_KB, copy)
    env["_KB_COPY"] = str(copy)
    return env


def test_the_docs_have_examples_and_the_rules_match_some() -> None:
    assert sum(len(commands) for _, commands in RUNNABLE) >= 60
    for mark in NOT_RUN:
        assert any(_matches(mark, c) for c in EVERY_COMMAND), f"no example matches {mark!r}"


def _run(command: str, here: Path, env: dict[str, str]) -> str | None:
    """Run one example; what went wrong, or None. A plain `kb ...` runs in this process (it is
    quicker); anything with a pipe, a redirection or another program runs in bash. Output on
    stdout, on stderr (`kb validate`'s summary) or a file written counts as something."""
    before = set(here.iterdir())
    if SIMPLE.fullmatch(command):
        argv = shlex.split(command.removeprefix("uv run "))[1:]
        with _working_directory(here):
            result = CliRunner().invoke(app, argv, env=env)
        code, out, err = result.exit_code, result.stdout, result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            err += "".join(traceback.format_exception(result.exception))
    else:
        code, out, err = _in_bash(command, here, env)
    if "Traceback" in err or code != 0:
        return f"{command}\n  exit {code}: {err.strip()[-800:]}"
    if not (out + err).strip() and set(here.iterdir()) == before:
        return f"{command}\n  printed nothing and wrote nothing"
    return None


def _in_bash(command: str, here: Path, env: dict[str, str]) -> tuple[int, str, str]:
    for program in ("jq", "sqlite3"):
        if re.search(rf"(^|[|&;] *){program} ", command):
            _needs(program)
    # `uv run kb` is `kb` in this environment; `datasette FILE` serves until stopped, so
    # Datasette reads the file with `datasette inspect` instead.
    runnable = re.sub(r"(^|[|&;] *)uv run ", r"\1", command)
    runnable = re.sub(r"\bdatasette (?!inspect)(\S+\.db)", r"datasette inspect \1", runnable)
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail\n{runnable}"],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# Examples known to fail today, and why: each is expected to fail (strictly: once it works, the
# test fails until it is taken off this list).
KNOWN_FAILING: dict[str, str] = {}  # example command -> why it finds nothing yet


def _case(doc: str, commands: list[str]) -> object:
    known = [KNOWN_FAILING[c] for c in commands if c in KNOWN_FAILING]
    marks = [pytest.mark.xfail(reason=known[0], strict=True)] if known else []
    return pytest.param(doc, commands, marks=marks, id=f"{doc}: {commands[0]}")


@pytest.mark.parametrize(("doc", "commands"), [_case(d, c) for d, c in RUNNABLE])
def test_examples_run_and_print_something(
    doc: str, commands: list[str], workspace: dict[str, str], tmp_path: Path
) -> None:
    """The commands of one block, in order, in a folder of their own with the KB copy as
    `entries` (a copy of their own, and an index, for a block that adds entries)."""
    env = dict(workspace)
    if any(command.startswith("kb new ") for command in commands):
        shutil.copytree(SHIPPED_KB, tmp_path / "entries")
        env["KB_INDEX_DIR"] = str(tmp_path / ".index")
    else:
        (tmp_path / "entries").symlink_to(Path(env.pop("_KB_COPY")), target_is_directory=True)
    env.pop("_KB_COPY", None)
    failed = [why for command in commands if (why := _run(command, tmp_path, env))]
    assert not failed, f"{doc}:\n" + "\n".join(failed)
