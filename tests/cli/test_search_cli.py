"""`kb search` and `kb index` through the CLI: formats, exit codes, options, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


def kb_search(runner: CliRunner, kb: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["search", *args, "--kb", str(kb)])


def test_plain_is_id_score_statement(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "bladder")
    assert result.exit_code == 0, result.output
    fact_id, score, statement = result.stdout.rstrip("\n").split("\t")
    assert fact_id == "widgetol-bladder-damage"
    assert float(score) > 0 and score == f"{float(score):.3f}"
    assert statement == "Using widgetol for a long time can harm the bladder."


def test_ids_one_per_line(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetol", "-f", "ids")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 5 and lines[0].startswith("widgetol-")


def test_several_arguments_are_one_query(runner: CliRunner, mini_kb: Path) -> None:
    one = kb_search(runner, mini_kb, "schedule widgetol", "-f", "ids").stdout
    assert kb_search(runner, mini_kb, "schedule", "widgetol", "-f", "ids").stdout == one


def test_json_objects(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "harm bladder", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["query"], data["corrected"], data["total"], data["limit"]) == (
        "harm bladder",
        None,
        1,
        10,
    )
    [hit] = data["hits"]
    for key in (
        "id",
        "score",
        "statement",
        "subject",
        "topics",
        "tags",
        "status",
        "provenance",
        "highlights",
    ):
        assert key in hit
    assert hit["subject"] == "widgetol" and hit["subject_name"] == "Widgetol"
    assert hit["provenance"] == [
        {
            "source": "alpha-news",
            "quote": "Long-term use of widgetol can damage the bladder.",
            "locator": None,
            "title": "Widgetol explained",
            "publisher": "Alpha News",
            "reliability": "high",
        }
    ]
    statement, quote = hit["highlights"]
    assert statement["field"] == "statement"
    assert statement["marked"] == "Using widgetol for a long time can **harm** the **bladder**."
    assert statement["spans"] == [[35, 39], [44, 51]]
    assert quote["field"] == "quote" and quote["source"] == "alpha-news"


def test_jsonl_one_object_per_line(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetol", "-f", "jsonl", "--limit", "2")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[0]["score"] >= rows[1]["score"]


def test_rich_marks_contested_facts_and_shows_sources(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "synthesis", "-f", "rich")
    assert result.exit_code == 0
    assert "CONTESTED" in result.stdout
    assert "reliability: low" in result.stdout and "My widgetol blog" in result.stdout
    assert "1 of 1 matching facts" in result.stdout


def test_rich_labels_refuted_facts(runner: CliRunner, mini_kb: Path) -> None:
    path = mini_kb / "facts" / "core" / "widgetol-first-made-1972.toml"
    path.write_text(path.read_text().replace('"contested"', '"refuted"'))
    result = kb_search(runner, mini_kb, "synthesis", "-f", "rich")
    assert " REFUTED " in result.stdout


def test_rich_highlights_with_colour(
    runner: CliRunner, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    result = kb_search(runner, mini_kb, "bladder", "-f", "rich")
    assert "\x1b[" in result.stdout
    assert "bladder" in result.stdout
    plain = kb_search(runner, mini_kb, "bladder", "-f", "rich", "--no-color")
    assert "\x1b[3" not in plain.stdout


def test_entry_text_is_printed_safely(runner: CliRunner, mini_kb: Path) -> None:
    path = mini_kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    path.write_text(path.read_text().replace("can harm", "can [bold]harm[/bold]"))
    for fmt in ("rich", "plain"):
        result = kb_search(runner, mini_kb, "harm", "-f", fmt)
        assert "[bold]harm[/bold]" in result.stdout
        assert "\x1b" not in result.stdout


def test_limit_and_all(runner: CliRunner, mini_kb: Path) -> None:
    assert (
        len(kb_search(runner, mini_kb, "widgetol", "-f", "ids", "-n", "2").stdout.splitlines()) == 2
    )
    assert (
        len(
            kb_search(
                runner, mini_kb, "widgetol", "-f", "ids", "--limit", "2", "--all"
            ).stdout.splitlines()
        )
        == 5
    )
    assert kb_search(runner, mini_kb, "widgetol", "--limit", "0").exit_code == 2


def test_filters(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetol OR gadgetine", "--subject", "gizmo", "-f", "ids")
    assert result.stdout.split() == ["gadgetine-stronger"]
    result = kb_search(
        runner,
        mini_kb,
        "widgetol",
        "--status",
        "contested",
        "--topic",
        "pharmacology",
        "--source",
        "beta-blog",
        "--tag",
        "history",
        "-f",
        "ids",
    )
    assert result.stdout.split() == ["widgetol-first-made-1972"]


def test_no_match_exits_1(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "zzyzx")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no facts match 'zzyzx'" in result.stderr


def test_a_typo_is_corrected_with_a_notice(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "bladdr", "-f", "ids")
    assert result.exit_code == 0
    assert result.stdout.split() == ["widgetol-bladder-damage"]
    assert result.stderr.strip() == (
        "kb: notice: nothing matches 'bladdr'; showing results for 'bladder'"
    )


def test_a_suggestion_that_finds_nothing_either(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "bladdr AND gizmo")
    assert result.exit_code == 1
    assert "did you mean 'bladder AND gizmo'?" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["colour:red"], "unknown field 'colour' in the query; valid fields: subject, topic"),
        (["*"], "'*' alone would match every fact"),
        (["*amine"], "leading wildcards are not supported"),
        (["widgetol~5"], "fuzzy distance 5"),
        (["x" * 10_000], "the limit is"),
        (["bladder", "--subject", "widgetoll"], "did you mean 'widgetol'"),
        (["bladder", "--topic", "risk"], "did you mean 'risks'"),
        (["bladder", "-f", "toml"], "'toml' is not one of: rich, plain, json, jsonl, ids"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, mini_kb: Path, args: list[str], message: str
) -> None:
    result = kb_search(runner, mini_kb, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_invalid_entries_are_warned_about(runner: CliRunner, mini_kb: Path) -> None:
    (mini_kb / "facts" / "core" / "widgetol-schedule-iv.toml").write_text("id = [\n")
    result = kb_search(runner, mini_kb, "widgetol", "-f", "ids")
    assert result.exit_code == 0 and "widgetol-schedule-iv" not in result.stdout
    assert "kb: warning: skipped invalid entry:" in result.stderr


def test_index_dir_option_and_environment(
    runner: CliRunner, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "idx"
    result = kb_search(runner, mini_kb, "bladder", "--index-dir", str(chosen))
    assert result.exit_code == 0 and (chosen / "kb-index.json").is_file()
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "env-idx"))
    result = runner.invoke(app, ["index", "--kb", str(mini_kb), "-f", "json"])
    assert json.loads(result.stdout)["index_dir"] == str(tmp_path / "env-idx")


def test_a_foreign_index_dir_is_refused(runner: CliRunner, mini_kb: Path, tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("precious")
    result = kb_search(runner, mini_kb, "bladder", "--index-dir", str(tmp_path))
    assert result.exit_code == 1 and "not created by kb" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt", "mini-kb"]


def test_index_reports_counts_and_time(runner: CliRunner, mini_kb: Path) -> None:
    first = runner.invoke(app, ["index", "--kb", str(mini_kb)])
    assert first.exit_code == 0
    assert first.stdout.startswith("index rebuilt: 5 facts; added 5, updated 0, removed 0 in ")
    (mini_kb / "facts" / "core" / "gadgetine-stronger.toml").unlink()
    second = runner.invoke(app, ["index", "--kb", str(mini_kb), "-f", "json"])
    report = json.loads(second.stdout)
    assert (report["added"], report["updated"], report["removed"], report["facts"]) == (0, 0, 1, 4)
    assert report["rebuilt"] is False and report["seconds"] >= 0
    again = runner.invoke(app, ["index", "--kb", str(mini_kb)])
    assert again.stdout.startswith("index up to date: 4 facts")
    rebuilt = runner.invoke(app, ["index", "--rebuild", "--kb", str(mini_kb)])
    assert rebuilt.stdout.startswith("index rebuilt: 4 facts; added 4")


def test_a_damaged_index_is_rebuilt_with_one_notice(
    runner: CliRunner, mini_kb: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    before = kb_search(runner, mini_kb, "widgetol", "--index-dir", str(index_dir))
    for toc in index_dir.glob("ix-*/*.toc"):
        toc.write_bytes(b"garbage")
    after = kb_search(runner, mini_kb, "widgetol", "--index-dir", str(index_dir))
    assert after.exit_code == 0 and after.stdout == before.stdout
    assert (
        after.stderr.count("\n") == 1 and "kb: notice: rebuilding the search index" in after.stderr
    )


def test_help_has_examples(runner: CliRunner) -> None:
    for command in ("search", "index"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.stdout
