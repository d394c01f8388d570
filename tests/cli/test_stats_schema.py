from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kb.cli.app import app
from tests.conftest import REPO


def test_stats_plain_rows(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["stats", "--kb", str(mini_kb), "-f", "plain"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "total\tfacts\t5"
    assert "source\talpha-news\t3" in lines
    assert "topic\tregulation\t1" in lines
    assert "status\trefuted\t0" in lines
    assert "reliability\tlow\t2" in lines
    assert all(len(line.split("\t")) == 3 for line in lines)


def test_stats_json_and_jsonl(runner: CliRunner, mini_kb: Path) -> None:
    data = json.loads(runner.invoke(app, ["stats", "--kb", str(mini_kb), "-f", "json"]).stdout)
    assert data["subject"] == {"widgetol": 4, "gadgetine": 1}
    assert list(data) == [
        "total",
        "source",
        "topic",
        "subject",
        "status",
        "reliability",
        "best-reliability",
    ]
    rows = runner.invoke(app, ["stats", "--kb", str(mini_kb), "-f", "jsonl"]).stdout.splitlines()
    parsed = [json.loads(row) for row in rows]
    assert {"section": "status", "key": "contested", "count": 1} in parsed
    assert len(parsed) == sum(len(counts) for counts in data.values())


def test_stats_rich_and_unsupported_format(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["stats", "--kb", str(mini_kb), "-f", "rich", "--no-color"])
    assert result.exit_code == 0
    for title in ("Totals", "Facts per topic", "Facts by their most reliable source"):
        assert title in result.stdout
    assert "\x1b[" not in result.stdout
    ids = runner.invoke(app, ["stats", "--kb", str(mini_kb), "-f", "ids"])
    assert ids.exit_code == 2
    assert "'ids' is not one of: rich, plain, json, jsonl" in ids.stderr


def test_stats_on_the_shipped_kb(runner: CliRunner, shipped_kb: Path) -> None:
    result = runner.invoke(app, ["stats", "--kb", str(shipped_kb), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"]["facts"] == sum(data["status"].values()) > 0


def test_schema_prints_the_committed_file(runner: CliRunner) -> None:
    for kind in ("fact", "source", "subject", "kb"):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0
        committed = (REPO / "docs" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert result.stdout == committed


def test_schema_with_vocabularies_and_unknown_kind(runner: CliRunner, mini_kb: Path) -> None:
    result = runner.invoke(app, ["schema", "fact", "--vocabularies", "--kb", str(mini_kb)])
    topics = json.loads(result.stdout)["properties"]["topics"]["items"]["enum"]
    assert topics == ["pharmacology", "regulation", "risks"]
    bad = runner.invoke(app, ["schema", "facts"])
    assert bad.exit_code == 2
    assert "unknown entry kind 'facts'" in bad.stderr
