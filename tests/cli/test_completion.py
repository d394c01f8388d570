"""Shell completion through typer's own mechanism: the environment variables the installed
completion script sets, answered by the same `kb` program."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kb.cli.app import app


def complete(runner: CliRunner, words: str, env: dict[str, str] | None = None) -> list[str]:
    parts = words.split(" ")
    variables = {
        "_KB_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
        **(env or {}),
    }
    result = runner.invoke(app, [], env=variables, prog_name="kb")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_show_completes_fact_ids(runner: CliRunner, mini_kb: Path) -> None:
    found = complete(runner, "kb show widgetol-first", {"KB_DIR": str(mini_kb)})
    assert found == ["widgetol-first-made-1970", "widgetol-first-made-1972"]


def test_list_subject_completes_subject_ids_from_the_kb_option(
    runner: CliRunner, mini_kb: Path
) -> None:
    assert complete(runner, f"kb list --kb {mini_kb} --subject ") == ["gadgetine", "widgetol"]
    assert complete(runner, f"kb list --kb {mini_kb} --source a") == ["alpha-news"]


def test_compare_completes_subjects_and_facts(runner: CliRunner, mini_kb: Path) -> None:
    found = complete(runner, "kb compare gadget", {"KB_DIR": str(mini_kb)})
    assert found == ["gadgetine", "gadgetine-stronger"]


def test_commands_and_schema_kinds(runner: CliRunner) -> None:
    assert {"show", "list", "new", "stats", "schema"} <= set(complete(runner, "kb "))
    assert complete(runner, "kb schema s") == ["source", "subject"]


def test_show_completion_prints_a_script_for_the_shell(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--show-completion"], prog_name="kb")
    assert result.exit_code == 0, result.output
    assert "_KB_COMPLETE" in result.stdout
