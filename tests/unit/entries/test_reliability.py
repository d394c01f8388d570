"""Reliability order (kb.toml's reliability_levels, most reliable first) and weak sourcing."""

from __future__ import annotations

from kb.entries.reliability import (
    add_to_record,
    at_least,
    best,
    is_weak,
    strongest_first,
    weak_levels,
)

LEVELS = ("high", "medium", "low", "very-low")


def test_weak_levels_are_the_lower_half() -> None:
    assert weak_levels(LEVELS) == {"low", "very-low"}
    assert weak_levels(("high", "medium", "low")) == {"low"}
    assert weak_levels(("a", "b", "c", "d", "e")) == {"d", "e"}
    assert weak_levels(("only",)) == set()


def test_best_and_at_least() -> None:
    assert best(["low", "very-low", "medium"], LEVELS) == "medium"
    assert best(["unheard-of", None], LEVELS) is None
    assert at_least("medium", LEVELS) == {"high", "medium"}
    assert is_weak("low", LEVELS) and is_weak(None, LEVELS) and not is_weak("medium", LEVELS)


def test_provenance_strongest_first_file_order_among_equals_unknown_last() -> None:
    items = [
        {"source": "a", "reliability": "very-low"},
        {"source": "b"},  # an unknown source
        {"source": "c", "reliability": "low"},
        {"source": "d", "reliability": "high"},
        {"source": "e", "reliability": "low"},
    ]
    assert [i["source"] for i in strongest_first(items, LEVELS)] == ["d", "c", "e", "a", "b"]


def test_a_record_gets_its_best_reliability() -> None:
    record = {"provenance": [{"source": "a", "reliability": "low"}]}
    assert add_to_record(record, LEVELS) == {
        "provenance": [{"source": "a", "reliability": "low"}],
        "best_reliability": "low",
        "weakly_sourced": True,
    }
