"""`kb show --context`: each quote inside its passage of the source's snapshot."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from tests.cli.terminal import run_on_terminal


def show(runner: CliRunner, kb: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["show", *args, "--context", "--kb", str(kb)], env=env)


def test_json_gives_each_quote_its_passage(runner: CliRunner, mini_kb: Path) -> None:
    result = show(runner, mini_kb, "widgetol-schedule-iv", "-f", "json")
    assert result.exit_code == 0, result.output
    context = json.loads(result.stdout)[0]["provenance"][0]["context"]
    assert context == {
        "snapshot": "alpha.txt",
        "line": 2,
        "column": 1,
        "before": "Widgetol is a pain medicine first made in 1970.\n",
        "quote": "It is a “Schedule IV” substance in the country.",  # as the snapshot has it
        "after": "\nLong-term use of widgetol can damage the bladder.",
    }


def test_plain_marks_the_quote(runner: CliRunner, mini_kb: Path) -> None:
    result = show(runner, mini_kb, "widgetol-bladder-damage")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    context = next(row for row in rows if row[0] == "context")
    assert context[1:3] == ["alpha-news", "alpha.txt:3:1"]
    assert context[3].endswith("**Long-term use of widgetol can damage the bladder.**")
    # no context row without --context:
    plain = runner.invoke(app, ["show", "widgetol-bladder-damage", "--kb", str(mini_kb)])
    assert "context" not in plain.stdout


def test_rich_shows_the_passage_marked_without_colour(runner: CliRunner, mini_kb: Path) -> None:
    result = show(runner, mini_kb, "widgetol-first-made-1972", "-f", "rich")
    assert result.exit_code == 0
    assert "in beta.txt, line 1:" in result.stdout
    assert "│ **Widgetol was first made in 1972**, says this blog." in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_on_a_terminal_the_quote_is_highlighted(mini_kb: Path, tmp_path: Path) -> None:
    shown = run_on_terminal(
        ["show", "widgetol-first-made-1972", "--context", "--no-pager"], mini_kb, tmp_path
    )
    assert shown.code == 0, shown.stderr
    assert "**" not in shown.text
    head = shown.screen.rsplit("Widgetol was first made in 1972", 1)[0]  # the passage's
    assert re.search(r"\x1b\[[0-9;]*m$", head)  # styled right from the quote's start


def test_snapshots_from_the_option_or_the_environment(
    runner: CliRunner, mini_kb: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "texts"
    shutil.move(mini_kb / "snapshots", moved)
    for args, env in (
        (["--snapshots", str(moved)], None),
        ([], {"KB_SNAPSHOTS": str(moved)}),
    ):
        result = show(runner, mini_kb, "widgetol-schedule-iv", "-f", "json", *args, env=env)
        assert result.exit_code == 0
        assert json.loads(result.stdout)[0]["provenance"][0]["context"]["line"] == 2
        assert result.stderr == ""


def test_no_snapshots_says_so_and_where_they_come_from(runner: CliRunner, mini_kb: Path) -> None:
    shutil.rmtree(mini_kb / "snapshots")
    result = show(runner, mini_kb, "widgetol-schedule-iv", "-f", "json")
    assert result.exit_code == 0  # the fact is still shown
    assert json.loads(result.stdout)[0]["provenance"][0]["context"] is None
    assert "kb: warning: no quote context: the source snapshots are not available" in result.stderr
    assert "kb.toml: snapshots = 'snapshots'" in result.stderr
    assert "kept outside the package" in result.stderr
    assert "--snapshots DIR or set KB_SNAPSHOTS" in result.stderr
    rich = show(runner, mini_kb, "widgetol-schedule-iv", "-f", "rich")
    assert "(no context: see the warning)" in rich.stdout


def test_shipped_kb_names_its_snapshots_outside_the_package(
    runner: CliRunner, shipped_kb: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "entries"
    shutil.copytree(shipped_kb, copy)  # ../../shared/sources from here is not there
    result = show(runner, copy, "ketamine-schedule-iii", "-f", "ids")
    assert result.exit_code == 0
    assert "snapshots = '../../shared/sources'" in result.stderr


def test_a_missing_snapshot_or_quote_is_reported(runner: CliRunner, mini_kb: Path) -> None:
    (mini_kb / "snapshots" / "beta.txt").unlink()
    text = (mini_kb / "snapshots" / "alpha.txt").read_text()
    (mini_kb / "snapshots" / "alpha.txt").write_text(text.replace("damage", "harm"))
    result = show(runner, mini_kb, "gadgetine-stronger", "widgetol-bladder-damage", "-f", "json")
    assert result.exit_code == 0
    assert "snapshot beta.txt of source beta-blog is not in" in result.stderr
    assert "widgetol-bladder-damage: the quote from alpha-news is not in its snapshot" in (
        result.stderr
    )
    assert [f["provenance"][0]["context"] for f in json.loads(result.stdout)] == [None, None]
