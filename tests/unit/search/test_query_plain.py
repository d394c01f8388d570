"""Plain-word queries are built without whoosh.qparser (kb.search.query._plain_words): the
query must be exactly what the parser builds, for any mix of words, stop words, numbers and
case."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kb.search.query import _exclusions, _parser, _plain_words, parse

WORDS = [
    "bladder", "ketamine", "Esketamine", "SPRAVATO", "depression", "running", "runs", "the",
    "a", "of", "and", "or", "not", "And", "Or", "Not", "to", "TO", "x", "5", "2019", "fda",
    "k2", "IV", "nasal", "spray", "treatment", "resistant", "is", "be", "ulcerative", "cystitis",
]  # fmt: skip


def test_plain_words_are_parsed_as_the_parser_would() -> None:
    rng = random.Random(11)
    for _ in range(400):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
        built, parsed = _plain_words(text), _parser().parse(text)
        assert built == parsed, text
        assert _attributes(built) == _attributes(parsed), text


def _attributes(query: Any) -> list[dict[str, Any]]:
    """Every node's attributes (positions included), depth first."""
    found = [{k: v for k, v in vars(query).items() if k != "subqueries"}]
    for child in [] if query.is_leaf() else query.children():
        found += _attributes(child)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "bladder AND ketamine",
        "bladder OR ketamine",
        "NOT bladder",
        "bladder ANDNOT ketamine",
        "bladder ANDMAYBE ketamine",
        "bladder REQUIRE ketamine",
        "REQUIRE bladder",
        '"nasal spray"',
        "subject:esketamine",
        "blad*",
        "bladder~",
        "side-effects",
        "u.s",
        "café",
        "bladder^2",
        "(bladder)",
    ],
)
def test_anything_else_goes_to_the_parser(text: str) -> None:
    assert _plain_words(text) is None


@pytest.mark.parametrize("text", ["bladder REQUIRE ketamine", "REQUIRE bladder"])
def test_every_parser_operator_is_left_to_the_parser(text: str) -> None:
    assert parse(text).query == _exclusions(_parser().parse(text))


def test_parse_uses_the_plain_query_and_keeps_the_all_words_tier() -> None:
    parsed = parse("ketamine bladder damage")
    assert parsed.query == _parser().parse("ketamine bladder damage")
    assert parsed.all_words is not None
    assert len(parsed.all_words.subqueries) == 3
