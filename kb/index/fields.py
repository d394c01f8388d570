"""The search index schema (the one place that says what is indexed) and the documents in it.

One Whoosh document per fact. Besides the searchable fields, each document stores what the
search renderers need (`data`: the fact as JSON, with its subject's name and each source's
title, publisher and reliability), so a search never parses a TOML file. Freshness (file
sizes and mtimes) is kept in the manifest next to the index, see kb.index.store.

Bump FORMAT whenever the schema or the document layout changes: an index of another format is
rebuilt automatically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kb.index.text import SECTION
from kb.index.whooshlazy import defer_highlight, defer_morph_en

if TYPE_CHECKING:
    from whoosh.fields import Schema

FORMAT = 8  # 8: main's 5 (reliability levels, `related`) with the search work's 7

defer_morph_en()  # before anything imports whoosh.query (see kb.index.whooshlazy)
defer_highlight()  # ... or whoosh.searching

# Field prefixes a query may use (`subject:spravato`), with the index field each one searches.
USER_FIELDS: dict[str, str] = {
    "subject": "subject",
    "topic": "topic",
    "tag": "tag",
    "source": "source",
    "status": "status",
    "attribute": "attribute",
    "value": "value",
    "statement": "statement",
    "quote": "quote",
    "id": "id",
}
FIELD_ALIASES: dict[str, str] = {
    "subjects": "subject",
    "topics": "topic",
    "tags": "tag",
    "sources": "source",
    "quotes": "quote",
}
# The field of all the text of a fact (`text_fields`).
TEXT_FIELD = "text"
# Fields searched by words without a prefix, with their weight in the ranking: one field that
# holds all the text of a fact (see `text_fields`; why one: docs/search.md, "One text field").
DEFAULT_FIELDS: dict[str, float] = {"text": 1.0}
# The parts of that text, in order, with the weight of their words (tuned on the relevance
# set's dev queries: bench/relevance.py). They are part of the index: bump FORMAT when they
# change.
SECTIONS: dict[str, float] = {
    "statement": 2.0,
    "names": 1.0,
    "value": 1.0,
    "meta": 1.0,
    "quote": 1.0,
}
# Keyword fields of kebab-case values: a quoted phrase in them is the whole value with
# hyphens (`tag:"nasal spray"` is the tag `nasal-spray`).
KEBAB_FIELDS = frozenset({"topic", "tag", "status", "attribute"})
# Fields whose terms are stemmed (free text); the others hold whole values.
STEMMED_FIELDS = frozenset({"text", "statement", "quote", "value"})
# Query fields that are sections of `text`: `statement:x` is x in the statement's section.
SECTION_FIELDS = {name: number for number, name in enumerate(SECTIONS) if name in USER_FIELDS}
# The words of every stemmed field as written (not stemmed): what wildcards, fuzzy terms and
# typo corrections are compared with (kb.search.query, kb.search.spelling).
WORDS_FIELD = "words"


@lru_cache(maxsize=1)
def schema() -> Schema:
    """The Whoosh schema: every field, what it holds and how it is analysed."""
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from kb.index.analysis import keyword_analyzer, stemming_analyzer, words_analyzer

    # Word tokens, lower case, accents folded, CJK characters apart, English stop words
    # removed, numbers kept, stemmed, weighing their section's weight (kb.index.analysis).
    words = stemming_analyzer(tuple(SECTIONS.values()))
    whole, whole_list = keyword_analyzer(commas=False), keyword_analyzer(commas=True)
    return Schema(
        # The fact id (= file name); the unique key when a document is updated. Stored.
        id=ID(unique=True, stored=True),
        # The entry file, relative to the KB root (posix separators). Stored.
        path=ID(stored=True),
        # All the text of the fact, stemmed, with positions for phrase queries: what words
        # without a field are looked for in (`text_fields`).
        text=TEXT(analyzer=stemming_analyzer(tuple(SECTIONS.values())), multitoken_query="phrase"),
        # The free-text fields a query may name (`statement:`, `quote:`, `value:`), the same
        # way. The statement is also stored on its own, so that `plain` output needs no JSON.
        statement=TEXT(analyzer=words, stored=True, multitoken_query="phrase"),
        quote=TEXT(analyzer=words, multitoken_query="phrase"),  # every provenance quote
        value=TEXT(analyzer=words, multitoken_query="phrase"),  # the value of the attribute
        # Every word of `text` as written (not stemmed), without positions: its terms and their
        # document counts are what wildcards, fuzzy terms and typo corrections are compared
        # with.
        words=TEXT(analyzer=words_analyzer(), phrase=False),
        # Exact values for field prefixes and filters: whole values, lower case.
        # `subject` holds the subject id, its name and each alias, so `subject:spravato`
        # finds esketamine facts; `source` holds the source ids and their publishers.
        subject=KEYWORD(analyzer=whole_list, scorable=True),
        topic=KEYWORD(analyzer=whole, scorable=True),
        tag=KEYWORD(analyzer=whole, scorable=True),
        source=KEYWORD(analyzer=whole_list, scorable=True),
        status=KEYWORD(analyzer=whole),
        attribute=KEYWORD(analyzer=whole),
        # Ids only, for filters and for re-indexing the facts of a changed subject or source.
        subject_id=ID,
        source_id=KEYWORD,
        # The fact ids in `related`, to find the facts that link to one (kb show's backlinks).
        related=KEYWORD,
        # What the renderers need, as JSON (see `stored_record`).
        data=STORED,
    )


@lru_cache(maxsize=1)
def query_schema() -> Schema:
    """The schema queries are parsed with: the index's, plus the text fields a query may
    name (`statement:`, `value:`, `quote:`), analysed as `text` is (kb.search.query holds
    them to their section of `text`)."""
    from whoosh.fields import Schema

    index = schema()
    fields = {name: index[name] for name in index.names() if name not in SECTION_FIELDS}
    fields.update((name, index["text"]) for name in SECTION_FIELDS)
    return Schema(**fields)


def thesaurus_record(entries: Any) -> list[list[list[str]]]:
    """kb.toml's thesaurus as the index keeps it, analysed once here rather than by every
    search (kb.search.thesaurus reads it): for each entry, `[keys, words, also]`, where the
    keys are its words as a query's words are matched (stems, stop words kept: `side effects`
    → `side effect`), and `words` and `also` hold the stems searched for each of them (stop
    words out: `not safe` → `not safe`, `side effects` → `side effect`), space-separated."""
    analyzer: Any = schema()[TEXT_FIELD].analyzer

    def stems(text: str, **options: Any) -> str:
        return " ".join(t.text for t in analyzer(text, mode="query", **options))

    record = []
    for entry in entries:
        keys = [stems(word, removestops=False) for word in entry.words]
        words = [stems(word) for word in entry.words]
        record.append([keys, words, [stems(word) for word in entry.also]])
    return record


def fact_record(fact: Any, path: str) -> dict[str, Any]:
    """The parts of a Fact the index keeps (and can rebuild a document from): its plain view
    (kb.entries.serialize, every schema field in schema order) and its path from the KB root."""
    from kb.entries.serialize import fact_dict

    record = fact_dict(fact)
    record["path"] = path
    return record_from_stored(record)


def _keywords(values: list[str]) -> str:
    """Whole values for a comma-separated KEYWORD field (commas inside a value become spaces)."""
    return ",".join(" ".join(v.replace(",", " ").split()) for v in values if v.strip())


def _words(values: list[str]) -> str:
    return " ".join(v.replace("-", " ") for v in values if v)


def text_fields(stored: Mapping[str, Any]) -> dict[str, str]:
    """The free text of a fact, from its stored record (see `stored_record`), by part: the
    statement, the subject's id, name and aliases (`names`), the attribute value, the topics,
    tags, attribute name, status and source publishers as words (`meta`: so that a plain
    `infusion` also finds the tag `after-infusion`) and the quotes (`quote`). (kb export
    uses these parts too.)"""
    publishers = [p["publisher"] for p in stored["provenance"] if p.get("publisher")]
    names = [
        stored["subject"],
        stored.get("subject_name") or "",
        *stored.get("subject_aliases", ()),
    ]
    meta = [
        *stored["topics"],
        *stored["tags"],
        stored.get("attribute") or "",
        stored["status"],
        *dict.fromkeys(publishers),
    ]
    return {
        "statement": stored["statement"],
        "names": _words(names),
        "value": stored.get("value") or "",
        "meta": _words(meta),
        "quote": "\n".join(p["quote"] for p in stored["provenance"]),
    }


def text_of(stored: Mapping[str, Any]) -> str:
    """The value of the `text` field: the parts of `text_fields`, in SECTIONS, each of whose
    words weighs its section's weight."""
    parts = text_fields(stored)
    return SECTION.join(parts[name] for name in SECTIONS)


