"""Ranking statistics of the live documents: an index updated edit by edit ranks exactly like
a fresh build of the same KB.

BM25 scores with statistics of the whole index: each term's document frequency (its idf) and
each field's total length (its average). Two things make Whoosh's statistics drift from a
fresh build's as a KB is edited:

- a deleted document is only marked deleted: its segment keeps counting its terms and
  lengths until a merge drops it (for the big segment of a large KB, maybe never);
- a segment made by merging others adds up the documents' stored lengths, which Whoosh keeps
  rounded (one byte each), instead of their real lengths.

So every update records, per segment, what to take off Whoosh's figures to get the exact
ones (the file `deleted-<toc generation>.marshal` of the index generation): for its deleted
documents, their numbers, and per field how many of them hold each term; and per field, how
much its total length exceeds the real total of its live documents. The figures come from
indexing the documents' stored records again, in memory: for the documents an update deletes
and for the segments it creates (small ones, by Whoosh's merge policy); the segments of a
full build are exact as they are. `searcher` opens a searcher whose weighting uses the exact
figures. An index never updated (a fresh build) is Whoosh's own: nothing is read. A record
that does not match the index (missing, or of other documents) is worked out again while
searching: slower, never wrong.

`best` collects the exact top N with those scores (Whoosh's pruning with a corrected bound,
kb.index.whooshfix), ties at the cut decided by fact id rather than by where the documents
happen to be stored.
"""

from __future__ import annotations

import json
import marshal
import os
from collections.abc import Iterable, Iterator
from math import log
from pathlib import Path
from typing import Any

from kb.index.fields import fact_document, record_from_stored, schema

PREFIX, SUFFIX = "deleted-", ".marshal"
FORMAT = 2
BUILT = 1  # the table of contents generation of a full build (an empty index, then one commit)

# {segment id: {"docs": [its deleted documents], "lengths": {field: to take off its total},
#               "terms": {field: {term bytes: deleted documents holding it}}}}
Record = dict[str, dict[str, Any]]


def file_name(generation: int) -> str:
    return f"{PREFIX}{generation}{SUFFIX}"


