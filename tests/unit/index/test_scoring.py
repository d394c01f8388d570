"""kb.index.scoring reads each field's lengths once per search: the ranking and every score must
be exactly Whoosh's own BM25F, on the shipped KB (the relevance set's queries) and on a
generated KB whose index has several segments and deleted documents."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

from whoosh import scoring as whoosh_scoring

from bench.generate import generate
from kb.index.fields import schema
from kb.index.opening import open_index
from kb.index.scoring import LengthsOnce, _read_lengths
from kb.search.query import parse, prepare

REPO = Path(__file__).resolve().parents[3]


def every_match(searcher: Any, query: Any) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in searcher.search(query, limit=None)]


def compare(index: Any, texts: list[str], thesaurus: Any = ()) -> int:
    """Search every query, as kb runs it (with the KB's thesaurus), with Whoosh's BM25F and
    with kb's; returns how many scores were compared (all identical, or the assertion fails)."""
    compared = 0
    with (
        index.searcher(weighting=whoosh_scoring.BM25F()) as theirs,
        index.searcher(weighting=LengthsOnce()) as ours,
    ):
        for text in texts:
            parsed = prepare(parse(text), theirs.reader(), thesaurus)
            for query in (parsed.query, parsed.all_words):
                if query is None:
                    continue
                expected = every_match(theirs, query)
                assert every_match(ours, query) == expected, text
                compared += len(expected)
    return compared


def test_the_pin_is_exact() -> None:
    """The lengths are read through whoosh3 internals: an upgrade must be deliberate."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("whoosh3")]
    assert pins == ["whoosh3==3.54.0"]
    assert importlib.metadata.version("whoosh3") == "3.54.0"


def test_identical_scores_on_the_shipped_kb(tmp_path: Path) -> None:
    queries = tomllib.loads((REPO / "bench" / "relevance" / "queries.toml").read_text())
    texts = [query["text"] for query in queries["query"]]
    texts += ['"nasal spray"', "subject:esketamine AND dose", "ketamine^3 bladder", "tag:bladder"]
    opened = open_index(REPO / "entries", tmp_path / "index")
    assert compare(opened.index, texts, opened.manifest.thesaurus) > 5000


def test_identical_scores_with_several_segments_and_deletions(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    generate(600, root, seed=11)
    open_index(root, tmp_path / "index")
    facts = sorted((root / "facts").rglob("*.toml"))
    for path in facts[::7]:  # updated: a second segment, and deleted documents in the first
        path.write_text(re.sub(r"(statement = \")", r"\1Revised: ", path.read_text(), count=1))
    for path in facts[3::50]:
        path.unlink()
    opened = open_index(root, tmp_path / "index")
    assert len(opened.index.reader().leaf_readers()) > 1
    assert opened.index.reader().has_deletions()
    words = ["bladder", "ketamine", "revised", "dose", "risk", "study", "depression", "nasal"]
    texts = [*words, "ketamine bladder damage", "revised study risk", "dose OR dosing"]
    assert compare(opened.index, texts) > 500


def test_kb_searches_with_it(tmp_path: Path) -> None:
    opened = open_index(REPO / "entries", tmp_path / "index")
    with opened.searcher() as searcher:
        assert isinstance(searcher.weighting, LengthsOnce)


def test_whooshs_own_lengths_where_the_index_is_not_whoosh3_on_disk() -> None:
    """An in-memory index (RamStorage: kb's fallback when the cache cannot be written) or any
    reader this does not know keeps Whoosh's length function."""

    class NotAReader:
        pass

    assert _read_lengths(NotAReader(), "statement") is None


def test_lengths_match_whoosh_document_by_document(tmp_path: Path) -> None:
    """Every field Whoosh scores with lengths, every document of every segment."""
    opened = open_index(REPO / "entries", tmp_path / "index")
    scored = [name for name, field in schema().items() if field.scorable]
    assert "text" in scored
    reader = opened.index.reader()
    for fieldname in scored:
        seen = set()
        for leaf in reader.leaf_readers():
            segment = leaf[0]
            lengths = _read_lengths(segment, fieldname)
            assert lengths is not None
            for docnum in range(segment.doc_count_all()):
                assert lengths(docnum) == segment.doc_field_length(docnum, fieldname, 1)
                seen.add(lengths(docnum))
        if fieldname == "text":
            assert len(seen) > 10  # real lengths, not a default
