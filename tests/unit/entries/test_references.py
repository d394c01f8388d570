"""The optional [[references]] tables of a fact: external documents its note rests on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.entries.jsonschema import entry_schema
from kb.entries.loading import load
from kb.entries.problems import Problem
from kb.validate.validator import validate

FACT = Path("facts") / "core" / "widgetol-first-made-1972.toml"

GOOD = """
[[references]]
title = "Widgetol: a history of the compound"
publisher = "Example Pharmacopoeia"
url = "https://example.org/widgetol/history"
date = 2021-03-04
says = "The compound was first synthesised in 1970, not 1972."

[[references]]
title = "Widgetol approvals"
publisher = "Example Medicines Agency"
url = "http://example.org/approvals"
says = "Lists the approvals of widgetol, none before 1975."
"""


@pytest.fixture
def kb(mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini KB as the working directory (problems name paths relative to it)."""
    monkeypatch.chdir(mini_kb)
    return mini_kb


def _with_references(kb: Path, tables: str) -> Path:
    """The mini KB's contested fact with the given [[references]] tables appended."""
    path = kb / FACT
    path.write_text(path.read_text() + tables)
    return path


def _line_of(path: Path, text: str, start: int = 1) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if n >= start and line.startswith(text))


def _only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_valid_references_pass_strict_validation_and_load(kb: Path) -> None:
    _with_references(kb, GOOD)
    result = validate(kb)
    assert result.problems == []
    assert result.ok(strict=True)
    fact = load(kb).facts["widgetol-first-made-1972"]
    assert fact.status == "contested"  # the rest of the fact is read as before


def test_a_bad_url_is_kb019_at_the_url(kb: Path) -> None:
    path = _with_references(kb, GOOD.replace("https://example.org/widgetol", "ftp://x/w"))
    problem = _only(validate(kb).problems, "KB019")
    assert problem.path == str(FACT)
    assert "ftp://x/w/history" in problem.message
    assert (problem.line, problem.column) == (_line_of(path, "url = "), 1)


def test_a_missing_says_is_kb011_at_its_table(kb: Path) -> None:
    second = GOOD.rsplit("says = ", 1)[0]  # the second table loses its `says`
    path = _with_references(kb, second)
    problem = _only(validate(kb).problems, "KB011")
    assert problem.path == str(FACT)
    assert "'says'" in problem.message
    first = _line_of(path, "[[references]]")
    assert problem.line == _line_of(path, "[[references]]", first + 1)


def test_a_datetime_instead_of_a_date_is_kb020_at_the_date(kb: Path) -> None:
    path = _with_references(kb, GOOD.replace("2021-03-04", "2021-03-04T10:00:00"))
    problem = _only(validate(kb).problems, "KB020")
    assert problem.path == str(FACT)
    assert "datetime" in problem.message
    assert (problem.line, problem.column) == (_line_of(path, "date = "), 1)


def test_says_has_a_minimum_length_and_unknown_keys_are_named(kb: Path) -> None:
    bad = GOOD.replace('says = "Lists the approvals of widgetol, none before 1975."', 'says = "no"')
    _with_references(kb, bad.replace('publisher = "Example Pharmacopoeia"', 'snapshot = "x.txt"'))
    codes = sorted(p.code for p in validate(kb).problems)
    assert codes == ["KB010", "KB011", "KB017"]  # unknown snapshot, missing publisher, short says


def test_json_schema_declares_the_reference_table() -> None:
    schema = entry_schema("fact")
    assert schema["properties"]["references"]["items"] == {"$ref": "#/$defs/references"}
    references = schema["$defs"]["references"]
    assert references["required"] == ["title", "publisher", "url", "says"]
    assert references["additionalProperties"] is False
    assert references["properties"]["date"]["format"] == "date"
    assert references["properties"]["says"]["maxLength"] == 400
    assert "references" not in schema["required"]
