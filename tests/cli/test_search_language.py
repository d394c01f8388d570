"""The query language through the CLI: keyword phrases, narrowing fields, messages about
filters, unknown words and corrections, numbers (docs/search.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app


def kb_search(runner: CliRunner, kb: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["search", *args, "--kb", str(kb)])


@pytest.mark.parametrize(
    ("query", "code", "out"),
    [
        ('tag:"legal status"', 0, "widgetol-schedule-iv\n"),
        ('topic:"risks"', 0, "widgetol-bladder-damage\n"),
        ('status:"refuted"', 1, ""),
        ('attribute:"legal schedule"', 0, "widgetol-schedule-iv\n"),
        ('tag:"nasal spray"', 1, ""),
    ],
)
def test_quoted_keywords_work_without_a_traceback(
    runner: CliRunner, mini_kb: Path, query: str, code: int, out: str
) -> None:
    result = kb_search(runner, mini_kb, query, "-f", "ids")
    assert result.exit_code == code, result.output
    assert result.stdout == out
    assert "Traceback" not in result.output


def test_field_terms_narrow(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "subject:widgetol topic:risks", "-f", "ids")
    assert result.exit_code == 0 and result.stdout == "widgetol-bladder-damage\n"


def test_a_filter_that_removes_every_hit_says_so(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "bladder", "--status", "refuted", "-f", "ids")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "kb: no facts match 'bladder' with --status refuted; 1 fact matches without the filters\n"
    )
    result = kb_search(runner, mini_kb, "widgetol", "--tag", "potency", "--topic", "risks")
    assert result.exit_code == 1
    assert "with --topic risks --tag potency; 5 facts match without the filters" in result.stderr


def test_the_message_names_every_filter_min_reliability_too(
    runner: CliRunner, mini_kb: Path
) -> None:
    result = kb_search(
        runner, mini_kb, "blog", "--min-reliability", "high", "--topic", "pharmacology"
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "kb: no facts match 'blog' with --topic pharmacology --min-reliability high; "
        "2 facts match without the filters\n"
    )


def test_no_match_without_filters_is_the_usual_message(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "zzyzx", "--status", "refuted")
    assert result.exit_code == 1 and result.stderr == "kb: no facts match 'zzyzx'\n"


def test_a_mistyped_word_among_known_ones_is_corrected(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetol", "bladdr", "-f", "ids")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "widgetol-bladder-damage"
    assert result.stderr == (
        "kb: notice: no fact contains 'bladdr'; showing results for 'widgetol bladder'\n"
    )


def test_an_unknown_word_among_known_ones_is_reported(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetol", "zzyzx", "-f", "ids")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 5
    assert result.stderr == (
        "kb: notice: no fact contains 'zzyzx'; showing facts with the other words\n"
    )


def test_a_word_mistyped_twice_is_corrected_twice(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "widgetl widgetl", "-f", "ids")
    assert result.exit_code == 0
    assert "showing results for 'widgetol widgetol'" in result.stderr


@pytest.mark.parametrize("query", ["1970", '"schedule iv"', "1972 OR 1970"])
def test_numbers_are_words(runner: CliRunner, mini_kb: Path, query: str) -> None:
    result = kb_search(runner, mini_kb, query, "-f", "ids")
    assert result.exit_code == 0, result.output


def test_a_single_digit_is_a_query(runner: CliRunner, mini_kb: Path) -> None:
    result = kb_search(runner, mini_kb, "5", "-f", "ids")
    assert result.exit_code == 1 and result.stderr == "kb: no facts match '5'\n"  # not refused


def test_kb_validate_checks_the_thesaurus(runner: CliRunner, mini_kb: Path) -> None:
    with (mini_kb / "kb.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[[thesaurus]]\nwords = []\nalso = [1]\n\n[[thesaurus]]\nwordz = ["a"]\n')
    result = runner.invoke(app, ["validate", "--kb", str(mini_kb)])
    assert result.exit_code == 1
    assert "KB017 'words' needs at least 1 item(s)" in result.stdout
    assert "KB012 'also' items must be strings, not integer" in result.stdout
    assert "unknown key 'wordz' (did you mean 'words'?)" in result.stdout


def test_a_thesaurus_word_is_searched_with_its_synonyms(runner: CliRunner, mini_kb: Path) -> None:
    with (mini_kb / "kb.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[[thesaurus]]\nwords = ["injure", "harm"]\n')
    assert runner.invoke(app, ["validate", "--kb", str(mini_kb)]).exit_code == 0
    result = kb_search(runner, mini_kb, "injure", "-f", "ids")
    assert result.exit_code == 0 and result.stdout == "widgetol-bladder-damage\n"


def test_kb_help_search_prints_the_query_language(runner: CliRunner) -> None:
    from kb.search import limits

    result = runner.invoke(app, ["help", "search"])
    assert result.exit_code == 0
    for text in (
        "WORDS AND QUESTIONS",
        "THESAURUS (kb.toml",
        f"more than {limits.MAX_EXPANSIONS} words",
        f"more than {limits.MAX_CHARS} characters",
        'tag:"nasal spray"',
        "subject:esketamine bladder",
        "EXIT CODES",
    ):
        assert text in result.stdout, text
    assert "kb help search" in runner.invoke(app, ["search", "--help"]).stdout


def test_kb_help_lists_the_guides_and_refuses_an_unknown_one(runner: CliRunner) -> None:
    listed = runner.invoke(app, ["help"])
    assert listed.exit_code == 0 and "search" in listed.stdout
    unknown = runner.invoke(app, ["help", "serch"])
    assert unknown.exit_code == 2
    assert "no guide 'serch' (did you mean 'search'?)" in unknown.stderr


@pytest.mark.parametrize("query", ["contr?lled", "contro?led", "synthes?sed", "controlled~"])
def test_wildcard_and_fuzzy_words_are_not_stemmed(
    runner: CliRunner, mini_kb: Path, query: str
) -> None:
    """The stem of `contr?lled` is "contr?l": compared with the words as written, it found
    nothing."""
    typed = kb_search(runner, mini_kb, query.replace("?", "o").rstrip("~"), "-f", "ids")
    result = kb_search(runner, mini_kb, query, "-f", "ids")
    assert result.exit_code == 0, result.output
    assert result.stdout == typed.stdout != ""


@pytest.mark.parametrize("question", ["is gizmo potent", "widgetol schedule"])
@pytest.mark.parametrize("mark", ["?", "??", " ?"])
def test_a_question_mark_ending_the_query_is_not_a_wildcard(
    runner: CliRunner, mini_kb: Path, question: str, mark: str
) -> None:
    plain = kb_search(runner, mini_kb, question, "-f", "json")
    asked = kb_search(runner, mini_kb, question + mark, "-f", "json")
    assert asked.exit_code == plain.exit_code == 0, asked.output
    assert [h["id"] for h in json.loads(asked.stdout)["hits"]] == [
        h["id"] for h in json.loads(plain.stdout)["hits"]
    ]
