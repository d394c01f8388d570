"""Relevance on the shipped KB. Its content is still growing, so these tests check what any
sensible ranking must give (the top hits are about the query), not exact ids or counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.entries.filters import Filters
from kb.search.api import SearchResult, search
from tests.conftest import SHIPPED_KB


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("shipped-index"))


def run(index_dir: str, text: str, limit: int = 5, **filters: str) -> SearchResult:
    return search(SHIPPED_KB, text, Filters.of(**filters), limit=limit, index_dir=index_dir)


def text_of(hit: object) -> str:
    record = hit.record  # type: ignore[attr-defined]
    quotes = " ".join(p["quote"] for p in record["provenance"])
    return f"{record['statement']} {quotes} {' '.join(record['tags'])}".lower()


def test_bladder(index_dir: str) -> None:
    hits = run(index_dir, "bladder").hits
    assert len(hits) >= 3
    assert "bladder" in hits[0].record["statement"].lower()
    about = [f"{h.record['statement']} {' '.join(h.record['tags'])}".lower() for h in hits[:3]]
    assert all("bladder" in text for text in about)  # in the statement or a tag
    assert all("bladder" in text_of(hit) for hit in hits)


def test_spravato_finds_esketamine_facts_through_the_alias(index_dir: str) -> None:
    hits = run(index_dir, "spravato").hits
    assert len(hits) >= 2
    assert all(hit.record["subject"] == "esketamine" for hit in hits[:2])
    by_field = run(index_dir, "subject:spravato", limit=50).hits
    assert by_field and all(hit.record["subject"] == "esketamine" for hit in by_field)
    filtered = run(index_dir, "depression", subject="Spravato").hits
    assert all(hit.record["subject"] == "esketamine" for hit in filtered)


def test_dosing(index_dir: str) -> None:
    hits = run(index_dir, "dosing").hits
    assert len(hits) >= 3
    assert all(any(w in text_of(hit) for w in ("dose", "dosing", "dosage")) for hit in hits[:3])


def test_schedule(index_dir: str) -> None:
    hits = run(index_dir, "schedule").hits
    assert hits and "schedule" in hits[0].record["statement"].lower()


def test_a_misspelling_is_corrected(index_dir: str) -> None:
    result = run(index_dir, "esketamne")
    assert result.corrected and result.query == "esketamine"
    assert result.hits and "esketamine" in text_of(result.hits[0])
    result = run(index_dir, "bladdr")
    assert result.query == "bladder" and result.hits


def test_a_field_query(index_dir: str) -> None:
    hits = run(index_dir, "topic:dosing", limit=20).hits
    assert hits and all("dosing" in hit.record["topics"] for hit in hits)
    refuted = run(index_dir, "status:refuted", limit=50).hits
    assert all(hit.record["status"] == "refuted" for hit in refuted)


def test_a_phrase(index_dir: str) -> None:
    hits = run(index_dir, '"nasal spray"', limit=20).hits
    assert hits and "nasal spray" in hits[0].record["statement"].lower()
    for hit in hits:  # in the text, or in a name of the subject (esketamine nasal spray)
        names = " ".join([hit.record["subject_name"], *hit.record["subject_aliases"]])
        assert "nasal spray" in f"{text_of(hit)} {names.lower()}".replace("-", " ")


def test_highlights_cover_the_query_word(index_dir: str) -> None:
    hit = run(index_dir, "glutamate").hits[0]  # a word the thesaurus does not expand
    statement = hit.highlights[0]
    assert statement.spans
    assert all(statement.text[s:e].lower().startswith("glutamate") for s, e in statement.spans)


def test_highlights_cover_thesaurus_words_too(index_dir: str) -> None:
    hits = run(index_dir, "bladder", limit=30).hits
    marked = {h.text[s:e].lower() for hit in hits for h in hit.highlights for s, e in h.spans}
    assert "bladder" in marked and marked & {"urinary", "cystitis"}


def test_every_hit_matches_all_words_before_any_matches_one(index_dir: str) -> None:
    hits = run(index_dir, "ketamine bladder", limit=30).hits
    both = ["ketamine" in text_of(h) and "bladder" in text_of(h) for h in hits]
    assert both[0]
    assert both == sorted(both, reverse=True)


def test_query_on_a_fresh_shipped_index_is_quick_enough(index_dir: str) -> None:
    run(index_dir, "warm up")
    for text in ("ketamine", "ke*", "esketamine~2", '"nasal spray" OR bladder', "zzzqqq"):
        assert isinstance(run(index_dir, text, limit=100), SearchResult)


def test_the_shipped_kb_is_indexed_outside_the_repository(index_dir: str) -> None:
    run(index_dir, "bladder")
    repo_entries = Path(SHIPPED_KB)
    assert not any(p.name.startswith("ix-") for p in repo_entries.rglob("*"))
