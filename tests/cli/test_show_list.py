from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


def test_show_plain_has_statement_and_provenance(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["show", "widgetol-schedule-iv", "--kb", str(mini_kb)])
    assert result.exit_code == 0, result.output
    assert "statement\tWidgetol is a Schedule IV controlled substance." in result.stdout
    assert "provenance\talpha-news\thigh\tWidgetol explained" in result.stdout


def test_show_unknown_id_suggests_and_still_shows_known(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(
        app,
        ["show", "widgetol-schedule-iv", "widgetol-schedul-iv", "--kb", str(mini_kb), "-f", "ids"],
    )
    assert result.exit_code == 1
    assert result.stdout == "widgetol-schedule-iv\n"
    assert "unknown fact id 'widgetol-schedul-iv'" in result.stderr
    assert "widgetol-schedule-iv" in result.stderr


def test_show_invalid_fact_says_why_once(runner: CliRunner, mini_kb: Path) -> None:
    broken = mini_kb / "facts" / "core" / "broken-fact.toml"
    broken.write_text('id = "broken-fact"\nstatement = 5\n')
    result = runner.invoke(
        app, ["show", "broken-fact", "widgetol-schedule-iv", "--kb", str(mini_kb), "-f", "ids"]
    )
    assert result.exit_code == 1
    assert result.stdout == "widgetol-schedule-iv\n"
    assert "fact 'broken-fact' cannot be shown: its file is invalid" in result.stderr
    assert "broken-fact.toml:2:" in result.stderr
    assert "unknown fact id" not in result.stderr
    assert result.stderr.count("broken-fact.toml") == 1  # no second warning about the same file


def test_show_reads_ids_from_stdin_as_json(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(
        app,
        ["show", "-", "-f", "json", "--kb", str(mini_kb)],
        input="gadgetine-stronger\nwidgetol-bladder-damage\n",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == ["gadgetine-stronger", "widgetol-bladder-damage"]
    assert data[0]["provenance"][0]["reliability"] == "low"


def test_show_id_is_never_a_path(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["show", "../kb", "--kb", str(mini_kb)])
    assert result.exit_code == 1
    assert "unknown fact id" in result.stderr


def test_show_toml_prints_file_as_written(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(
        app, ["show", "widgetol-bladder-damage", "-f", "toml", "--kb", str(mini_kb)]
    )
    path = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    assert result.stdout == path.read_text()


def test_list_filters_by_subject_alias_and_status(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["list", "--subject", "Gizmo", "-f", "ids", "--kb", str(mini_kb)])
    assert result.stdout.split() == ["gadgetine-stronger"]
    result = runner.invoke(
        app, ["list", "--status", "contested", "-f", "jsonl", "--kb", str(mini_kb)]
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["widgetol-first-made-1972"]


def test_list_unknown_subject_is_usage_error(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["list", "--subject", "widgetoll", "--kb", str(mini_kb)])
    assert result.exit_code == 2
    assert "did you mean 'widgetol'" in result.stderr


def test_list_nothing_found_exits_1(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["list", "--tag", "nothing-has-this", "--kb", str(mini_kb)])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_rich_markup_in_entries_is_printed_literally(runner: CliRunner, mini_kb: Path) -> None:
    path = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    path.write_text(path.read_text().replace("can harm", "can [bold]harm[/bold]"))
    result = runner.invoke(
        app, ["show", "widgetol-bladder-damage", "-f", "rich", "--kb", str(mini_kb)]
    )
    assert "[bold]harm[/bold]" in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("command", [["list"], ["search", "widgetol"]])
@pytest.mark.parametrize("option", ["--subject", "--topic", "--tag", "--source", "--status"])
def test_an_empty_filter_value_is_a_usage_error(
    runner: CliRunner, mini_kb: Path, command: list[str], option: str
) -> None:
    result = runner.invoke(app, [*command, option, " ", "--kb", str(mini_kb)])
    assert result.exit_code == 2
    assert f"{option} needs a value" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-f", "ids"],
        ["list", "--subject", "widgetol", "-f", "ids"],
        ["stats", "-f", "json"],
    ],
)
def test_an_invalid_subject_or_source_is_warned_about_once(
    runner: CliRunner, mini_kb: Path, args: list[str]
) -> None:
    (mini_kb / "subjects" / "gadgetine.toml").write_text('id = "gadgetine"\nname = \n')
    (mini_kb / "sources" / "gamma.toml").write_text('id = "gamma"\n')
    result = runner.invoke(app, [*args, "--kb", str(mini_kb)])
    warnings = [line for line in result.stderr.splitlines() if "skipped invalid entry" in line]
    assert sum("subjects/gadgetine.toml" in w for w in warnings) == 1, result.stderr
    assert any("sources/gamma.toml" in w for w in warnings), result.stderr
    assert len(warnings) == len(set(warnings)), result.stderr


@pytest.mark.parametrize(("args", "stdin"), [(["show", ""], None), (["show", "-"], "\n  \n")])
def test_show_with_only_blank_ids_says_so(
    runner: CliRunner, mini_kb: Path, args: list[str], stdin: str | None
) -> None:
    result = runner.invoke(app, [*args, "--kb", str(mini_kb)], input=stdin)
    assert result.exit_code == 1
    assert "no fact ids given" in result.stderr


def test_repeated_filters_combine_with_or_and_ignore_case(runner: CliRunner, mini_kb: Path) -> None:
    def listed(*options: str) -> set[str]:
        result = runner.invoke(app, ["list", "--kb", str(mini_kb), "-f", "ids", *options])
        return set(result.stdout.split())

    one, other = listed("--topic", "risks"), listed("--topic", "regulation")
    assert one and other
    assert listed("--topic", "risks", "--topic", "REGULATION") == one | other
    assert listed("--topic", "risks", "--subject", "widgetol") <= one