def fact_document(
    record: Mapping[str, Any], subjects: Mapping[str, Any], sources: Mapping[str, Any]
) -> dict[str, Any]:
    """The Whoosh document for one fact record, given the KB's subjects and sources
    (`{id: {"name", "aliases"}}` and `{id: {"title", "publisher", "reliability"}}`)."""
    from kb.index.analysis import surface_words

    stored = stored_record(record, subjects.get(record["subject"]) or {}, sources)
    names = [record["subject"], stored["subject_name"] or "", *stored["subject_aliases"]]
    source_ids = list(dict.fromkeys(p["source"] for p in record["provenance"]))
    publishers = [sources[s]["publisher"] for s in source_ids if s in sources]
    text = text_of(stored)
    return {
        "id": record["id"],
        "path": record["path"],
        TEXT_FIELD: text,
        "statement": stored["statement"],
        WORDS_FIELD: surface_words(text),  # analysed already: a list of words
        "subject": _keywords(names),
        "topic": " ".join(record["topics"]),
        "tag": " ".join(record["tags"]),
        "source": _keywords([*source_ids, *publishers]),
        "status": record["status"],
        "attribute": record.get("attribute") or "",
        "subject_id": record["subject"],
        "source_id": " ".join(source_ids),
        "related": " ".join(record.get("related") or ()),
        "data": json.dumps(stored, ensure_ascii=False),
    }


