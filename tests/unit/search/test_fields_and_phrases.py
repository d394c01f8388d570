"""Field terms narrow, quoted phrases in keyword fields, a filter that removes every hit, phrase
highlighting (kb.search.query stage 3 and 5, kb.search.api, kb.search.highlight)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.entries.filters import Filters
from kb.search.api import search
from tests.conftest import MINI_KB, SHIPPED_KB


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("fields") / "mini-kb"
    shutil.copytree(MINI_KB, root)
    return root, str(tmp_path_factory.mktemp("fields-index"))


def ids(kb: tuple[Path, str], text: str, **filters: str) -> list[str]:
    root, index_dir = kb
    result = search(root, text, Filters.of(**filters), limit=None, index_dir=index_dir)
    return [hit.id for hit in result.hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('tag:"legal status"', ["widgetol-schedule-iv"]),  # the tag legal-status
        ('tag:"Legal  Status"', ["widgetol-schedule-iv"]),
        ("tag:legal-status", ["widgetol-schedule-iv"]),
        ('tag:"schedule iv"', ["widgetol-schedule-iv"]),
        ('tag:"legal"', []),  # a whole keyword, not a word of one
        ('topic:"risks"', ["widgetol-bladder-damage"]),
        ('status:"contested"', ["widgetol-first-made-1972"]),
        ('attribute:"year developed"', ["widgetol-first-made-1970", "widgetol-first-made-1972"]),
        ('tags:"no such tag"', []),
    ],
)
def test_quoted_phrases_in_keyword_fields_match_the_whole_keyword(
    kb: tuple[Path, str], text: str, expected: list[str]
) -> None:
    assert sorted(ids(kb, text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subject:widgetol topic:risks", ["widgetol-bladder-damage"]),
        ("subject:widgetol tag:history", ["widgetol-first-made-1970", "widgetol-first-made-1972"]),
        ("subject:gadgetine topic:risks", []),
        ("subject:widgetol bladder", ["widgetol-bladder-damage"]),
        ("topic:pharmacology widgetol", [
            "gadgetine-stronger", "widgetol-first-made-1970", "widgetol-first-made-1972"
        ]),
        ("subject:widgetol OR topic:pharmacology", [
            "gadgetine-stronger", "widgetol-bladder-damage", "widgetol-first-made-1970",
            "widgetol-first-made-1972", "widgetol-schedule-iv",
        ]),  # an explicit OR still means either
        ("subject:widgetol topic:risks NOT bladder", []),
    ],
)  # fmt: skip
def test_field_terms_narrow_and_plain_words_rank(
    kb: tuple[Path, str], text: str, expected: list[str]
) -> None:
    assert sorted(ids(kb, text)) == expected


def test_plain_words_decide_the_order_within_a_field(kb: tuple[Path, str]) -> None:
    found = ids(kb, "subject:widgetol 1970 first")
    assert found[0] == "widgetol-first-made-1970"  # both words first
    assert set(found) == {"widgetol-first-made-1970", "widgetol-first-made-1972"}


WORDS = ["ketamine", "depression", "bladder", "nasal", "spray", "infusion", "dose", "risk"]
FIELDS = ["subject:ketamine", "subject:esketamine", "topic:risks", "topic:dosing", "tag:bladder"]


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = str(tmp_path_factory.mktemp("narrow-index"))
    search(SHIPPED_KB, "ketamine", index_dir=directory)
    return directory


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(FIELDS),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=300)),
)
def test_a_field_term_keeps_exactly_the_facts_of_both(
    shipped_index: str, field: str, words: list[str], limit: int | None
) -> None:
    def found(text: str, limit: int | None = None) -> list[str]:
        result = search(
            SHIPPED_KB, text, limit=limit, index_dir=shipped_index, highlight=False, records=False
        )
        return [hit.id for hit in result.hits]

    expected = set(found(field)) & set(found(" ".join(words)))
    narrowed = found(f"{field} {' '.join(words)}", limit)
    assert set(narrowed) <= expected
    assert len(narrowed) == (len(expected) if limit is None else min(limit, len(expected)))


def test_a_filter_that_removes_every_hit_is_counted(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    result = search(root, "bladder", Filters.of(status="refuted"), index_dir=index_dir)
    assert result.hits == [] and result.unfiltered == 1
    result = search(root, "bladder", Filters.of(status="established"), index_dir=index_dir)
    assert result.hits and result.unfiltered is None
    result = search(root, "zzyzx", Filters.of(status="refuted"), index_dir=index_dir)
    assert result.unfiltered == 0


def test_a_phrase_is_highlighted_only_where_its_words_are_in_a_row(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    [hit] = search(root, '"first synthesis"', index_dir=index_dir).hits
    statement, quote = hit.highlights
    assert statement.marked() == "A blog dates the **first synthesis** of widgetol to 1972."
    assert quote.spans == ()  # "Widgetol was first made in 1972": "first" alone is not marked
    [hit] = search(root, '"harm the bladder"', index_dir=index_dir).hits
    assert hit.highlights[0].marked().endswith("can **harm the bladder**.")
    [hit] = search(root, '"first synthesis" widgetol', index_dir=index_dir).hits[:1]
    assert hit.highlights[0].marked() == (
        "A blog dates the **first synthesis** of **widgetol** to 1972."
    )


SECTION_WORDS = [
    "ketamine",
    "bladder",
    "depression",
    "nasal spray",
    "esketamine",
    "infusion",
    "fda",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(["statement", "quote", "value"]), word=st.sampled_from(SECTION_WORDS))
def test_a_text_field_term_finds_exactly_the_facts_with_it_there(
    shipped_index: str, field: str, word: str
) -> None:
    """`statement:`, `quote:` and `value:` look in their part of the one text field
    (kb.search.matchers.section_class): exactly the facts whose statement (quotes, value) has
    the word or phrase, compared with the stored records analysed as the index does."""
    from kb.index.fields import TEXT_FIELD, schema

    analyzer = schema()[TEXT_FIELD].analyzer
    wanted = [t.text for t in analyzer(word)]

    def has(text: str) -> bool:
        got = [t.text for t in analyzer(text)]
        return any(got[i : i + len(wanted)] == wanted for i in range(len(got)))

    result = search(
        SHIPPED_KB, f'{field}:"{word}"', limit=None, index_dir=shipped_index, highlight=False
    )
    found = {hit.id for hit in result.hits}
    every = search(SHIPPED_KB, "ketamine OR esketamine OR the", limit=None, index_dir=shipped_index)
    for hit in every.hits + result.hits:
        record = hit.record
        text = {
            "statement": record["statement"],
            "quote": "\n".join(p["quote"] for p in record["provenance"]),
            "value": record.get("value") or "",
        }[field]
        assert (hit.id in found) == has(text), (hit.id, text)
