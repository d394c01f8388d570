"""The typer-free fast path for `kb search` must parse exactly like the typer command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kb.cli import searching as cliutil
from kb.cli.app import app
from kb.cli.fastpath import FLAG_OPTIONS, VALUE_OPTIONS, parse_search
from kb.cli.fastpath import run as fast_run
from kb.cli.searching import SearchRequest


def _search_options() -> set[str]:
    command = typer.main.get_command(app).commands["search"]  # type: ignore[attr-defined]
    names: set[str] = set()
    for param in command.params:
        names.update(o for o in param.opts if o.startswith("-"))
    return names - {"-h", "--help"}


def test_fast_path_knows_exactly_the_typer_options() -> None:
    assert set(VALUE_OPTIONS) | set(FLAG_OPTIONS) == _search_options()


CASES = [
    ["bladder"],
    ["bladder", "pain", "-f", "ids"],
    ["--format=json", "nasal spray", "--limit", "3"],
    ["-n", "2", "--subject", "spravato", "--topic", "risks", "dose"],
    ["--all", "--status", "contested", "--tag", "fda", "--source", "x", "approval"],
    ["--kb", "some/where", "--index-dir", "/tmp/i", "--no-color", "--", "-dash", "word"],
    ["--status", "contested", "x", "--status=refuted", "--tag", "a", "--tag", "B"],
    ["--color", "always", "--no-pager", "bladder"],
    ["--color=never", "bladder"],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_fast_path_request_equals_typer_request(
    args: list[str], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SearchRequest] = []
    monkeypatch.setattr(cliutil, "run_search", lambda request: seen.append(request) or 0)
    result = runner.invoke(app, ["search", *args])
    assert result.exit_code == 0, result.output
    assert parse_search(args) == seen[0]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["-fjson", "x"],
        ["--bogus", "x"],
        ["--limit", "0", "x"],
        ["--limit", "many", "x"],
        ["-f", "yaml", "x"],
        ["x", "--subject"],
        ["--no-color=1", "x"],
        ["--color", "sometimes", "x"],
        ["--no-pager=yes", "x"],
    ],
    ids=repr,
)
def test_unusual_invocations_go_to_typer(args: list[str]) -> None:
    assert parse_search(args) is None


def test_run_only_takes_search(monkeypatch: pytest.MonkeyPatch, mini_kb: Path) -> None:
    assert fast_run(["kb", "list"]) is None
    monkeypatch.setenv("_KB_COMPLETE", "complete_bash")
    assert fast_run(["kb", "search", "x"]) is None


def test_run_maps_domain_errors_to_exit_codes(
    mini_kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = fast_run(
        ["kb", "search", "nosuchfield:x", "--kb", str(mini_kb), "--index-dir", str(tmp_path / "ix")]
    )
    assert code == 2
    assert "nosuchfield" in capsys.readouterr().err
