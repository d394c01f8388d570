"""What `kb show` accepts (the piped output of search and list, entry paths, ids in capitals),
and the `path` every fact object carries: relative to the KB root, in every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app

BLADDER = "facts/core/widgetol-bladder-damage.toml"


def kb(runner: CliRunner, mini_kb: Path, *args: str, stdin: str | None = None) -> tuple:
    result = runner.invoke(app, [*args, "--kb", str(mini_kb)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("producer", [["search", "widgetol"], ["list"]], ids=" ".join)
def test_show_reads_the_default_piped_output_of_search_and_list(
    runner: CliRunner, mini_kb: Path, producer: list[str]
) -> None:
    code, piped, _ = kb(runner, mini_kb, *producer, "-f", "plain")
    assert code == 0 and "\t" in piped
    expected = [line.split("\t")[0] for line in piped.splitlines()]
    code, out, err = kb(runner, mini_kb, "show", "-", "-f", "ids", stdin=piped)
    assert (code, err) == (0, "")
    assert out.splitlines() == expected


def test_show_takes_entry_paths_as_git_prints_them(runner: CliRunner, mini_kb: Path) -> None:
    code, out, err = kb(
        runner,
        mini_kb,
        "show",
        f"entries/{BLADDER}",  # from a repository whose KB is entries/
        BLADDER,  # from the KB root
        "./widgetol-schedule-iv.toml",  # from the fact's folder
        "facts\\core\\gadgetine-stronger.toml",  # as Windows prints it
        "-f",
        "ids",
    )
    assert (code, err) == (0, "")
    assert out.split() == ["widgetol-bladder-damage", "widgetol-schedule-iv", "gadgetine-stronger"]


def test_a_path_in_the_wrong_folder_is_unknown_with_the_real_path_suggested(
    runner: CliRunner, mini_kb: Path
) -> None:
    code, out, err = kb(runner, mini_kb, "show", "facts/risks/widgetol-bladder-damage.toml")
    assert code == 1 and out == ""
    assert (
        f"unknown fact file 'facts/risks/widgetol-bladder-damage.toml' (did you mean '{BLADDER}'?)"
        in err
    )


def test_a_path_is_never_opened(runner: CliRunner, mini_kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text((mini_kb / BLADDER).read_text().replace("widgetol-bladder", "elsewhere"))
    code, out, err = kb(runner, mini_kb, "show", str(outside))
    assert code == 1 and out == ""
    assert "unknown fact file" in err


def test_an_id_typed_in_capitals_gets_the_id_suggested(runner: CliRunner, mini_kb: Path) -> None:
    code, out, err = kb(runner, mini_kb, "show", "WIDGETOL-Schedule-IV")
    assert code == 1 and out == ""
    assert err.strip() == (
        "kb: error: unknown fact id 'WIDGETOL-Schedule-IV' (did you mean 'widgetol-schedule-iv'?)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["show", "widgetol-bladder-damage", "-f", "json"],
        ["list", "--tag", "bladder", "-f", "json"],
        ["search", "bladder", "-f", "json"],
        ["compare", "widgetol-first-made-1970", "widgetol-first-made-1972", "-f", "json"],
    ],
    ids=lambda args: args[0],
)
def test_path_is_relative_to_the_kb_root_in_every_command(
    runner: CliRunner, mini_kb: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mini_kb / "facts")  # not the base: paths do not depend on where kb runs
    code, out, _ = kb(runner, mini_kb, *args)
    assert code == 0
    data = json.loads(out)
    facts = data["hits"] if args[0] == "search" else data["facts"] if args[0] == "compare" else data
    assert facts
    for fact in facts:
        assert fact["path"] == f"facts/core/{fact['id']}.toml"
        assert (mini_kb / fact["path"]).is_file()
        assert list(fact)[-1 if args[0] != "search" else -2] == "path"


def test_jsonl_facts_carry_the_path_too(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = kb(runner, mini_kb, "list", "-f", "jsonl")
    assert code == 0
    assert all(json.loads(line)["path"].startswith("facts/core/") for line in out.splitlines())
