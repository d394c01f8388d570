"""Hostile input through the CLI: messages on stderr, the right exit code, no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kb.cli.app import app


def test_show_invalid_fact_says_why_and_does_not_suggest_itself(
    runner: CliRunner, mini_kb: Path
) -> None:
    path = mini_kb / "facts" / "core" / "bom-fact.toml"
    path.write_bytes(b'\xef\xbb\xbfid = "bom-fact"\n')
    result = runner.invoke(app, ["show", "bom-fact", "--kb", str(mini_kb), "-f", "plain"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "bom-fact.toml:1:1: KB003" in result.stderr
    assert "byte order mark" in result.stderr
    assert "fact 'bom-fact' cannot be shown: its file is invalid" in result.stderr
    assert "unknown fact id" not in result.stderr
    assert "did you mean" not in result.stderr


def test_validate_reports_dot_dot_snapshot_without_reading_it(
    runner: CliRunner, mini_kb: Path
) -> None:
    source = mini_kb / "sources" / "beta-blog.toml"
    source.write_text(
        source.read_text().replace('snapshot = "beta.txt"', 'snapshot = "../snapshots/beta.txt"')
    )
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "plain"])
    assert result.exit_code == 1
    assert "KB042 snapshot ../snapshots/beta.txt not found" in result.stdout
    assert "KB041" not in result.stdout


def test_an_empty_snapshot_name_is_one_problem(runner: CliRunner, mini_kb: Path) -> None:
    source = mini_kb / "sources" / "beta-blog.toml"
    source.write_text(source.read_text().replace('snapshot = "beta.txt"', 'snapshot = ""'))
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "plain"])
    assert result.exit_code == 1
    assert "beta-blog.toml:" in result.stdout and "KB016 'snapshot'" in result.stdout
    assert "KB042" not in result.stdout


def test_a_file_name_with_a_newline_cannot_forge_report_lines(
    runner: CliRunner, mini_kb: Path
) -> None:
    source = mini_kb / "facts" / "core" / "widgetol-schedule-iv.toml"
    evil = source.with_name("evil\nkb: error: fake.toml")
    evil.write_bytes(source.read_bytes())
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb), "-f", "plain"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "KB014" in lines[0]
    assert "evil\\nkb: error: fake.toml" in lines[0]
    listed = runner.invoke(app, ["list", "--kb", str(mini_kb), "-f", "ids"])
    warnings = [line for line in listed.stderr.splitlines() if line.startswith("kb: ")]
    assert len(warnings) == len(listed.stderr.splitlines()) == 1
