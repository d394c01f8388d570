"""The checks applied to answers typed at `kb new`'s prompts (kb.cli.prompts), with any input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli.prompts import one_of, quote_check, text_check, topics_check
from kb.core.errors import UsageError
from kb.entries.loading import load
from kb.entries.schema import ITEM_FIELDS
from tests.conftest import MINI_KB

KB = load(MINI_KB)
QUOTE = next(spec for spec in ITEM_FIELDS["provenance"] if spec.name == "quote")


@given(st.text(max_size=400))
def test_text_check_enforces_the_schema_lengths(answer: str) -> None:
    check = text_check(QUOTE)
    value = answer.strip()
    if value and QUOTE.min_length <= len(value) <= QUOTE.max_length:  # type: ignore[operator]
        assert check(answer) == value
    else:
        with pytest.raises(UsageError):
            check(answer)


@given(st.lists(st.sampled_from(["risks", "pharmacology", "astrology", " ", ""]), max_size=5))
def test_topics_check_accepts_exactly_the_vocabulary(parts: list[str]) -> None:
    answer = ",".join(parts)
    topics = [p.strip() for p in parts if p.strip()]
    if topics and all(t in KB.settings.topics for t in topics):
        assert topics_check(KB)(answer) == topics
    else:
        with pytest.raises(UsageError, match="topics come from"):
            topics_check(KB)(answer)


@given(st.text(max_size=30))
def test_one_of_accepts_only_listed_values(answer: str) -> None:
    allowed = ("news", "blog")
    if answer.strip() in allowed:
        assert one_of(allowed, "kind")(answer) == answer.strip()
    else:
        with pytest.raises(UsageError, match="kind must be one of"):
            one_of(allowed, "kind")(answer)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.integers(min_value=0, max_value=200), st.integers(min_value=10, max_value=120))
def test_a_quote_cut_from_the_snapshot_is_accepted(start: int, length: int) -> None:
    text = " ".join((MINI_KB / "snapshots" / "alpha.txt").read_text().split())
    quote = text[start : start + length].strip()
    check = quote_check(KB, "alpha-news", None)
    if len(quote) >= 10:
        assert check(quote) == quote
        with pytest.raises(UsageError, match=r"not in the snapshot alpha\.txt"):
            check(quote + " zebra quantum")


def test_quote_check_without_a_snapshot_checks_lengths_only(tmp_path: Path) -> None:
    check = quote_check(KB, "no-such-source", None)
    assert check("Anything at all, ten chars") == "Anything at all, ten chars"
