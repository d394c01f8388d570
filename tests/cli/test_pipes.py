"""Through a real process with stdout piped: no escape codes, no tracebacks, exit codes kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COMMANDS = [
    ["list"],
    ["list", "-f", "rich"],
    ["show", "widgetol-schedule-iv", "-f", "rich"],
    ["show", "widgetol-schedule-iv"],
    ["validate", "-f", "rich"],
    ["search", "bladder", "-f", "rich"],
    ["search", "bladder"],
    ["compare", "widgetol", "gadgetine", "-f", "rich"],
    ["stats", "-f", "rich"],
    ["--help"],
]


def kb_environment(kb: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    drop = ("NO_COLOR", "KB_DIR", "FORCE_COLOR")
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    environ.update(
        KB_DIR=str(kb), KB_INDEX_DIR=str(tmp_path / "index"), TERM="xterm-256color", **env
    )
    return environ


def run_kb(
    args: list[str], kb: Path, tmp_path: Path, stdout: Any = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=kb_environment(kb, tmp_path, **env),
        timeout=60,
        check=False,
    )


def run_in_bash(args: str, then: str, kb: Path, tmp_path: Path) -> tuple[int, str]:
    """`kb ARGS THEN` run by bash (THEN: a pipe, a redirection); its exit status and stderr
    (stdout may end in the middle of a UTF-8 character, so it is not decoded)."""
    proc = subprocess.run(
        ["bash", "-c", f"'{sys.executable}' -m kb {args} {then}"],
        capture_output=True,
        env=kb_environment(kb, tmp_path),
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_piped_output_has_no_escape_codes(args: list[str], mini_kb: Path, tmp_path: Path) -> None:
    result = run_kb(args, mini_kb, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).strip()
    assert "\x1b" not in result.stdout
    assert "\x1b" not in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_entry_text_is_never_sent_to_the_terminal(mini_kb: Path, tmp_path: Path) -> None:
    """An entry with an escape sequence is rejected by validate and never printed raw."""
    fact = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    fact.write_text(fact.read_text().replace("can harm", "can \\u001b[2J harm"))
    validate = run_kb(["validate"], mini_kb, tmp_path)
    assert validate.returncode == 1
    assert "KB018" in validate.stdout
    for args in (["show", "widgetol-bladder-damage", "-f", "toml"], ["list"], ["search", "harm"]):
        result = run_kb(args, mini_kb, tmp_path)
        assert "\x1b" not in result.stdout + result.stderr, args
        assert "Traceback" not in result.stderr


def test_hostile_arguments_are_echoed_safely(mini_kb: Path, tmp_path: Path) -> None:
    result = run_kb(["show", "evil\x1b[31mid"], mini_kb, tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b" in result.stderr


@pytest.mark.parametrize("args", ["list -f jsonl", "list -f rich", "search ketamine --all -f json"])
def test_closed_pipe_ends_quietly_with_exit_0(args: str, shipped_kb: Path, tmp_path: Path) -> None:
    """More output than a pipe holds (the shipped KB), so the writer meets the closed pipe."""
    status, stderr = run_in_bash(args, "| head -c 1; exit ${PIPESTATUS[0]}", shipped_kb, tmp_path)
    assert status == 0, stderr
    assert "Traceback" not in stderr
    assert "BrokenPipe" not in stderr


@pytest.mark.parametrize("args", [["list"], ["search", "widgetol"]])
def test_a_closed_stdout_is_an_error_not_a_traceback(
    args: list[str], mini_kb: Path, tmp_path: Path
) -> None:
    status, stderr = run_in_bash(" ".join(args), ">&-", mini_kb, tmp_path)
    assert status == 1
    assert "standard output is closed" in stderr
    assert "Traceback" not in stderr


def test_no_color_wins_over_a_forced_terminal(mini_kb: Path, tmp_path: Path) -> None:
    forced = run_kb(["list", "-f", "rich"], mini_kb, tmp_path, FORCE_COLOR="1")
    assert "\x1b[" in forced.stdout  # the check below can fail
    for extra in ({"NO_COLOR": "1"}, {}):
        args = ["list", "-f", "rich"] + ([] if extra else ["--no-color"])
        result = run_kb(args, mini_kb, tmp_path, FORCE_COLOR="1", **extra)
        assert "\x1b[3" not in result.stdout  # no colour codes


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["list"], ["search", "bladder"], ["stats", "-f", "json"]])
def test_a_full_disk_on_stdout_is_an_error_not_a_traceback(
    args: list[str], mini_kb: Path, tmp_path: Path
) -> None:
    with open("/dev/full", "w") as full:
        result = run_kb(args, mini_kb, tmp_path, stdout=full)
    assert result.returncode == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
