"""Word forms: wildcards and fuzzy terms against words as written, typo correction against real
words, accent folding, numbers, CJK text (kb.index.analysis, kb.search.query, .spelling)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.search.api import SearchResult, search
from tests.conftest import MINI_KB

FACTS = {
    "widgetol-medication": (
        "Widgetol is a prescription medication for pain.",
        "Doctors prescribe widgetol as a medication for pain.",
    ),
    "widgetol-medications-list": (
        "Widgetol is on the list of essential medications.",
        "The list of essential medications includes widgetol.",
    ),
    "widgetol-regulation-1": (
        "Regulation of widgetol is strict.",
        "Widgetol regulation is strict everywhere.",
    ),
    "widgetol-regulation-2": (
        "Regulation of widgetol sales changed.",
        "The regulation of widgetol sales changed last year.",
    ),
    "widgetol-regulation-3": (
        "Regulation treats widgetol as a drug.",
        "Widgetol is a drug under regulation.",
    ),
    "widgetol-regulating-body": (
        "A regulating body reviews widgetol.",
        "A regulating body reviews widgetol yearly.",
    ),
    "widgetol-cafe": (
        "Widgetol is sold in every café in Zürich.",
        "You can buy widgetol at any cafe in Zurich.",
    ),
    "widgetol-dose-5-mg": (
        "The usual widgetol dose is 5 mg a day.",
        "Take 5 mg of widgetol a day.",
    ),
    "widgetol-dose-4-5-mg": (
        "A low widgetol dose is 4.5 mg a day.",
        "Some take only 4.5 mg of widgetol.",
    ),
    "widgetol-percent-year": (
        "In 2019, 26% of widgetol users were over 100,000 in number.",
        "By 2019 about 26% of 100,000 users took widgetol.",
    ),
    "gadgetine-schedule-3": (
        "Gadgetine is a schedule 3 drug in some places.",
        "Gadgetine is listed in schedule 3.",
    ),
    "widgetol-chinese-name": (
        "Widgetol is sold in Tokyo: 東京で販売されています.",
        "In Tokyo it is sold: 東京で販売されています.",
    ),
    "widgetol-kyoto": (
        "Widgetol is not sold in Kyoto: 京都では販売されていません.",
        "Kyoto does not sell it: 京都では販売されていません.",
    ),
}


def _fact(fact_id: str, statement: str, quote: str) -> str:
    subject = fact_id.split("-")[0]
    return (
        f'id = "{fact_id}"\nstatement = "{statement}"\nsubject = "{subject}"\n'
        f'topics = ["pharmacology"]\n\n[[provenance]]\nsource = "alpha-news"\nquote = "{quote}"\n'
    )


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("forms") / "mini-kb"
    shutil.copytree(MINI_KB, root)
    for fact_id, (statement, quote) in FACTS.items():
        (root / "facts" / "core" / f"{fact_id}.toml").write_text(
            _fact(fact_id, statement, quote), encoding="utf-8"
        )
    return root, str(tmp_path_factory.mktemp("forms-index"))


def run(kb: tuple[Path, str], text: str) -> SearchResult:
    root, index_dir = kb
    return search(root, text, limit=None, index_dir=index_dir)


def ids(kb: tuple[Path, str], text: str) -> set[str]:
    return {hit.id for hit in run(kb, text).hits}


def test_wildcards_match_words_as_written(kb: tuple[Path, str]) -> None:
    medication = ids(kb, "medication OR medications")
    assert {"widgetol-medication", "widgetol-medications-list"} <= medication
    assert ids(kb, "medicat*") == medication  # each word found is searched as if typed
    assert ids(kb, "medicati?n") == ids(kb, "medication")
    assert ids(kb, "regulat*") == ids(kb, "regulation OR regulating")
    assert ids(kb, "statement:medicat*") == {"widgetol-medication", "widgetol-medications-list"}


def test_fuzzy_terms_match_words_as_written(kb: tuple[Path, str]) -> None:
    assert ids(kb, "medicaton~") == ids(kb, "medication")  # "medication", not its stem
    assert ids(kb, "medicaton~2") >= ids(kb, "medication OR medications")


def test_typos_are_corrected_to_the_most_frequent_close_word(kb: tuple[Path, str]) -> None:
    result = run(kb, "regulaton")
    assert result.corrected and result.query == "regulation"  # 3 facts, not "regulating" (1)
    assert {h.id for h in result.hits} >= {f"widgetol-regulation-{n}" for n in (1, 2, 3)}


def test_every_occurrence_of_a_typo_is_corrected(kb: tuple[Path, str]) -> None:
    assert run(kb, "widgetl widgetl").query == "widgetol widgetol"
    assert run(kb, "bladdr OR widgetl OR bladdr").query == "bladder OR widgetol OR bladder"


def test_a_typo_among_known_words_is_corrected_when_the_words_go_together(
    kb: tuple[Path, str],
) -> None:
    result = run(kb, "widgetol bladdr")
    assert result.query == "widgetol bladder" and result.unmatched == ["bladdr"]
    assert result.hits[0].id == "widgetol-bladder-damage"


def test_an_unknown_word_among_known_words_is_reported(kb: tuple[Path, str]) -> None:
    result = run(kb, "widgetol zzyzx")
    assert not result.corrected and result.unmatched == ["zzyzx"]
    assert result.hits  # the other words still find facts
    assert run(kb, "how does widgetol harm").unmatched == []  # filler words are not reported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cafe", {"widgetol-cafe"}),
        ("café", {"widgetol-cafe"}),
        ("CAFÉ", {"widgetol-cafe"}),
        ("zurich", {"widgetol-cafe"}),
        ("Zürich", {"widgetol-cafe"}),
        ('"café in zurich"', {"widgetol-cafe"}),
        ("caf*", {"widgetol-cafe"}),
        ("zürch~", {"widgetol-cafe"}),
    ],
)
def test_accents_are_folded_in_index_and_query(
    kb: tuple[Path, str], text: str, expected: set[str]
) -> None:
    assert ids(kb, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", {"widgetol-dose-5-mg"}),
        ('"5 mg"', {"widgetol-dose-5-mg"}),
        ('"4.5 mg"', {"widgetol-dose-4-5-mg"}),
        ("4.5", {"widgetol-dose-4-5-mg"}),
        ("2019", {"widgetol-percent-year"}),
        ("26%", {"widgetol-percent-year"}),
        ("100,000", {"widgetol-percent-year"}),
        ("100000", {"widgetol-percent-year"}),
        ('"schedule 3"', {"gadgetine-schedule-3"}),
        ("1970", {"widgetol-first-made-1970"}),
    ],
)
def test_numbers_are_searchable(kb: tuple[Path, str], text: str, expected: set[str]) -> None:
    assert ids(kb, text) == expected


def test_schedule_3_is_not_schedule_iv(kb: tuple[Path, str]) -> None:
    assert "widgetol-schedule-iv" not in ids(kb, '"schedule 3"')
    assert "widgetol-schedule-iv" in ids(kb, "schedule")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("東京", {"widgetol-chinese-name"}),  # a word inside a sentence
        ("販売", {"widgetol-chinese-name", "widgetol-kyoto"}),
        ("京都", {"widgetol-kyoto"}),  # not 東京: the characters must be in a row
        ('"東京で販売"', {"widgetol-chinese-name"}),
    ],
)
def test_cjk_words_inside_sentences_are_found(
    kb: tuple[Path, str], text: str, expected: set[str]
) -> None:
    assert ids(kb, text) == expected


def test_highlights_follow_the_folded_and_cjk_words(kb: tuple[Path, str]) -> None:
    [hit] = run(kb, "cafe zurich").hits[:1]
    assert hit.highlights[0].marked() == "Widgetol is sold in every **café** in **Zürich**."
    [hit] = run(kb, "東京").hits
    assert "**東京**" in hit.highlights[0].marked()
