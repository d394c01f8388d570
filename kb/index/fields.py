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

from kb.index.whooshlazy import defer_morph_en

if TYPE_CHECKING:
    from whoosh.fields import Schema

FORMAT = 5  # 5: the manifest records the reliability levels; a `related` field

defer_morph_en()  # before anything imports whoosh.query (see kb.index.whooshlazy)

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
# Fields searched by words without a prefix, with their weight in the ranking.
DEFAULT_FIELDS: dict[str, float] = {
    "statement": 4.0,
    "names": 2.5,
    "value": 1.5,
    "meta": 1.0,
    "quote": 1.0,
}
# Fields whose terms are stemmed (free text); the others hold whole values.
STEMMED_FIELDS = frozenset({"statement", "quote", "names", "value", "meta"})


@lru_cache(maxsize=1)
def schema() -> Schema:
    """The Whoosh schema: every field, what it holds and how it is analysed."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    words = StemmingAnalyzer()  # word tokens, lower case, English stop words removed, stemmed
    return Schema(
        # The fact id (= file name); the unique key when a document is updated. Stored.
        id=ID(unique=True, stored=True),
        # The entry file, relative to the KB root (posix separators). Stored.
        path=ID(stored=True),
        # Free text, stemmed, with positions for phrase queries. The statement is also
        # stored on its own, so that `plain` output needs no JSON.
        statement=TEXT(analyzer=words, stored=True),
        quote=TEXT(analyzer=words),  # every provenance quote
        names=TEXT(analyzer=words),  # the subject's id, display name and aliases as words
        value=TEXT(analyzer=words),  # the value of the attribute
        # Topics, tags, attribute name, status and source publishers as words, so that a
        # plain `infusion` also finds the tag `after-infusion`.
        meta=TEXT(analyzer=words),
        # Exact values for field prefixes and filters: whole values, lower case.
        # `subject` holds the subject id, its name and each alias, so `subject:spravato`
        # finds esketamine facts; `source` holds the source ids and their publishers.
        subject=KEYWORD(commas=True, lowercase=True, scorable=True),
        topic=KEYWORD(lowercase=True, scorable=True),
        tag=KEYWORD(lowercase=True, scorable=True),
        source=KEYWORD(commas=True, lowercase=True, scorable=True),
        status=KEYWORD(lowercase=True),
        attribute=KEYWORD(lowercase=True),
        # Ids only, for filters and for re-indexing the facts of a changed subject or source.
        subject_id=ID,
        source_id=KEYWORD,
        # The fact ids in `related`, to find the facts that link to one (kb show's backlinks).
        related=KEYWORD,
        # What the renderers need, as JSON (see `stored_record`).
        data=STORED,
    )


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
    """The free-text fields of a fact, from its stored record (see `stored_record`)."""
    publishers = [p["publisher"] for p in stored["provenance"] if p.get("publisher")]
    return {
        "statement": stored["statement"],
        "quote": "\n".join(p["quote"] for p in stored["provenance"]),
        "names": _words(
            [
                stored["subject"],
                stored.get("subject_name") or "",
                *stored.get("subject_aliases", ()),
            ]
        ),
        "value": stored.get("value") or "",
        "meta": _words(
            [
                *stored["topics"],
                *stored["tags"],
                stored.get("attribute") or "",
                stored["status"],
                *dict.fromkeys(publishers),
            ]
        ),
    }


def fact_document(
    record: Mapping[str, Any], subjects: Mapping[str, Any], sources: Mapping[str, Any]
) -> dict[str, Any]:
    """The Whoosh document for one fact record, given the KB's subjects and sources
    (`{id: {"name", "aliases"}}` and `{id: {"title", "publisher", "reliability"}}`)."""
    stored = stored_record(record, subjects.get(record["subject"]) or {}, sources)
    names = [record["subject"], stored["subject_name"] or "", *stored["subject_aliases"]]
    source_ids = list(dict.fromkeys(p["source"] for p in record["provenance"]))
    publishers = [sources[s]["publisher"] for s in source_ids if s in sources]
    return {
        "id": record["id"],
        "path": record["path"],
        **text_fields(stored),
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
