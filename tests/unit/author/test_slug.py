from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.author.slug import NEGATIONS, propose_id, words
from kb.entries.schema import ID_MAX, ID_PATTERN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ketamine is a Schedule III controlled substance.",
            "ketamine-schedule-iii-controlled-substance",
        ),
        ("The FDA approved Spravato in 2019.", "fda-approved-spravato-2019"),
        ("Ketamine's effects begin within minutes", "ketamine-effects-begin-minutes"),
        ("Café-grade “ketamine” doesn’t exist", "cafe-grade-ketamine-doesnt-exist"),
        ("It is what it is", "it-is-what-it-is"),  # only stop words: keep them
        ("", ""),
        ("!!! ???", ""),
    ],
)
def test_propose_id(text: str, expected: str) -> None:
    assert propose_id(text) == expected


def test_proposal_is_a_valid_id_within_limits() -> None:
    long_text = " ".join(["pharmacokinetically"] * 30)
    proposal = propose_id(long_text)
    assert re.fullmatch(ID_PATTERN, proposal)
    assert len(proposal) <= ID_MAX
    assert propose_id("x" * 200) == "x" * ID_MAX
    assert propose_id("alpha beta gamma delta", max_length=11) == "alpha-beta"


def test_at_most_eight_words() -> None:
    text = "one two three four five six seven eight nine ten"
    assert propose_id(text) == "one-two-three-four-five-six-seven-eight"


def test_words_strip_accents_and_possessives() -> None:
    assert words("Öl's NAÏVE über-test") == ["ol", "naive", "uber", "test"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ketamine is not approved for depression", "ketamine-not-approved-depression"),
        ("No dose is safe", "no-dose-safe"),
        (
            "Esketamine is never given without monitoring",
            "esketamine-never-given-without-monitoring",
        ),
        ("Neither pill nor spray works", "neither-pill-nor-spray-works"),
        ("Ketamine cannot be bought over the counter", "ketamine-cannot-bought-counter"),
        (
            "One two three four five six seven eight nine is not ten",
            "one-two-three-four-five-six-not-ten",
        ),
    ],
)
def test_negations_are_kept(text: str, expected: str) -> None:
    assert propose_id(text) == expected


NEGATION_WORDS = sorted(NEGATIONS)


@given(
    st.lists(st.from_regex(r"[A-Za-z0-9éü’']{1,25}", fullmatch=True), max_size=30),
    st.sampled_from(NEGATION_WORDS),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=12, max_value=ID_MAX),
)
def test_a_negated_text_always_gets_a_negated_id(
    others: list[str], negation: str, where: int, max_length: int
) -> None:
    text = " ".join([*others[:where], negation, *others[where:]])
    proposal = propose_id(text, max_length=max_length)
    assert re.fullmatch(ID_PATTERN, proposal)
    assert len(proposal) <= max_length
    assert NEGATIONS.intersection(proposal.split("-")), (text, proposal)


@given(st.text(max_size=300))
def test_any_text_gives_a_valid_id_or_none(text: str) -> None:
    proposal = propose_id(text)
    assert proposal == "" or (re.fullmatch(ID_PATTERN, proposal) and len(proposal) <= ID_MAX)
    assert (proposal == "") == (words(text) == [])
