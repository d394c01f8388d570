"""The filters of list, search and compare on the shipped KB: values of one filter combine with
OR, different filters with AND, and values ignore case, in all three commands alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


@pytest.fixture
def kb(runner: CliRunner, shipped_kb: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str]:
        extra = ["--index-dir", str(tmp_path / "ix")] if args[0] == "search" else []
        result = runner.invoke(app, [*args, "--kb", str(shipped_kb), *extra])
        return result.exit_code, result.stdout

    return run


def test_list_and_search_agree_on_every_combination(kb) -> None:  # type: ignore[no-untyped-def]
    def listed(*filters: str) -> set[str]:
        return set(kb("list", *filters, "-f", "ids")[1].split())

    def found(*filters: str) -> set[str]:
        return set(
            kb("search", "ketamine OR esketamine", *filters, "--all", "-f", "ids")[1].split()
        )

    contested, refuted = listed("--status", "contested"), listed("--status", "refuted")
    assert contested and refuted and not contested & refuted
    assert listed("--status", "contested", "--status", "refuted") == contested | refuted
    risks = listed("--topic", "risks")
    assert listed("--topic", "risks", "--status", "contested") == risks & contested
    assert listed("--tag", "BLADDER") == listed("--tag", "bladder") != set()
    assert listed("--status", "Contested", "--subject", "SPRAVATO") == contested & listed(
        "--subject", "esketamine"
    )
    everything = found()
    for filters in (
        ["--status", "contested", "--status", "refuted"],
        ["--topic", "risks", "--status", "contested"],
        ["--tag", "BLADDER"],
        ["--source", "WHATEDU-ketamine-faq", "--source", "salazar-musk-blog"],
        ["--subject", "spravato", "--subject", "Ketamine", "--topic", "regulation"],
    ):
        assert found(*filters) == everything & listed(*filters) != set(), filters


def test_compare_takes_topic_repeatedly_and_in_any_case(kb) -> None:  # type: ignore[no-untyped-def]
    def attributes(*topics: str) -> set[str]:
        args = [part for topic in topics for part in ("--topic", topic)]
        code, out = kb("compare", "ketamine", "esketamine", *args, "-f", "json")
        assert code == 0
        return {row["attribute"] for row in json.loads(out)["rows"]}

    pharmacology, regulation = attributes("pharmacology"), attributes("regulation")
    assert pharmacology and regulation and pharmacology != regulation
    assert attributes("pharmacology", "REGULATION") == pharmacology | regulation
    assert attributes("Pharmacology") == pharmacology
