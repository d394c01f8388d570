"""--min-reliability on search, list and compare: facts with a source at least that good."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from kb.cli.fastpath import run as fast_run


def ids(runner: CliRunner, kb: Path, *args: str) -> list[str]:
    result = runner.invoke(app, [*args, "-f", "ids", "--kb", str(kb)])
    assert result.exit_code in (0, 1), result.output
    return result.stdout.split()


def test_list_and_search_keep_facts_with_a_good_enough_source(
    runner: CliRunner, mini_kb: Path
) -> None:
    everything = ids(runner, mini_kb, "list")
    high = ids(runner, mini_kb, "list", "--min-reliability", "high")
    assert high == ["widgetol-bladder-damage", "widgetol-first-made-1970", "widgetol-schedule-iv"]
    assert ids(runner, mini_kb, "list", "--min-reliability", "low") == everything
    found = ids(runner, mini_kb, "search", "widgetol", "--all", "--min-reliability", "HIGH")
    assert sorted(found) == high
    assert ids(runner, mini_kb, "search", "gizmo", "--min-reliability", "medium") == []


def test_the_fast_path_and_typer_agree(
    runner: CliRunner, mini_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["search", "widgetol", "--all", "--min-reliability", "high", "-f", "ids"]
    code = fast_run(["kb", *args, "--kb", str(mini_kb)])
    assert code == 0
    assert capsys.readouterr().out.split() == ids(runner, mini_kb, *args[:-2])


def test_search_uses_the_index_record_of_sources(runner: CliRunner, mini_kb: Path) -> None:
    """A source whose reliability changes is re-read into the index's manifest."""
    assert ids(runner, mini_kb, "search", "gadgetine", "--min-reliability", "high") == []
    source = mini_kb / "sources" / "beta-blog.toml"
    source.write_text(source.read_text().replace('reliability = "low"', 'reliability = "high"'))
    assert ids(runner, mini_kb, "search", "gadgetine", "--min-reliability", "high") == [
        "gadgetine-stronger"
    ]


@pytest.mark.parametrize("command", [["list"], ["search", "widgetol"]])
def test_unknown_level_is_a_usage_error(
    runner: CliRunner, mini_kb: Path, command: list[str]
) -> None:
    result = runner.invoke(app, [*command, "--min-reliability", "hgh", "--kb", str(mini_kb)])
    assert result.exit_code == 2
    assert "unknown reliability level 'hgh' (did you mean 'high'?)" in result.stderr


def test_compare_by_source_keeps_only_reliable_columns(runner: CliRunner, mini_kb: Path) -> None:
    def columns(*extra: str) -> list[str]:
        result = runner.invoke(
            app,
            ["compare", "widgetol", "--by", "source", "-f", "json", "--kb", str(mini_kb), *extra],
        )
        return json.loads(result.stdout)["columns"]

    assert columns() == ["alpha-news", "beta-blog"]
    assert columns("--min-reliability", "high") == ["alpha-news"]
    result = runner.invoke(
        app,
        [
            "compare",
            "widgetol-first-made-1970",
            "widgetol-first-made-1972",
            "--min-reliability",
            "high",
            "--kb",
            str(mini_kb),
        ],
    )
    assert result.exit_code == 2
    assert "not facts" in result.stderr


def test_compare_subjects_drops_weak_facts(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compare",
            "widgetol",
            "gadgetine",
            "--min-reliability",
            "high",
            "-f",
            "json",
            "--kb",
            str(mini_kb),
        ],
    )
    facts = {
        c["fact"]
        for r in json.loads(result.stdout)["rows"]
        for v in r["values"].values()
        for c in v
    }
    assert facts == {"widgetol-first-made-1970", "widgetol-schedule-iv"}
