"""One mapping from errors to messages and exit codes, for every command (kb.cli.errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app, run
from kb.cli.errors import guarded
from kb.core.errors import KbError, UsageError


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["list", "-f", "toml"],
        ["search"],
        ["show"],
        ["list", "--limit", "3"],
        ["compare", "a", "b", "--by", "sauce"],
        ["search", "x", "--limit", "0"],
        ["new", "fact", "--bogus"],
        ["validate", "--snapshots", "/nonexistent/folder"],
    ],
    ids=" ".join,
)
def test_usage_errors_are_one_line_and_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kb: error: "), result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_run_returns_the_code_without_exiting(
    mini_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["list", "--kb", str(mini_kb), "-f", "ids"]) == 0
    assert run(["show", "no-such-fact", "--kb", str(mini_kb)]) == 1
    assert run(["--bogus"]) == 2
    assert "unknown fact id 'no-such-fact'" in capsys.readouterr().err


def test_no_arguments_prints_the_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert "Usage: kb" in result.stdout


@pytest.mark.parametrize(
    ("error", "code", "printed"),
    [
        (KbError("broken"), 1, "kb: error: broken\n"),
        (UsageError("bad option"), 2, "kb: error: bad option\n"),
        (KeyboardInterrupt(), 130, ""),
        (OSError(28, "No space left on device"), 1, "kb: error: No space left on device"),
    ],
)
def test_guarded_maps_each_kind_of_error(
    error: BaseException, code: int, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def body() -> int:
        raise error

    assert guarded(body) == code
    assert capsys.readouterr().err.startswith(printed)


@pytest.mark.parametrize(
    "args",
    [
        ["search", "widgetol", "--kb", ""],
        ["search", "widgetol", "--kb="],
        ["search", "widgetol", "--index-dir", ""],
        ["list", "--kb", ""],
        ["show", "widgetol-schedule-iv", "--context", "--snapshots", ""],
        ["validate", ""],
        ["init", ""],
        ["export", "sqlite", ""],
        ["index", "--index-dir", ""],
    ],
    ids=" ".join,
)
def test_an_empty_path_is_a_usage_error_not_the_working_directory(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """`--kb "$UNSET"` named the working directory: an index was built in it, a KB created."""
    from tests.cli.kbmain import run_main

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("KB_DIR", str(mini_kb))
    ran = run_main(args)
    assert ran.code == 2, ran.stderr
    assert ran.stderr.startswith("kb: error: ") and "an empty path" in ran.stderr
    assert len(ran.stderr.splitlines()) == 1 and ran.stdout == ""
    assert list(here.iterdir()) == []
