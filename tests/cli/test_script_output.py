"""What scripts get from `kb list` and `kb search`: never silently partial (a notice when the
default limit cuts, the total in JSON, `--count`), csv and tsv with a header row, `--sort`,
and the same from the typer-free fast path as from the typer command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kb.cli import searching
from kb.cli.app import app
from kb.cli.fastpath import parse_search
from kb.cli.fastpath import run as fast_run
from kb.cli.searching import SearchRequest
from kb.render.base import Output
from kb.render.facts import LIST_RENDERERS, SHOW_RENDERERS
from kb.render.search import INDEX_RENDERERS
from kb.render.search import RENDERERS as SEARCH_RENDERERS
from kb.render.stats import RENDERERS as STATS_RENDERERS
from kb.render.table import fact_columns, facts_csv, facts_tsv

TRICKY = """id = "widgetol-said-to-be-safe"
statement = "A blog calls widgetol \\"safe, mostly\\", without saying for whom."
subject = "widgetol"
topics = ["risks"]
tags = ["safety"]

[[provenance]]
source = "beta-blog"
quote = "Gadgetine is a stronger cousin of widgetol, sold as Gizmo."
"""


@pytest.fixture
def kb_dir(mini_kb: Path) -> Path:
    """The mini KB with a fact whose statement holds a comma and double quotes."""
    (mini_kb / "facts" / "core" / "widgetol-said-to-be-safe.toml").write_text(TRICKY)
    return mini_kb


def run(runner: CliRunner, kb_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--kb", str(kb_dir)])
    # (stdout_bytes: the runner's `stdout` turns CRLF into LF)
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


def ids(runner: CliRunner, kb_dir: Path, *args: str) -> list[str]:
    return run(runner, kb_dir, *args, "-f", "ids")[1].split()


# ---- never silently partial -----------------------------------------------------------------


def test_a_search_cut_by_the_default_limit_says_so_on_stderr(
    runner: CliRunner, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "DEFAULT_LIMIT", 2)
    every = ids(runner, kb_dir, "search", "widgetol", "--all")
    assert len(every) == 6
    for fmt in ("ids", "plain", "json", "jsonl", "csv", "tsv"):
        code, out, err = run(runner, kb_dir, "search", "widgetol", "-f", fmt)
        # two facts shown (counted, not looked up: a fact's `related` may name the third)
        shown = len(json.loads(out)["hits"]) if fmt == "json" else len(out.splitlines())
        assert code == 0 and every[0] in out and shown == (3 if fmt in ("csv", "tsv") else 2)
        assert err == (
            "kb: notice: showing 2 of 6 matching facts (the default limit): --all for every "
            "one, --limit N for more, --count for the number\n"
        ), fmt
    # Asked for: no notice. Not cut: no notice.
    for args in (["-n", "2"], ["--limit", "3"], ["--all"], ["--status", "contested"]):
        code, out, err = run(runner, kb_dir, "search", "widgetol", "-f", "ids", *args)
        assert out.split() == (every if "--all" in args else out.split()[:3])
        assert (code, err) == (0, ""), args


def test_json_carries_the_total_and_the_limit(runner: CliRunner, kb_dir: Path) -> None:
    code, out, _ = run(runner, kb_dir, "search", "widgetol", "-f", "json", "-n", "2")
    data = json.loads(out)
    assert code == 0
    assert list(data) == ["query", "corrected", "total", "limit", "hits"]
    assert (data["query"], data["corrected"], data["total"], data["limit"]) == (
        "widgetol",
        None,
        6,
        2,
    )
    assert [h["id"] for h in data["hits"]] == ids(runner, kb_dir, "search", "widgetol", "-n", "2")
    everything = json.loads(run(runner, kb_dir, "search", "widgetol", "-f", "json", "--all")[1])
    assert everything["total"] == len(everything["hits"]) == 6 and everything["limit"] is None


def test_json_names_a_corrected_query(runner: CliRunner, kb_dir: Path) -> None:
    data = json.loads(run(runner, kb_dir, "search", "widgetl", "-f", "json")[1])
    assert data["query"] == "widgetl" and data["corrected"] == "widgetol"
    assert data["total"] == 6 and len(data["hits"]) == 6


def test_jsonl_stays_one_fact_per_line(runner: CliRunner, kb_dir: Path) -> None:
    code, out, _ = run(runner, kb_dir, "search", "widgetol", "-f", "jsonl", "--all")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 6 and all("statement" in row for row in rows)


def test_an_empty_search_in_json_is_an_object_with_total_0(runner: CliRunner, kb_dir: Path) -> None:
    code, out, _ = run(runner, kb_dir, "search", "zzzzzz", "-f", "json")
    assert code == 1
    assert json.loads(out) == {
        "query": "zzzzzz",
        "corrected": None,
        "total": 0,
        "limit": 10,
        "hits": [],
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "widgetol"], 6),
        (["search", "widgetol", "--status", "contested"], 1),
        (["search", "widgetol", "-n", "1"], 6),  # the limit does not apply to a count
        (["list"], 6),
        (["list", "--topic", "risks", "--topic", "REGULATION"], 3),
    ],
)
def test_count_is_the_number_of_matching_facts(
    runner: CliRunner, kb_dir: Path, args: list[str], expected: int
) -> None:
    assert run(runner, kb_dir, *args, "--count") == (0, f"{expected}\n", "")
    code, out, _ = run(runner, kb_dir, *args, "--count", "-f", "json")
    assert code == 0 and json.loads(out) == {"total": expected}
    code, out, _ = run(runner, kb_dir, *args, "--count", "-f", "jsonl")
    assert code == 0 and out == f'{{"total": {expected}}}\n'
    if args[0] == "search":
        every = ids(runner, kb_dir, *[a for a in args if a not in ("-n", "1")], "--all")
        assert len(every) == expected


def test_count_of_nothing_is_0_and_exit_1(runner: CliRunner, kb_dir: Path) -> None:
    code, out, err = run(runner, kb_dir, "search", "zzzzzz", "--count")
    assert (code, out) == (1, "0\n") and "no facts match" in err
    code, out, err = run(runner, kb_dir, "list", "--tag", "nope", "--count")
    assert (code, out) == (1, "0\n") and "no facts match" in err


# ---- csv and tsv ----------------------------------------------------------------------------


def test_list_csv_has_a_header_and_rfc4180_quoting(runner: CliRunner, kb_dir: Path) -> None:
    code, out, err = run(runner, kb_dir, "list", "-f", "csv")
    assert (code, err) == (0, "")
    lines = out.split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF after every record
    assert lines[0] == ",".join(fact_columns())
    assert lines[0].startswith("id,statement,subject,subject_name,topics,tags,attribute,value,")
    assert lines[0].endswith(",sources,path")
    assert (
        '"A blog calls widgetol ""safe, mostly"", without saying for whom."' in out
    )  # a field with a comma or a quote is quoted, its quotes doubled
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    listed = json.loads(run(runner, kb_dir, "list", "-f", "json")[1])
    assert [row["id"] for row in rows] == [fact["id"] for fact in listed]
    for row, fact in zip(rows, listed, strict=True):
        assert row["statement"] == fact["statement"]
        assert row["topics"].split(";") == fact["topics"]
        assert row["tags"] == ";".join(fact["tags"])
        assert row["path"] == fact["path"]
        assert row["sources"] == ";".join(dict.fromkeys(p["source"] for p in fact["provenance"]))
        assert row["attribute"] == (fact["attribute"] or "")
        assert row["subject_name"] == fact["subject_name"]


def test_tsv_has_a_header_and_one_line_per_fact(runner: CliRunner, kb_dir: Path) -> None:
    code, out, _ = run(runner, kb_dir, "list", "-f", "tsv")
    header, *rows = out.splitlines()
    assert code == 0 and header.split("\t") == list(fact_columns())
    assert len(rows) == 6 and all(len(r.split("\t")) == len(fact_columns()) for r in rows)
    said = next(r.split("\t") for r in rows if r.startswith("widgetol-said-to-be-safe"))
    assert said[1] == 'A blog calls widgetol "safe, mostly", without saying for whom.'


def test_search_csv_and_tsv_add_the_score(runner: CliRunner, kb_dir: Path) -> None:
    code, out, _ = run(runner, kb_dir, "search", "widgetol", "-f", "csv", "--all")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert code == 0 and list(rows[0])[:3] == ["id", "score", "statement"]
    assert [row["id"] for row in rows] == ids(runner, kb_dir, "search", "widgetol", "--all")
    assert all(float(row["score"]) > 0 for row in rows)
    code, out, _ = run(runner, kb_dir, "search", "widgetol", "-f", "tsv", "-n", "2")
    header, *lines = out.splitlines()
    assert header.startswith("id\tscore\tstatement\t") and len(lines) == 2


def test_csv_and_tsv_make_control_characters_visible(runner: CliRunner, kb_dir: Path) -> None:
    """(kb validate rejects them and list skips such entries: a record straight to the
    renderers, as from an index built before the check.)"""
    record = json.loads(run(runner, kb_dir, "list", "-f", "json")[1])[0]
    record["statement"] = "evil \x1b[31m red, and\ttab"
    for render in (facts_csv, facts_tsv):
        stream = io.StringIO()
        render([record], Output(stream, color=False))
        assert "\x1b" not in stream.getvalue() and "evil \\x1b[31m red" in stream.getvalue()


# ---- --sort ---------------------------------------------------------------------------------


def test_list_sorts_by_a_field_either_way(runner: CliRunner, kb_dir: Path) -> None:
    facts = json.loads(run(runner, kb_dir, "list", "-f", "json")[1])
    assert [f["id"] for f in facts] == sorted(f["id"] for f in facts)  # by id by default
    by_subject = json.loads(run(runner, kb_dir, "list", "--sort", "subject", "-f", "json")[1])
    assert [f["subject"] for f in by_subject] == ["gadgetine"] + ["widgetol"] * 5
    assert [f["id"] for f in by_subject][1:] == sorted(f["id"] for f in by_subject[1:])  # ties
    assert ids(runner, kb_dir, "list", "--sort", "-id") == sorted(
        (f["id"] for f in facts), reverse=True
    )
    # Facts without an attribute come last, whichever way.
    for key in ("value", "-value"):
        values = [
            f["value"]
            for f in json.loads(run(runner, kb_dir, "list", "--sort", key, "-f", "json")[1])
        ]
        present = [v for v in values if v is not None]
        assert values == present + [None] * (len(values) - len(present))
        assert present == sorted(present, key=str.casefold, reverse=key.startswith("-"))


def test_search_sorts_every_match_then_applies_the_limit(runner: CliRunner, kb_dir: Path) -> None:
    every = ids(runner, kb_dir, "search", "widgetol", "--all")
    assert ids(runner, kb_dir, "search", "widgetol", "--sort", "id", "-n", "3") == sorted(every)[:3]
    assert ids(runner, kb_dir, "search", "widgetol", "--sort", "score", "--all") == every
    scores = [
        h["score"]
        for h in json.loads(
            run(runner, kb_dir, "search", "widgetol", "--sort", "-score", "--all", "-f", "json")[1]
        )["hits"]
    ]
    assert scores == sorted(scores)
    data = json.loads(
        run(runner, kb_dir, "search", "widgetol", "--sort", "status", "-f", "json", "-n", "2")[1]
    )
    assert data["total"] == 6 and [h["status"] for h in data["hits"]] == [
        "contested",
        "established",
    ]


@pytest.mark.parametrize("command", [["list"], ["search", "widgetol"]], ids=" ".join)
def test_an_unknown_sort_field_is_a_usage_error(
    runner: CliRunner, kb_dir: Path, command: list[str]
) -> None:
    code, out, err = run(runner, kb_dir, *command, "--sort", "stauts")
    assert (code, out) == (2, "")
    assert "cannot sort by 'stauts' (did you mean 'status'?)" in err


# ---- the fast path and --help ---------------------------------------------------------------

FAST_CASES = [
    ["widgetol", "--sort", "-subject", "-f", "csv"],
    ["widgetol", "--sort=status", "--count"],
    ["widgetol", "-f", "tsv", "--limit", "2"],
    ["widgetol", "-f", "json"],
    ["widgetol", "-f", "ids"],
    ["widgetol", "--all", "--sort", "path", "-f", "jsonl"],
]


@pytest.mark.parametrize("args", FAST_CASES, ids=" ".join)
def test_the_fast_path_parses_and_prints_what_typer_does(
    args: list[str],
    runner: CliRunner,
    kb_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    where = ["--kb", str(kb_dir), "--index-dir", str(tmp_path / "ix")]
    typed = runner.invoke(app, ["search", *args, *where])
    code = fast_run(["kb", "search", *args, *where])
    fast = capsys.readouterr()
    assert (code, fast.out, fast.err) == (
        typed.exit_code,
        typed.stdout_bytes.decode(),
        typed.stderr,
    )
    seen: list[SearchRequest] = []
    monkeypatch.setattr(searching, "run_search", lambda request: seen.append(request) or 0)
    runner.invoke(app, ["search", *args])
    assert parse_search(args) == seen[0]


@pytest.mark.parametrize(
    ("command", "table"),
    [
        (["show"], SHOW_RENDERERS),
        (["list"], LIST_RENDERERS),
        (["search"], SEARCH_RENDERERS),
        (["index"], INDEX_RENDERERS),
        (["stats"], STATS_RENDERERS),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_every_help_names_the_formats_of_its_command(
    command: list[str], table: dict, runner: CliRunner
) -> None:
    help_text = " ".join(runner.invoke(app, [*command, "--help"]).stdout.split())
    assert f"Output format: {', '.join(fmt.value for fmt in table)} (default" in help_text


def test_every_command_with_a_format_option_names_its_formats_in_help(runner: CliRunner) -> None:
    group = typer.main.get_command(app)

    def commands(command, path):  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            yield from commands(sub, [*path, name])
        if not getattr(command, "commands", None):
            yield path, command

    checked = 0
    for path, command in commands(group, []):
        options = [p for p in command.params if "--format" in getattr(p, "opts", ())]
        if options:
            assert "Output format: " in (options[0].help or ""), path
            checked += 1
    assert checked >= 6