def is_record(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith(SUFFIX)


def _read(path: Path) -> Record:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    segments = data.get("segments")
    return segments if isinstance(segments, dict) else {}


def _document(stored: str) -> dict[str, Any]:
    """The document a stored record was indexed as (kb.index.fields.fact_document, with the
    subject and source details the record keeps)."""
    data = json.loads(stored)
    record = record_from_stored(data)
    subjects = {}
    if data.get("subject_name") is not None:
        subjects[record["subject"]] = {
            "name": data["subject_name"],
            "aliases": list(data.get("subject_aliases") or ()),
        }
    sources = {
        p["source"]: {key: p[key] for key in ("title", "publisher", "reliability")}
        for p in data.get("provenance") or ()
        if "publisher" in p
    }
    return fact_document(record, subjects, sources)


def contribution(stored: Iterable[str]) -> dict[str, Any]:
    """What documents (their stored records) add to the statistics: field lengths and, per
    field, the number of documents holding each term; by indexing them again, in memory."""
    from whoosh.filedb.filestore import RamStorage

    index = RamStorage().create_index(schema())
    writer = index.writer()
    for data in stored:
        writer.add_document(**_document(data))
    writer.commit()
    lengths: dict[str, int] = {}
    terms: dict[str, dict[bytes, int]] = {}
    with index.reader() as reader:
        for name, field in schema().items():
            if field.scorable:
                lengths[name] = reader.field_length(name)
        for name, text in reader.all_terms():
            terms.setdefault(name, {})[text] = reader.doc_frequency(name, text)
    return {"lengths": lengths, "terms": terms}


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for name, length in part["lengths"].items():
        into["lengths"][name] = into["lengths"].get(name, 0) + length
    for name, counts in part["terms"].items():
        table = into["terms"].setdefault(name, {})
        for text, count in counts.items():
            table[text] = table.get(text, 0) + count


def _segment_record(segreader: Any, known: dict[str, Any] | None) -> dict[str, Any]:
    """The record of one segment (see the module), reusing `known` for what it covers; None
    for `known` means: nothing is known of this segment, work it all out."""
    deleted = set(segreader.deleted_docs_set) if segreader.has_deletions() else set()
    if known is not None and set(known.get("docs", ())) <= deleted:
        record = {
            "docs": list(known["docs"]),
            "lengths": dict(known["lengths"]),
            "terms": {name: dict(counts) for name, counts in known["terms"].items()},
        }
    else:  # the whole segment: how far its totals are from its documents' real lengths
        live = [d for d in range(segreader.doc_count_all()) if d not in deleted]
        real = contribution(segreader.stored_fields(d)["data"] for d in live)["lengths"]
        record = {
            "docs": [],
            "lengths": {name: segreader.field_length(name) - real[name] for name in real},
            "terms": {},
        }
    new = sorted(deleted - set(record["docs"]))
    if new:
        _merge(record, contribution(segreader.stored_fields(d)["data"] for d in new))
        record["docs"] = sorted([*record["docs"], *new])
    return record


def exact_segments(index: Any) -> Record:
    """The record of an index as a full build made it (before any update): every segment's
    figures are exact, nothing is deleted."""
    with index.reader() as reader:
        return {
            segreader.segment().segment_id(): {"docs": [], "lengths": {}, "terms": {}}
            for segreader, _ in reader.leaf_readers()
        }


def record_deletions(index: Any, directory: Path, known: Record) -> str:
    """After an update's commit (before its manifest is saved): write the record of every
    segment for the new table of contents, starting from what was `known` before the update
    (`read_record`); the file's name."""
    from kb.core.atomic import write_atomic

    with index.reader() as reader:
        segments: Record = {
            segreader.segment().segment_id(): _segment_record(
                segreader, known.get(segreader.segment().segment_id())
            )
            for segreader, _ in reader.leaf_readers()
        }
    name = file_name(index.latest_generation())
    write_atomic(directory / name, marshal.dumps({"format": FORMAT, "segments": segments}))
    return name


def read_record(index: Any, directory: Path, name: str | None) -> Record:
    """What is known of the segments of an index before an update: its record, or, for an
    index as a full build left it (generation 1, no record), that they are exact."""
    if name is not None:
        return _read(directory / name)
    return exact_segments(index) if index.latest_generation() == BUILT else {}


def current_record(directory: Path) -> str | None:
    """The record file in a generation's folder, if any (the newest, should there be more)."""
    try:
        names = [name for name in os.listdir(directory) if is_record(name)]
    except OSError:
        return None
    return max(names, key=lambda n: int(n[len(PREFIX) : -len(SUFFIX)] or 0), default=None)


class _Live:
    """The exact statistics of the live documents of an updated index."""

    def __init__(self, index: Any, reader: Any) -> None:
        folder = getattr(index.storage, "folder", None)
        recorded: Record = {}
        if folder is not None:
            recorded = _read(Path(folder) / file_name(_generation(index, reader)))
        self.records = []
        for segreader, _ in reader.leaf_readers():
            known = recorded.get(segreader.segment().segment_id())
            deleted = set(segreader.deleted_docs_set) if segreader.has_deletions() else set()
            if known is None or set(known.get("docs", ())) != deleted:
                known = _segment_record(segreader, None)  # not recorded: work it out now
            self.records.append(known)
        self.reader = reader
        self.count = reader.doc_count()

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        found = self.reader.doc_frequency(fieldname, text)
        if isinstance(text, str):
            text = schema()[fieldname].to_bytes(text)
        return found - sum(r["terms"].get(fieldname, {}).get(text, 0) for r in self.records)

    def field_length(self, fieldname: str) -> int:
        total = self.reader.field_length(fieldname)
        return total - sum(r["lengths"].get(fieldname, 0) for r in self.records)


class LiveReader:
    """A reader (for the query's preparation: word shares, wildcard and fuzzy expansions,
    spelling) that sees the live documents only: document frequencies without the deleted
    documents, and no word that only deleted documents hold. Anything else is the reader's."""

    def __init__(self, reader: Any, live: _Live) -> None:
        self._reader, self._live = reader, live

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def _alive(self, fieldname: str, text: str | bytes) -> bool:
        return self._live.doc_frequency(fieldname, text) > 0

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        return self._live.doc_frequency(fieldname, text)

    def __contains__(self, term: tuple[str, str | bytes]) -> bool:
        return term in self._reader and self._alive(*term)

    def expand_prefix(self, fieldname: str, prefix: Any) -> Iterator[Any]:
        return (
            t for t in self._reader.expand_prefix(fieldname, prefix) if self._alive(fieldname, t)
        )

    def lexicon(self, fieldname: str) -> Iterator[Any]:
        return (t for t in self._reader.lexicon(fieldname) if self._alive(fieldname, t))

    def field_terms(self, fieldname: str) -> Iterator[Any]:
        return (t for t in self._reader.field_terms(fieldname) if self._alive(fieldname, t))

    def iter_prefix(self, fieldname: str, prefix: Any) -> Iterator[Any]:
        found = self._reader.iter_prefix(fieldname, prefix)
        return (item for item in found if self._alive(fieldname, item[0]))

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> Any:
        found = self._reader.terms_within(fieldname, text, maxdist, prefix=prefix)
        return (t for t in found if self._alive(fieldname, t))


def live_reader(searcher: Any) -> Any:
    """The reader of a searcher from `searcher`, seeing live documents only (LiveReader); the
    reader itself when nothing is deleted."""
    live = getattr(searcher, "kb_live", None)
    return searcher.reader() if live is None else LiveReader(searcher.reader(), live)


def _generation(index: Any, reader: Any) -> int:
    """The table of contents generation a reader reads (without listing the folder)."""
    found = reader.generation()
    return int(found) if found is not None else int(index.latest_generation())


def searcher(index: Any, **kwargs: Any) -> Any:
    """index.searcher(**kwargs), scoring with the statistics of the live documents only."""
    from whoosh.scoring import WeightingModel

    opened = index.searcher(**kwargs)
    reader = opened.reader()
    if not reader.has_deletions() and _generation(index, reader) <= BUILT:
        return opened  # as a full build made it: Whoosh's figures are exact
    live = _Live(index, reader)
    inner = opened.weighting

    class LiveWeighting(type(inner)):  # type: ignore[misc]
        """The same model, with WeightingModel's idf over the live documents."""

        def __init__(self) -> None:
            self.__dict__.update(inner.__dict__)

        def idf(self, searcher: Any, fieldname: str, text: str) -> float:
            if type(inner).idf is not WeightingModel.idf:
                return float(inner.idf(searcher, fieldname, text))  # a model's own idf
            documents = live.doc_frequency(fieldname, text)
            return log(live.count / (documents + 1)) + 1

    def avg_field_length(fieldname: str, default: Any = None) -> Any:
        if not opened.schema[fieldname].scorable:
            return default
        return live.field_length(fieldname) / (live.count or 1)

    opened.kb_live = live  # for live_reader
    opened.weighting = LiveWeighting()
    opened.avg_field_length = avg_field_length
    for sub, _ in opened.subsearchers or ():
        sub.weighting = opened.weighting
    return opened


def best(searcher: Any, query: Any, limit: int | None, **options: Any) -> list[tuple[int, float]]:
    """The `limit` best matches of a query (every match with None) as (docnum, score): the
    exact top N, however the index was written (Whoosh's pruning with a true bound, ties at the
    cut decided by fact id, not by where Whoosh stored the documents). `options` are those of
    Searcher.search (filter, mask)."""
    if limit is None:
        return [(hit.docnum, hit.score) for hit in searcher.search(query, limit=None, **options)]
    size = limit + 1
    found = _collect(searcher, query, size, options)
    while len(found) == size and round(found[-1][1], 9) == round(found[limit - 1][1], 9):
        # documents tie across the cut: collect more, until one scores below the cut (all that
        # tie are then in) or there are no more (cheaper than scoring every match at once)
        size *= 8
        found = _collect(searcher, query, size, options)
    cut = round(found[limit - 1][1], 9) if len(found) >= limit else None
    kept = [item for item in found if cut is None or round(item[1], 9) > cut]
    tied = [item for item in found if cut is not None and round(item[1], 9) == cut]
    tied.sort(key=lambda item: searcher.stored_fields(item[0])["id"])  # the cut, by id
    return kept + tied[: limit - len(kept)]


def _collect(searcher: Any, query: Any, limit: int, options: dict[str, Any]) -> list[Any]:
    """The top `limit` by score. Whoosh prunes two ways while it collects: it skips blocks of
    documents whose best possible score cannot make the results (with the bound of its unions
    corrected: kb.index.whooshfix), and every few matches it `replace`s the query's matcher
    tree by a leaner one, turning unions whose parts cannot make it alone into intersections.
    The second drops documents that need several parts to make it (the unions' bounds aside,
    it drops parts kb's own matchers still need): it is turned off, the first kept
    (tests/unit/search/test_exact_top.py)."""
    from kb.index.whooshfix import install

    install()
    collector = searcher.collector(limit=limit, **options)
    scored = collector
    while hasattr(scored, "child"):  # the collector under the filter and mask wrappers
        scored = scored.child
    scored.replace = 0
    searcher.search_with_collector(query, collector)
    return [(hit.docnum, hit.score) for hit in collector.results()]