def stored_record(
    record: Mapping[str, Any], subject: Mapping[str, Any], sources: Mapping[str, Any]
) -> dict[str, Any]:
    """The record plus what rendering needs from the subject and the sources: the subject's
    name (in the record's `subject_name`) and aliases, and each provenance's source title,
    publisher and reliability. Keys keep the record's order (the search's JSON output)."""
    stored = dict(record)
    stored["subject_name"] = subject.get("name")
    stored["subject_aliases"] = list(subject.get("aliases", ()))
    provenance = []
    for prov in record["provenance"]:
        item = dict(prov)
        source = sources.get(prov["source"])
        if source is not None:
            item.update(
                title=source["title"],
                publisher=source["publisher"],
                reliability=source["reliability"],
            )
        provenance.append(item)
    stored["provenance"] = provenance
    return stored


# What stored_record adds to a record, besides each provenance's source details.
_ADDED = ("subject_aliases",)
_SOURCE_DETAILS = ("title", "publisher", "reliability")


def record_from_stored(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A fact record back from a stored `data` value (to re-index without parsing TOML): the
    stored record without what `stored_record` added."""
    record = {key: value for key, value in stored.items() if key not in _ADDED}
    record["subject_name"] = None
    record["provenance"] = [
        {key: value for key, value in prov.items() if key not in _SOURCE_DETAILS}
        for prov in stored["provenance"]
    ]
    return record
