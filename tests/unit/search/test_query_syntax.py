"""The query language on the mini KB: every syntax form, and every refusal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.core.errors import QueryError, UsageError
from kb.entries.filters import Filters
from kb.entries.ordering import SortKey
from kb.search import limits
from kb.search.api import search
from kb.search.query import parse
from tests.conftest import MINI_KB


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("syntax") / "mini-kb"
    shutil.copytree(MINI_KB, root)
    return root, str(tmp_path_factory.mktemp("syntax-index"))


def ids(kb: tuple[Path, str], text: str, **filters: str) -> list[str]:
    root, index_dir = kb
    result = search(root, text, Filters.of(**filters), limit=None, index_dir=index_dir)
    return [hit.id for hit in result.hits]


WIDGETOL = [
    "widgetol-bladder-damage",
    "widgetol-first-made-1970",
    "widgetol-first-made-1972",
    "widgetol-schedule-iv",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bladder", ["widgetol-bladder-damage"]),
        ("BLADDER", ["widgetol-bladder-damage"]),
        ("damaging", ["widgetol-bladder-damage"]),  # stemmed like "damage" in the quote
        ('"first synthesis"', ["widgetol-first-made-1972"]),
        ('"synthesis first"', []),
        ("widgetol AND schedule", ["widgetol-schedule-iv"]),
        ("bladder OR potent", ["gadgetine-stronger", "widgetol-bladder-damage"]),
        ("widgetol NOT 1970 NOT 1972 NOT bladder", ["gadgetine-stronger", "widgetol-schedule-iv"]),
        ("(bladder OR schedule) AND widgetol", ["widgetol-bladder-damage", "widgetol-schedule-iv"]),
        ("synthes*", ["widgetol-first-made-1970", "widgetol-first-made-1972"]),
        ("bla?der", ["widgetol-bladder-damage"]),
        ("bladdre~1", ["widgetol-bladder-damage"]),
        ("subject:gadgetine", ["gadgetine-stronger"]),
        ("subject:gizmo", ["gadgetine-stronger"]),  # an alias
        ('subject:"widget pill" AND bladder', ["widgetol-bladder-damage"]),
        ("Subject:WDG AND schedule", ["widgetol-schedule-iv"]),
        ("topic:regulation", ["widgetol-schedule-iv"]),
        ("topics:risks", ["widgetol-bladder-damage"]),
        ("tag:history", ["widgetol-first-made-1970", "widgetol-first-made-1972"]),
        ("source:beta-blog", ["gadgetine-stronger", "widgetol-first-made-1972"]),
        ('source:"alpha news" AND bladder', ["widgetol-bladder-damage"]),
        ("status:contested", ["widgetol-first-made-1972"]),
        ("attribute:potency", ["gadgetine-stronger"]),
        ("value:1970", ["widgetol-first-made-1970"]),
        ("id:widgetol-schedule-iv", ["widgetol-schedule-iv"]),
        ("id:widgetol-first*", ["widgetol-first-made-1970", "widgetol-first-made-1972"]),
        ("quote:long-term", ["widgetol-bladder-damage"]),
        ("gizmo", ["gadgetine-stronger"]),  # subject aliases are searched by plain words too
        ("urinary", ["widgetol-bladder-damage"]),  # tags too
    ],
)
def test_syntax(kb: tuple[Path, str], text: str, expected: list[str]) -> None:
    assert sorted(ids(kb, text)) == expected


def test_plain_words_match_any_word_with_all_words_first(kb: tuple[Path, str]) -> None:
    found = ids(kb, "schedule widgetol")
    assert found[0] == "widgetol-schedule-iv"
    assert sorted(found) == ["gadgetine-stronger", *WIDGETOL]  # its quote names widgetol
    assert ids(kb, "widgetol schedule")[0] == "widgetol-schedule-iv"


def test_all_words_first_even_when_one_word_scores_higher(kb: tuple[Path, str]) -> None:
    # "potent" only matches gadgetine (strongly); facts with both words still come first
    found = ids(kb, "potent widgetol gizmo")
    assert found[0] == "gadgetine-stronger"
    found = ids(kb, "1970 widgetol")
    assert found[0] == "widgetol-first-made-1970" and len(found) == 5


def test_a_fact_with_every_word_outranks_a_higher_scoring_partial_match(mini_kb: Path) -> None:
    (mini_kb / "subjects" / "bladder.toml").write_text(
        'id = "bladder"\nname = "Bladder"\nkind = "drug"\naliases = ["Bladder bladder"]\n'
    )
    (mini_kb / "facts" / "core" / "bladder-bladder.toml").write_text(
        'id = "bladder-bladder"\nstatement = "Bladder bladder bladder bladder."\n'
        'subject = "bladder"\ntopics = ["risks"]\ntags = ["bladder"]\n'
        'attribute = "bladder"\nvalue = "bladder bladder"\n\n[[provenance]]\n'
        'source = "beta-blog"\nquote = "Bladder, bladder, bladder, bladder, bladder."\n'
    )
    # "bladder" weighs more than "harm": a fact full of it outscores one with both words
    hits = search(mini_kb, "bladder^8 harm", limit=None).hits
    assert [h.id for h in hits] == ["widgetol-bladder-damage", "bladder-bladder"]
    assert hits[1].score > hits[0].score  # first although it scores lower: it has both words


def test_filters_restrict_results(kb: tuple[Path, str]) -> None:
    assert ids(kb, "widgetol", status="contested") == ["widgetol-first-made-1972"]
    assert ids(kb, "widgetol OR gadgetine", subject="Gizmo") == ["gadgetine-stronger"]
    assert ids(kb, "widgetol", topic="risks", tag="bladder", source="alpha-news") == [
        "widgetol-bladder-damage"
    ]
    assert ids(kb, "widgetol", tag="no-such-tag") == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"subject": "Widgetoll"},
            "unknown subject 'Widgetoll' (did you mean 'widgetol'?)",
        ),
        ({"topic": "risk"}, "unknown topic 'risk' (did you mean 'risks'?)"),
        ({"status": "refute"}, "unknown status 'refute' (did you mean 'refuted'?)"),
        ({"source": "alpha"}, "unknown source 'alpha'"),
    ],
)
def test_unknown_filter_values_are_usage_errors(
    kb: tuple[Path, str], filters: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        ids(kb, "widgetol", **filters)
    assert caught.value.exit_code == 2 and message in caught.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("*", "'*' alone would match every fact"),
        ("*:*", "alone would match every fact"),
        ("**", "'**' alone"),
        ("?", "'?' alone"),
        ("*dget*", "leading wildcards"),
        ("?idgetol", "leading wildcards"),
        ("w*", "at least 2 letters"),
        ("w?dget", "at least 2 letters"),
        ("widgetol~5", "fuzzy distance 5"),
        ("widgetol~3", "fuzzy distance 3"),
        ("widgetol~99", "fuzzy distance 99 in 'widgetol~99'"),
        ("subject:", "subject: needs a value"),
        ("subject: widgetol", "as in subject:widgetol"),
        ("(tags:) widgetol", "tags: needs a value"),
        ("x" * 10_000, "10000 characters"),
        (" ".join(f"word{i}" for i in range(40)), "40 terms"),
        ("(" * 20 + "widgetol" + ")" * 20, "nests parentheses"),
        ("NOT widgetol", "only excludes"),
        ("the", "only common words"),
        ("colour:blue", "unknown field 'colour'"),
        ("names:widgetol", "unknown field 'names'"),  # an internal field is not a query field
        ("https://example.org", "unknown field 'https'"),
    ],
)
def test_refused_queries(kb: tuple[Path, str], text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        ids(kb, text)
    assert caught.value.exit_code == 2
    assert message in caught.value.message


def test_unknown_field_message_lists_the_valid_fields() -> None:
    with pytest.raises(QueryError) as caught:
        parse("colour:blue widgetol")
    for name in ("subject", "topic", "tag", "source", "status", "attribute"):
        assert name in caught.value.message


def test_too_many_expansions_are_refused(
    kb: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_EXPANSIONS", 1)
    with pytest.raises(QueryError, match="more than 1 different words"):
        ids(kb, "wi*")


def test_a_colon_inside_quotes_or_numbers_is_text(kb: tuple[Path, str]) -> None:
    assert ids(kb, '"schedule iv" 10:30') == ["widgetol-schedule-iv"]


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("widgetl", "widgetol"),
        ("bladdr", "bladder"),
        ("gadgetne", "gadgetine"),
        ("subject:gizmoo", "subject:gizmo"),
        ("tag:histroy", "tag:history"),
        ('"schedule vi"', None),
        ("widgetl AND potancy", "widgetol AND potency"),
    ],
)
def test_typos_are_corrected_from_indexed_words(
    kb: tuple[Path, str], typo: str, fixed: str | None
) -> None:
    root, index_dir = kb
    result = search(root, typo, index_dir=index_dir)
    if fixed is None:
        assert result.hits == [] and not result.corrected
    else:
        assert result.corrected and result.query == fixed and result.hits


def test_a_correction_that_finds_nothing_is_only_suggested(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    result = search(root, "bladdr AND gizmo", index_dir=index_dir)
    assert result.hits == [] and not result.corrected
    assert result.suggestion == "bladder AND gizmo"


def test_nothing_close_means_no_suggestion(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    result = search(root, "zzyzx", index_dir=index_dir)
    assert result.hits == [] and result.suggestion is None


def test_highlights_mark_stemmed_matches(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    hit = search(root, "harms bladders", index_dir=index_dir).hits[0]
    statement, quote = hit.highlights
    assert statement.marked() == "Using widgetol for a long time can **harm** the **bladder**."
    assert quote.source == "alpha-news" and quote.marked().endswith("the **bladder**.")
    assert search(root, "bladder", index_dir=index_dir, highlight=False).hits[0].highlights == ()


def test_excluded_words_are_not_highlighted(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    hit = search(root, "widgetol NOT 1970 NOT 1972 NOT gizmo", index_dir=index_dir).hits[0]
    assert all("1970" not in h.marked().split("**")[1::2] for h in hit.highlights)
    assert (
        "**Widgetol**" in hit.highlights[0].marked() or "**widgetol**" in hit.highlights[0].marked()
    )


def test_without_records_only_ids_scores_and_statements_are_kept(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    [hit] = search(root, "bladder", index_dir=index_dir, records=False, highlight=False).hits
    assert hit.stored is None and hit.highlights == ()
    assert hit.statement == "Using widgetol for a long time can harm the bladder."
    with pytest.raises(ValueError, match="records=False"):
        hit.record  # noqa: B018


def test_a_boost_raises_the_weight_of_a_word(kb: tuple[Path, str]) -> None:
    root, index_dir = kb
    plain = search(root, "widgetol 1970", index_dir=index_dir, limit=None).hits
    boosted = search(root, "widgetol^5 1970", index_dir=index_dir, limit=None).hits
    assert [h.id for h in boosted] == [h.id for h in plain]
    assert boosted[1].score > 2 * plain[1].score  # the second hit matches only "widgetol"


def test_a_non_ascii_digit_after_a_tilde_is_not_a_fuzzy_distance(kb: tuple[Path, str]) -> None:
    assert "widgetol-schedule-iv" in ids(kb, "widgetol~\u0663")  # ARABIC-INDIC DIGIT THREE


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("widgetol", {}),
        ("bladder OR gizmo", {}),
        ("widgetol NOT bladder", {}),
        ("widgetol", {"status": "contested"}),
        ("bladder OR widgetol", {"subject": "widgetol"}),
        ('"schedule iv"', {}),
    ],
)
def test_the_count_of_matches_is_the_number_of_hits(
    kb: tuple[Path, str], text: str, filters: dict[str, str]
) -> None:
    root, index_dir = kb
    counted = search(root, text, Filters.of(**filters), limit=1, index_dir=index_dir, count=True)
    assert counted.total == len(ids(kb, text, **filters))
    assert counted.total is not None and counted.total >= len(counted.hits)


BY_ID = SortKey("id", False)


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("widgetol", {}),
        ("bladder OR widgetol", {}),
        ("widgetol bladder", {}),  # facts with every word first, then the others
        ("bladder OR widgetol", {"subject": "widgetol"}),
        ("gizmo OR widgetol OR gadgetine", {}),
    ],
)
def test_the_total_is_exact_whatever_the_limit(
    kb: tuple[Path, str], text: str, filters: dict[str, str]
) -> None:
    """Below, at and above the number of matches, the total is that number, counted or known
    from the hits (a limit that cut nothing), and the hits are the first of every match."""
    root, index_dir = kb
    every = search(root, text, Filters.of(**filters), limit=None, index_dir=index_dir)
    matched = [hit.id for hit in every.hits]
    assert len(matched) >= 2, matched
    for limit in range(1, len(matched) + 2):
        result = search(root, text, Filters.of(**filters), limit=limit, index_dir=index_dir)
        assert result.total == len(matched), (limit, result.total)
        assert [hit.id for hit in result.hits] == matched[:limit]
        assert result.complete == (limit >= len(matched))
        where = Filters.of(**filters)
        by_id = search(root, text, where, limit=limit, index_dir=index_dir, sort=BY_ID)
        assert by_id.total == len(matched) and len(by_id.hits) == min(limit, len(matched))
