"""One filter model for list, search and compare: OR within a filter, AND across filters,
case-insensitive values, subjects by id, name or alias."""

from __future__ import annotations

import pytest

from kb.core.errors import UsageError
from kb.entries.filters import Catalog, Filters, Resolved, check_given, resolve

CATALOG = Catalog(
    subjects={"esketamine": ("esketamine", "Esketamine", "Spravato"), "ketamine": ("ketamine",)},
    topics=("risks", "dosing", "regulation"),
    statuses=("established", "contested", "refuted"),
    sources=("blog", "news"),
)


def test_values_resolve_to_stored_values_whatever_their_case() -> None:
    resolved = resolve(
        Filters.of(subject=["SPRAVATO"], topic="Risks", tag=["BLADDER"], status="Refuted"),
        CATALOG,
    )
    assert resolved == Resolved(
        subject=frozenset({"esketamine"}),
        topic=frozenset({"risks"}),
        tag=frozenset({"bladder"}),
        status=frozenset({"refuted"}),
    )


def test_or_within_a_filter_and_across_filters() -> None:
    resolved = resolve(Filters.of(status=["contested", "refuted"], topic=["risks"]), CATALOG)
    fact = {"subject": "ketamine", "topics": ["risks"], "tags": [], "sources": ["blog"]}
    assert resolved.match(**fact, status="refuted")
    assert resolved.match(**fact, status="contested")
    assert not resolved.match(**fact, status="established")
    assert not resolved.match(**{**fact, "topics": ["dosing"]}, status="refuted")


def test_tags_match_without_regard_to_case() -> None:
    resolved = resolve(Filters.of(tag=["Bladder"]), CATALOG)
    assert resolved.match("ketamine", [], ["bladder"], [], "established")
    assert not resolved.match("ketamine", [], ["kidney"], [], "established")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters.of(subject="esketamin"), "unknown subject 'esketamin' (did you mean 'esketamine'"),
        (Filters.of(topic="risk"), "unknown topic 'risk' (did you mean 'risks'?)"),
        (Filters.of(source="blgo"), "unknown source 'blgo'"),
        (Filters.of(status=["refuted", "refute"]), "unknown status 'refute'"),
        (Filters.of(tag=["ok", " "]), "--tag needs a value"),
    ],
)
def test_unknown_or_empty_values_are_usage_errors(filters: Filters, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve(filters, CATALOG)
    assert message in caught.value.message
    assert caught.value.exit_code == 2


def test_a_subject_is_suggested_once_whatever_name_matched() -> None:
    with pytest.raises(UsageError) as caught:
        resolve(Filters.of(subject="esketamin"), CATALOG)
    assert caught.value.message == (
        "unknown subject 'esketamin' (did you mean 'esketamine' or 'ketamine'?)"
    )  # not also 'Esketamine' nor 'Spravato': they name the same subject


def test_empty_values_are_refused_before_any_catalog() -> None:
    with pytest.raises(UsageError, match="--status needs a value"):
        check_given(Filters.of(status=""))
    assert not Filters()
    assert Filters.of(topic=["risks"])


LEVELLED = CATALOG._replace(
    reliability={"blog": "low", "news": "high"}, levels=("high", "medium", "low")
)


def test_min_reliability_keeps_facts_with_a_source_that_good() -> None:
    resolved = resolve(Filters.of(min_reliability="Medium"), LEVELLED)
    assert resolved.reliable_sources == {"news"}
    fact = {"subject": "ketamine", "topics": ["risks"], "tags": [], "status": "established"}
    assert resolved.match(**fact, sources=["blog", "news"])
    assert not resolved.match(**fact, sources=["blog"])
    nothing = resolve(Filters.of(min_reliability="high"), LEVELLED._replace(reliability={}))
    assert nothing.reliable_sources == frozenset()
    assert not nothing.match(**fact, sources=["news"])
    assert resolve(Filters(), LEVELLED).reliable_sources is None  # no such filter


def test_min_reliability_is_checked() -> None:
    with pytest.raises(UsageError, match=r"unknown reliability level 'hihg' .*'high'"):
        resolve(Filters.of(min_reliability="hihg"), LEVELLED)
    with pytest.raises(UsageError, match="--min-reliability needs a value"):
        check_given(Filters.of(min_reliability=" "))
    with pytest.raises(UsageError, match="--min-reliability takes one level"):
        check_given(Filters.of(min_reliability=["high", "low"]))
