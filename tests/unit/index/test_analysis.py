"""How text becomes index terms (kb.index.analysis, kb.index.text): folding, numbers, CJK,
sections of the text field, and the words field's shortcut agreeing with the analyser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.index.analysis import stemming_analyzer, surface_words, words_analyzer
from kb.index.fields import SECTIONS, TEXT_FIELD, schema, text_of
from kb.index.text import SECTION, SECTION_STRIDE, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Café", "cafe"), ("ZÜRICH", "zurich"), ("Straße", "strasse"), ("Ørsted", "orsted"),
     ("ﬁne", "fine"), ("東京", "東京"), ("한국어", "한국어"), ("naïve", "naive")],
)  # fmt: skip
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The 5 mg dose, not 4.5 mg", ["5", "mg", "dose", "not", "4.5", "mg"]),
        ("100,000 people in 2019 (26%)", ["100000", "people", "2019", "26"]),
        ("a I x", []),  # single letters and stop words
        ("AI技術 東京で", ["ai", "技", "術", "東", "京", "で"]),
        ("Café au lait", ["cafe", "au", "lait"]),
    ],
)
def test_words_as_written(text: str, words: list[str]) -> None:
    assert [t.text for t in words_analyzer()(text)] == words


def test_stems_and_positions_skip_what_is_left_out() -> None:
    tokens = [
        (t.text, t.pos) for t in stemming_analyzer()("harm the bladders 東京", positions=True)
    ]
    assert tokens == [("harm", 0), ("bladder", 1), ("東", 2), ("京", 3)]


def test_the_text_field_weighs_and_places_each_section() -> None:
    record = {
        "statement": "Widgetol harms the bladder.",
        "subject": "widgetol",
        "subject_name": "Widgetol",
        "subject_aliases": ["Gizmo"],
        "value": "",
        "topics": ["risks"],
        "tags": ["urinary"],
        "attribute": None,
        "status": "established",
        "provenance": [{"quote": "Long-term use can damage the bladder.", "publisher": "A"}],
    }
    text = text_of(record)
    assert text.count(SECTION) == len(SECTIONS) - 1
    weights = list(SECTIONS.values())
    for token in schema()[TEXT_FIELD].analyzer(text, positions=True, boosts=True):
        section = token.pos // SECTION_STRIDE
        assert token.boost == weights[section]
    statement = [
        t.text
        for t in schema()[TEXT_FIELD].analyzer(text, positions=True)
        if t.pos < SECTION_STRIDE
    ]
    assert statement == ["widgetol", "harm", "bladder"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"abcdeAZ019 .,-'éüßæ東京で技術한국\n\t%$", "1,000", " the ", "not", "İ"]),
        max_size=40,
    ).map("".join)
)
def test_the_words_field_shortcut_agrees_with_the_analyser(text: str) -> None:
    assert surface_words(text) == sorted({t.text for t in words_analyzer()(text)})
