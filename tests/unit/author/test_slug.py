from __future__ import annotations

import re

import pytest

from kb.author.slug import propose_id, words
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
