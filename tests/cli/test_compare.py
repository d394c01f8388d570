"""`kb compare` through the CLI: every form, every format, every error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


def write_fact(
    root: Path,
    fact_id: str,
    subject: str,
    attribute: str,
    value: str,
    source: str = "alpha-news",
    status: str = "established",
) -> None:
    extra = f'status = "{status}"\nnote = "Disputed in tests."\n' if status != "established" else ""
    (root / "facts" / "core" / f"{fact_id}.toml").write_text(
        f'id = "{fact_id}"\nstatement = "A statement for {fact_id}."\nsubject = "{subject}"\n'
        f'topics = ["pharmacology"]\nattribute = "{attribute}"\nvalue = "{value}"\n{extra}\n'
        f'[[provenance]]\nsource = "{source}"\nquote = "The {source} quote."\n'
    )


@pytest.fixture
def kb(mini_kb: Path) -> Path:
    write_fact(mini_kb, "widgetol-weaker", "widgetol", "potency", "weaker than gadgetine")
    write_fact(
        mini_kb,
        "gadgetine-made-1990",
        "gadgetine",
        "year-developed",
        "1990",
        source="beta-blog",
        status="refuted",
    )
    return mini_kb


def run(
    runner: CliRunner, kb: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(app, ["compare", *args, "--kb", str(kb)], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_plain_table_marks_differences_gaps_and_status(runner: CliRunner, kb: Path) -> None:
    code, out, _ = run(runner, kb, "WDG", "Gizmo")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["attribute", "mark", "widgetol", "gadgetine"]
    by_attribute = {line[0]: line for line in lines[1:]}
    assert by_attribute["potency"][1] == "differs"
    assert by_attribute["potency"][2].startswith("weaker than gadgetine [widgetol-weaker; 1 source")
    assert by_attribute["legal-schedule"][1:] == [
        "gap",
        "Schedule IV [widgetol-schedule-iv; 1 source: high]",
        "-",
    ]
    year = by_attribute["year-developed"]
    assert "1972 (CONTESTED) [widgetol-first-made-1972; 1 source: low]" in year[2]
    assert year[3] == "1990 (REFUTED) [gadgetine-made-1990; 1 source: low]"


def test_json_shape_is_stable(runner: CliRunner, kb: Path) -> None:
    code, out, _ = run(runner, kb, "widgetol", "gadgetine", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "subjects"
    assert data["columns"] == ["widgetol", "gadgetine"]
    rows = {r["attribute"]: r for r in data["rows"]}
    potency = rows["potency"]
    assert potency["differs"] is True
    assert set(potency["values"]) == {"widgetol", "gadgetine"}
    claim = potency["values"]["gadgetine"][0]
    assert set(claim) == {"value", "fact", "status", "sources"}
    assert claim["sources"][0]["id"] == "beta-blog"
    assert claim["sources"][0]["reliability"] == "low"
    assert rows["legal-schedule"]["values"]["gadgetine"] == []
    assert rows["legal-schedule"]["missing"] == ["gadgetine"]
    assert rows["legal-schedule"]["differs"] is False


def test_jsonl_is_one_row_per_line(runner: CliRunner, kb: Path) -> None:
    _, out, _ = run(runner, kb, "widgetol", "gadgetine", "-f", "jsonl")
    _, whole, _ = run(runner, kb, "widgetol", "gadgetine", "-f", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == json.loads(whole)["rows"]


@pytest.mark.parametrize("width", [100, 60])
def test_rich_fits_the_terminal_and_wraps(runner: CliRunner, kb: Path, width: int) -> None:
    long_value = "a very long value " * 5
    write_fact(kb, "widgetol-long-onset", "widgetol", "onset", long_value.strip())
    code, out, _ = run(
        runner, kb, "widgetol", "gadgetine", "-f", "rich", env={"COLUMNS": str(width)}
    )
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= width
    for text in ("≠ differs", "CONTESTED", "REFUTED", "— no fact —"):
        assert text in out
    assert sum("a very long value" in line for line in out.splitlines()) >= 2  # wrapped
    assert "\x1b" not in out


def test_rich_prints_markup_in_values_literally(runner: CliRunner, kb: Path) -> None:
    write_fact(kb, "gadgetine-weird", "gadgetine", "onset", "[bold]fast[/bold]")
    _, out, _ = run(runner, kb, "widgetol", "gadgetine", "-f", "rich", "--no-color")
    assert "[bold]fast[/bold]" in out


def test_by_source_has_a_column_per_source_with_quotes(runner: CliRunner, kb: Path) -> None:
    code, out, _ = run(runner, kb, "widgetol", "--by", "source")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["attribute", "mark", "alpha-news", "beta-blog"]
    year = next(line for line in lines if line[0] == "year-developed")
    assert year[1] == "differs"
    assert year[3].endswith("“Widgetol was first made in 1972”")
    data = json.loads(run(runner, kb, "widgetol", "--by", "source", "-f", "json")[1])
    assert data["kind"] == "sources" and data["subject"] == "widgetol"
    code, out, _ = run(runner, kb, "widgetol", "--by", "source", "-f", "rich")
    assert "What each source says about Widgetol" in out


def test_attribute_option_restricts_rows(runner: CliRunner, kb: Path) -> None:
    _, out, _ = run(runner, kb, "widgetol", "gadgetine", "--attribute", "potency", "-f", "jsonl")
    assert [json.loads(line)["attribute"] for line in out.splitlines()] == ["potency"]


def test_facts_plain_has_diff_and_verdict(runner: CliRunner, kb: Path) -> None:
    code, out, _ = run(runner, kb, "widgetol-first-made-1970", "widgetol-first-made-1972")
    assert code == 0
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}
    assert rows["field"] == ["widgetol-first-made-1970", "widgetol-first-made-1972"]
    assert rows["status"] == ["established", "contested"]
    assert rows["sources"] == ["alpha-news (high)", "beta-blog (low)"]
    assert rows["diff"][2].startswith("[-Widgetol was-] {+A blog dates the+} first")
    assert rows["verdict"] == [
        "different-values",
        "same attribute (year-developed) with different values",
    ]


def test_facts_json_and_rich(runner: CliRunner, kb: Path) -> None:
    args = ("widgetol-schedule-iv", "widgetol-bladder-damage")
    data = json.loads(run(runner, kb, *args, "-f", "json")[1])
    assert data["kind"] == "facts"
    assert data["verdict"]["code"] == "unrelated"
    assert [f["id"] for f in data["facts"]] == list(args)
    assert data["diffs"][0]["left"] == "widgetol-schedule-iv"
    code, out, _ = run(runner, kb, *args, "-f", "rich")
    assert code == 0
    assert "verdict: unrelated" in out
    assert "“Long-term use of" in out


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (
            ["widgetoll", "gadgetine"],
            1,
            "unknown subject or fact 'widgetoll' (did you mean 'widgetol'",
        ),
        (["widgetol"], 2, "at least two different subjects"),
        (["widgetol", "widgetol-weaker"], 2, "cannot compare subjects with facts"),
        (["widgetol", "gadgetine", "--by", "source"], 2, "ONE subject"),
        (["widgetol-weaker", "--by", "source"], 2, "not facts"),
        (["widgetol", "gadgetine", "--attribute", "potncy"], 2, "did you mean 'potency'"),
        (["widgetol", "gadgetine", "--topic", "nope"], 2, "unknown topic"),
        (
            ["widgetol", "gadgetine", "-f", "ids"],
            2,
            "'ids' is not one of: rich, plain, json, jsonl",
        ),
        (["widgetol", "gadgetine", "--by", "sauce"], 2, ""),
    ],
)
def test_errors_exit_codes(
    runner: CliRunner, kb: Path, args: list[str], code: int, text: str
) -> None:
    exit_code, out, err = run(runner, kb, *args)
    assert exit_code == code
    assert out == ""
    assert text in err
    assert "Traceback" not in err


def test_nothing_to_compare_exits_1(runner: CliRunner, kb: Path) -> None:
    code, out, err = run(runner, kb, "widgetol", "gadgetine", "--topic", "risks", "-f", "json")
    assert code == 1
    assert json.loads(out)["rows"] == []
    assert "nothing to compare" in err


def test_help_has_examples(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout


def test_shipped_ketamine_vs_esketamine_has_route_on_both_sides(
    runner: CliRunner, shipped_kb: Path
) -> None:
    code, out, _ = run(runner, shipped_kb, "ketamine", "spravato", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["columns"] == ["ketamine", "esketamine"]
    route = next(r for r in data["rows"] if r["attribute"] == "route")
    assert route["values"]["ketamine"] and route["values"]["esketamine"]
    assert any("nasal" in v["value"].lower() for v in route["values"]["esketamine"])
