"""Property tests of the command line: the two parsers of `kb search` (the typer-free fast path
and the typer app) agree on every argument list, and every usage error of any command is one
`kb: error:` line with exit 2.

Random argument lists are built from the options `kb search` has (alone, with a value, glued
with `=`, with an empty value), misspelt and unknown options, values that are valid, invalid,
empty or padded, query words and arbitrary text.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kb.cli import searching
from kb.cli.app import app
from kb.cli.fastpath import FLAG_OPTIONS, VALUE_OPTIONS, parse_search
from tests.cli.kbmain import run_main
from tests.conftest import MINI_KB

NAMES = sorted(VALUE_OPTIONS) + sorted(FLAG_OPTIONS)
ODD_NAMES = ["-h", "--help", "--bogus", "-x", "--lim", "--statu", "-n5", "-fjson", "--", "-"]
VALUES = [
    *["", " ", "refuted", " refuted", "contested", "established", "REFUTED", "risks"],
    *["0", "-1", "1", "3", "+2", " 4", "1_0", "٣", "3.0", "x", "widgetol", "gadgetine"],
    *["json", "ids", "rich", "plain", "jsonl", "toml", "yaml", "-", "--", "a=b", "Ünï"],
]
WORDS = ["bladder", "widgetol", "harm", "NOT", "AND", '"schedule', "wid*", "-word", "x:y", ""]

# An argument list from a real command line holds no NUL (the system passes C strings).
ARG_CHARS = st.characters(blacklist_characters="\x00")
value = st.sampled_from(VALUES) | st.text(ARG_CHARS, max_size=4)
option = st.sampled_from(NAMES + ODD_NAMES)
glued = st.builds(lambda name, v: f"{name}={v}", st.sampled_from([*NAMES, "--bogus"]), value)
word = st.sampled_from(WORDS) | st.text(ARG_CHARS, max_size=6)
arguments = st.lists(st.one_of(option, option, value, glued, word, word), max_size=8)

FAST = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SLOW = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def typer_request(args: list[str]) -> tuple[int, list[searching.SearchRequest]]:
    """What the typer app makes of `kb search ARGS`: its exit code, and the request it runs."""
    seen: list[searching.SearchRequest] = []

    def record(request: searching.SearchRequest) -> int:
        seen.append(request)
        return 0

    with mock.patch.object(searching, "run_search", record):
        result = CliRunner().invoke(app, ["search", *args])
    return result.exit_code, seen


@FAST
@given(arguments)
@example(["--status=", "refuted", "ketamine"])
@example(["--status=", "x"])
@example(["--tag=", "--topic", "risks", "x"])
@example(["--limit=", "3", "x"])
@example(["--no-color=", "x"])
@example(["--all=1", "x"])
def test_the_fast_path_accepts_only_what_typer_accepts_and_means_the_same(
    args: list[str],
) -> None:
    """Whatever the fast path takes, typer takes too, as the same request (so the same
    search runs, with the same outcome and exit code); whatever it declines goes to typer."""
    fast = parse_search(args)
    if fast is None:
        return
    code, seen = typer_request(args)
    assert code == 0, f"typer refuses what the fast path accepted: {args!r}"
    assert seen == [fast], args


@pytest.fixture(scope="module")
def searched_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    import shutil

    root = tmp_path_factory.mktemp("parsers") / "kb"
    shutil.copytree(MINI_KB, root)
    index = str(root.parent / "index")
    run_main(["index", "--kb", str(root), "--index-dir", index])
    return str(root), index


@SLOW
@given(args=arguments)
@example(args=["--status=", "refuted", "harm"])
@example(args=["--status= refuted", "harm"])
@example(args=["--limit", " 2", "widgetol", "-f", "ids"])
def test_kb_search_ends_the_same_with_or_without_the_fast_path(
    args: list[str], searched_kb: tuple[str, str]
) -> None:
    """End to end, as the `kb` command runs: the same exit code, output and messages whether
    the fast path or typer parses the arguments."""
    root, index = searched_kb
    argv = ["search", "--kb", root, "--index-dir", index, *args]
    with contextlib.chdir(Path(index).parent):  # a random --index-dir lands there
        either = run_main(argv)
        with mock.patch("kb.cli.fastpath.parse_search", lambda args: None):
            typer_only = run_main(argv)
    assert (either.code, either.out, either.err) == (
        typer_only.code,
        typer_only.out,
        typer_only.err,
    )
    assert b"Traceback" not in either.err


COMMANDS = ["search", "list", "show", "validate", "compare", "stats", "index", "schema", "new"]
OTHER_OPTIONS = ["--subject", "--by", "--attribute", "--strict", "--snapshots", "--rebuild"]


@SLOW
@given(
    command=st.sampled_from(COMMANDS),
    args=st.lists(
        st.one_of(option, value, glued, word, st.sampled_from(OTHER_OPTIONS)), max_size=6
    ),
)
@example(command="search", args=["--status"])
@example(command="list", args=["--limit", "x"])
@example(command="show", args=[])
@example(command="compare", args=["--by", "nothing", "a", "b"])
@example(command="new", args=["fact", "--bogus"])
def test_a_usage_error_is_one_kb_error_line(
    command: str, args: list[str], searched_kb: tuple[str, str]
) -> None:
    root, index = searched_kb
    with contextlib.chdir(Path(index).parent):  # a random --index-dir lands there
        ran = run_main([command, *args, "--kb", root], stdin=b"")
    assert b"Traceback" not in ran.err
    if ran.code == 2:
        lines = ran.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("kb: error: "), ran.stderr
    for line in ran.stderr.splitlines():
        assert line.startswith("kb: "), ran.stderr
    assert Path(index).is_dir()
