"""Questions and the thesaurus: filler words weigh little, kb.toml [[thesaurus]] expands a
query with a lower weight (kb.search.thesaurus, kb.search.query stage 5 and 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.entries.loading import read_settings
from kb.search.api import search
from kb.search.query import parse, prepare
from tests.conftest import MINI_KB

THESAURUS = """
[[thesaurus]]
words = ["harm", "damage", "injury"]
also = ["risks"]

[[thesaurus]]
words = ["side effects", "adverse effects"]

[[thesaurus]]
words = ["how strong", "potent", "potency"]
also = ["stronger"]

[[thesaurus]]
words = ["when"]
also = ["first made", "synthesised"]
"""

FACTS = {
    "widgetol-adverse-effects": "Widgetol has adverse effects on the skin.",
    "widgetol-injury-report": "An injury was reported after widgetol use.",
    "widgetol-harm-liver": "Widgetol can harm the liver, and harm the kidneys, and harm more.",
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("thesaurus") / "mini-kb"
    shutil.copytree(MINI_KB, root)
    with (root / "kb.toml").open("a", encoding="utf-8") as settings:
        settings.write(THESAURUS)
    for fact_id, statement in FACTS.items():
        (root / "facts" / "core" / f"{fact_id}.toml").write_text(
            f'id = "{fact_id}"\nstatement = "{statement}"\nsubject = "widgetol"\n'
            f'topics = ["risks"]\n\n[[provenance]]\nsource = "alpha-news"\n'
            f'quote = "{statement}"\n',
            encoding="utf-8",
        )
    return root, str(tmp_path_factory.mktemp("thesaurus-index"))


def ids(kb: tuple[Path, str], text: str) -> list[str]:
    root, index_dir = kb
    return [hit.id for hit in search(root, text, limit=None, index_dir=index_dir).hits]


def test_the_thesaurus_is_read_from_kb_toml(kb: tuple[Path, str]) -> None:
    settings = read_settings(kb[0])
    assert settings.thesaurus[0].words == ("harm", "damage", "injury")
    assert settings.thesaurus[0].also == ("risks",)
    assert settings.thesaurus[1].also == ()


def test_a_word_finds_its_synonyms_with_the_typed_word_first(kb: tuple[Path, str]) -> None:
    found = ids(kb, "harm")
    typed = {"widgetol-bladder-damage", "widgetol-harm-liver"}  # "harm" in the statement
    assert set(found[:2]) == typed
    assert {"widgetol-injury-report"} <= set(found)  # "injury" means the same here


def test_related_words_rank_but_do_not_count_as_the_word(kb: tuple[Path, str]) -> None:
    # "risks" (also) is the topic of the bladder fact only, and of the added facts
    found = ids(kb, "widgetol harm")
    assert found.index("widgetol-injury-report") < found.index("widgetol-schedule-iv")


def test_a_phrase_key_with_a_stop_word_between(kb: tuple[Path, str]) -> None:
    assert ids(kb, "side effects")[0] == "widgetol-adverse-effects"
    assert ids(kb, "widgetol side effect")[0] == "widgetol-adverse-effects"


def test_a_question_key_maps_to_the_answer_words(kb: tuple[Path, str]) -> None:
    assert ids(kb, "how strong is gadgetine")[0] == "gadgetine-stronger"
    assert ids(kb, "when was widgetol made")[0] in {
        "widgetol-first-made-1970",
        "widgetol-first-made-1972",
    }


def test_filler_words_do_not_decide_the_ranking(kb: tuple[Path, str]) -> None:
    # "how" and "does" are in no fact; the fact about the bladder answers the question
    assert ids(kb, "how does widgetol harm the bladder")[0] == "widgetol-bladder-damage"


def test_a_query_of_filler_only_is_searched_as_typed(mini_kb: Path) -> None:
    assert search(mini_kb, "how").hits == []  # searched, not refused


def test_excluded_and_field_words_are_not_expanded(kb: tuple[Path, str]) -> None:
    found = ids(kb, "widgetol NOT harm")  # without the word typed; its synonyms may stay
    assert "widgetol-harm-liver" not in found and "widgetol-bladder-damage" not in found
    assert "widgetol-injury-report" in found
    assert ids(kb, "statement:injury") == ["widgetol-injury-report"]
    assert "widgetol-harm-liver" not in ids(kb, "statement:injury")


def test_without_a_thesaurus_nothing_is_expanded(mini_kb: Path) -> None:
    assert [h.id for h in search(mini_kb, "harm").hits] == ["widgetol-bladder-damage"]


def test_a_fact_scores_by_its_best_thesaurus_word_not_their_sum(kb: tuple[Path, str]) -> None:
    """Whoosh's DisjunctionMax scored every fact with the best score of the whole query
    (kb.search.matchers.best_class); each fact must get the best of its own words."""
    root, index_dir = kb
    from kb.index.opening import open_index

    opened = open_index(root, index_dir)
    with opened.index.searcher() as searcher:
        parsed = prepare(parse("injury"), searcher.reader(), opened.manifest.thesaurus)
        scores = {
            searcher.stored_fields(r.docnum)["id"]: r.score
            for r in searcher.search(parsed.query, limit=None)
        }
        for part in parsed.query.subqueries:
            for r in searcher.search(part, limit=None):
                assert scores[searcher.stored_fields(r.docnum)["id"]] >= r.score - 1e-9
    assert len(set(scores.values())) > 1
