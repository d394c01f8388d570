"""The one "did you mean": close matches, deduplicated, in one wording."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kb.core.suggest import close_matches, did_you_mean, hint


def test_closest_first_and_limited() -> None:
    names = ["ketamine", "esketamine", "arketamine", "bladder", "ketamines"]
    assert close_matches("esketamin", names)[0] == "esketamine"
    assert len(close_matches("ketamin", names, limit=2)) == 2
    assert close_matches("zzzz", names) == []


def test_same_name_in_another_case_counts_once() -> None:
    assert close_matches("esketamin", ["esketamine", "Esketamine", "ketamine"]) == [
        "esketamine",
        "ketamine",
    ]


def test_names_of_the_same_thing_count_once() -> None:
    owners = {"esketamine": "esketamine", "Spravato": "esketamine", "ketamine": "ketamine"}
    assert close_matches("esketamin", owners) == ["esketamine", "ketamine"]


def test_the_word_itself_is_never_suggested() -> None:
    assert "broken-fact" not in close_matches("broken-fact", ["broken-fact", "broken-facts"])


def test_wording() -> None:
    assert hint([]) == ""
    assert hint(["a"]) == " (did you mean 'a'?)"
    assert hint(["a", "b", "c"]) == " (did you mean 'a', 'b' or 'c'?)"
    assert did_you_mean("rout", ["route", "potency"]) == " (did you mean 'route'?)"


def test_a_hundred_thousand_candidates() -> None:
    names = [f"fact-number-{n}" for n in range(100_000)]
    assert close_matches("fact-number-4242x", names)[0] == "fact-number-4242"


@given(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=30))
def test_any_input_gives_at_most_three_distinct_candidates(
    wanted: str, candidates: list[str]
) -> None:
    found = close_matches(wanted, candidates)
    assert len(found) <= 3
    assert all(name in candidates for name in found)
    assert len({name.casefold() for name in found}) == len(found)
    assert wanted not in found
