"""Library tests for kb.analysis.compare on the mini KB (extra facts are written into the tmp
copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.analysis.compare import Comparison, Row, compare
from kb.analysis.factdiff import normalise, word_diff
from kb.core.errors import UnknownIdError, UsageError
from kb.entries.filters import Filters
from kb.entries.loading import load


def add_fact(
    root: Path,
    fact_id: str,
    subject: str,
    attribute: str | None,
    value: str | None,
    sources: tuple[str, ...] = ("alpha-news",),
    status: str = "established",
    topic: str = "pharmacology",
) -> None:
    lines = [
        f'id = "{fact_id}"',
        f'statement = "A test statement about {subject} ({fact_id})."',
        f'subject = "{subject}"',
        f'topics = ["{topic}"]',
    ]
    if attribute:
        lines += [f'attribute = "{attribute}"', f'value = "{value}"']
    if status != "established":
        lines += [f'status = "{status}"', 'note = "Disputed in the tests."']
    for source in sources:
        lines += ["", "[[provenance]]", f'source = "{source}"', f'quote = "{source} says so."']
    (root / "facts" / "core" / f"{fact_id}.toml").write_text("\n".join(lines) + "\n")


def row(comparison: Comparison, attribute: str | None) -> Row:
    return next(r for r in comparison.rows if r.attribute == attribute)


def values(comparison: Comparison, attribute: str, column: str) -> list[str | None]:
    index = [c.id for c in comparison.columns].index(column)
    return [c.value for c in row(comparison, attribute).cells[index]]


@pytest.fixture
def kb_root(mini_kb: Path) -> Path:
    add_fact(mini_kb, "widgetol-weaker", "widgetol", "potency", "weaker than gadgetine")
    add_fact(
        mini_kb,
        "gadgetine-schedule-iv",
        "gadgetine",
        "legal-schedule",
        "schedule  IV.",
        topic="regulation",
    )
    return mini_kb


def test_normalise_ignores_case_spacing_typography() -> None:
    assert normalise("  Schedule\u00a0IV. ") == normalise("schedule iv")
    assert normalise("“fast”—onset") == normalise('"FAST"-onset')
    assert normalise("1970") != normalise("1972")


def test_subjects_one_row_per_attribute_with_marks(kb_root: Path) -> None:
    comparison = compare(load(kb_root), ["widgetol", "gadgetine"])
    assert comparison.kind == "subjects"
    assert [c.id for c in comparison.columns] == ["widgetol", "gadgetine"]
    assert {r.attribute for r in comparison.rows} == {"potency", "legal-schedule", "year-developed"}
    potency = row(comparison, "potency")
    assert potency.differs and potency.mark == "differs"
    schedule = row(comparison, "legal-schedule")
    assert not schedule.differs and schedule.mark == "same"
    year = row(comparison, "year-developed")
    assert year.missing == (1,) and year.mark == "gap" and not year.differs
    # shared rows come first, gaps after
    assert comparison.rows[-1].attribute == "year-developed"


def test_cell_lists_every_value_established_first_with_sources(kb_root: Path) -> None:
    comparison = compare(load(kb_root), ["widgetol", "gadgetine"])
    cell = row(comparison, "year-developed").cells[0]
    assert [(c.value, c.fact, c.status) for c in cell] == [
        ("1970", "widgetol-first-made-1970", "established"),
        ("1972", "widgetol-first-made-1972", "contested"),
    ]
    assert [(s.id, s.reliability) for s in cell[1].sources] == [("beta-blog", "low")]


def test_sources_sorted_most_reliable_first_and_refuted_last(kb_root: Path) -> None:
    add_fact(
        kb_root,
        "gadgetine-made-1990",
        "gadgetine",
        "year-developed",
        "1990",
        sources=("beta-blog", "alpha-news"),
        status="refuted",
    )
    add_fact(
        kb_root,
        "gadgetine-made-1980",
        "gadgetine",
        "year-developed",
        "1980",
        sources=("beta-blog",),
    )
    comparison = compare(load(kb_root), ["widgetol", "gadgetine"])
    cell = row(comparison, "year-developed").cells[1]
    assert [c.fact for c in cell] == ["gadgetine-made-1980", "gadgetine-made-1990"]
    assert [s.id for s in cell[1].sources] == ["alpha-news", "beta-blog"]


def test_aliases_resolve_and_keep_the_order_given(kb_root: Path) -> None:
    comparison = compare(load(kb_root), ["Gizmo", "WDG"])
    assert [c.id for c in comparison.columns] == ["gadgetine", "widgetol"]


def test_partial_when_lists_overlap(kb_root: Path) -> None:
    add_fact(kb_root, "widgetol-risk-bladder", "widgetol", "long-term-risk", "bladder damage")
    add_fact(kb_root, "widgetol-risk-liver", "widgetol", "long-term-risk", "liver damage")
    add_fact(kb_root, "gadgetine-risk-bladder", "gadgetine", "long-term-risk", "Bladder damage")
    risk = row(compare(load(kb_root), ["widgetol", "gadgetine"]), "long-term-risk")
    assert risk.differs and risk.mark == "partial"


def test_attribute_and_topic_restrict_rows(kb_root: Path) -> None:
    kb = load(kb_root)
    only = compare(kb, ["widgetol", "gadgetine"], attributes=["potency"])
    assert [r.attribute for r in only.rows] == ["potency"]
    regulation = compare(kb, ["widgetol", "gadgetine"], filters=Filters.of(topic="regulation"))
    assert [r.attribute for r in regulation.rows] == ["legal-schedule"]


def test_by_source_shows_where_sources_disagree(kb_root: Path) -> None:
    comparison = compare(load(kb_root), ["widgetol"], by="source")
    assert comparison.kind == "sources" and comparison.subject == "widgetol"
    assert [(c.id, c.detail) for c in comparison.columns] == [
        ("alpha-news", "high"),
        ("beta-blog", "low"),
    ]
    year = row(comparison, "year-developed")
    assert year.mark == "differs"
    assert values(comparison, "year-developed", "alpha-news") == ["1970"]
    assert values(comparison, "year-developed", "beta-blog") == ["1972"]
    assert year.cells[1][0].quote_by("beta-blog") == "Widgetol was first made in 1972"
    assert row(comparison, "legal-schedule").missing == (1,)


def test_facts_side_by_side_with_diff_and_verdict(kb_root: Path) -> None:
    comparison = compare(load(kb_root), ["widgetol-first-made-1970", "widgetol-first-made-1972"])
    assert comparison.kind == "facts"
    assert [f.id for f in comparison.facts] == [c.id for c in comparison.columns]
    assert comparison.verdict is not None and comparison.verdict.code == "different-values"
    assert [r.attribute for r in comparison.rows] == ["year-developed"]
    assert [(o.op, o.left, o.right) for o in comparison.diffs[0].ops] == [
        ("replace", "Widgetol was", "A blog dates the"),
        ("equal", "first", "first"),
        ("replace", "synthesised in 1970.", "synthesis of widgetol to 1972."),
    ]


def test_fact_verdicts_same_value_and_unrelated(kb_root: Path) -> None:
    add_fact(kb_root, "widgetol-schedule-again", "widgetol", "legal-schedule", "schedule iv")
    kb = load(kb_root)
    same = compare(kb, ["widgetol-schedule-iv", "widgetol-schedule-again"])
    assert same.verdict is not None and same.verdict.code == "same-value"
    unrelated = compare(kb, ["widgetol-schedule-iv", "widgetol-bladder-damage"])
    assert unrelated.verdict is not None and unrelated.verdict.code == "unrelated"
    assert {r.attribute for r in unrelated.rows} == {"legal-schedule", None}
    other = compare(kb, ["widgetol-schedule-iv", "gadgetine-stronger", "widgetol-weaker"])
    assert other.verdict is not None and "different attributes" in other.verdict.text
    assert [(d.left, d.right) for d in other.diffs] == [
        ("widgetol-schedule-iv", "gadgetine-stronger"),
        ("widgetol-schedule-iv", "widgetol-weaker"),
    ]


def test_word_diff_marks_inserted_words() -> None:
    ops = word_diff("a b c", "a x b c")
    assert [(o.op, o.left, o.right) for o in ops] == [
        ("equal", "a", "a"),
        ("insert", "", "x"),
        ("equal", "b c", "b c"),
    ]


@pytest.mark.parametrize(
    ("things", "options", "text"),
    [
        (["widgetol"], {}, "at least two different subjects"),
        (["widgetol", "WDG"], {}, "all name the same subject (widgetol)"),
        (["widgetol", "widgetol-schedule-iv"], {}, "cannot compare subjects with facts"),
        (["widgetol", "gadgetine"], {"by": "source"}, "ONE subject"),
        (["widgetol-schedule-iv", "gadgetine-stronger"], {"by": "source"}, "not facts"),
        (
            ["widgetol-schedule-iv", "gadgetine-stronger"],
            {"filters": Filters.of(topic="risks")},
            "not facts",
        ),
        (["widgetol-schedule-iv"], {}, "at least two different facts"),
        (["widgetol", "gadgetine"], {"attributes": ["potencyy"]}, "did you mean 'potency'"),
        (["widgetol", "gadgetine"], {"filters": Filters.of(topic="nope")}, "unknown topic"),
        ([" ", ""], {}, "nothing to compare"),
    ],
)
def test_usage_errors(
    kb_root: Path, things: list[str], options: dict[str, object], text: str
) -> None:
    with pytest.raises(UsageError) as caught:
        compare(load(kb_root), things, **options)  # type: ignore[arg-type]
    assert text in caught.value.message
    assert caught.value.exit_code == 2


def test_unknown_id_suggests_close_matches(kb_root: Path) -> None:
    with pytest.raises(UnknownIdError) as caught:
        compare(load(kb_root), ["widgetoll", "gadgetine"])
    assert caught.value.exit_code == 1
    assert caught.value.unknown == ["widgetoll"]
    assert "widgetol" in caught.value.suggestions["widgetoll"]


def test_invalid_fact_file_is_an_error_not_a_crash(kb_root: Path) -> None:
    (kb_root / "facts" / "core" / "broken-fact.toml").write_text('id = "broken-fact"\n')
    with pytest.raises(UnknownIdError) as caught:
        compare(load(kb_root), ["broken-fact", "widgetol-schedule-iv"])
    assert caught.value.unknown == ["broken-fact"]
