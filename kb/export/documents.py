"""One JSON document per fact, for bulk indexing into OpenSearch or Elasticsearch (`kb export
jsonl`), with the index mapping that fits it.

A document is the fact as `kb show -f json` gives it (every schema field, the subject's name,
each provenance's source title, publisher and reliability, the best reliability, whether only
weak sources back it, the path from the KB root), without its backlinks (other documents'
`related`), plus what a search engine cannot work out by itself: the subject's aliases and the
ids of the sources. Its fields are fixed by `FIELDS` (a test checks that the documents, the
mapping and docs/cli.md agree): a new schema field must be added there and to the mapping, so
that an index built with the mapping (`"dynamic": "strict"`) never meets a field it does not
know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from kb.entries.loading import KnowledgeBase

# Every field of a document, in order.
FIELDS = (
    "id",
    "statement",
    "subject",
    "subject_name",
    "subject_aliases",
    "topics",
    "tags",
    "attribute",
    "value",
    "status",
    "note",
    "related",
    "references",
    "provenance",
    "sources",
    "best_reliability",
    "weakly_sourced",
    "path",
)

_ENGLISH = {"type": "text", "analyzer": "english"}
_KEYWORD = {"type": "keyword"}


def _text_and_keyword(analyzer: str = "english") -> dict[str, Any]:
    """Full text, plus `.raw` for exact matches, sorting and aggregations."""
    return {
        "type": "text",
        "analyzer": analyzer,
        "fields": {"raw": {"type": "keyword", "ignore_above": 256}},
    }


# The index mapping and settings (OpenSearch 1-2, Elasticsearch 7-8): `PUT /INDEX` with it.
MAPPING: dict[str, Any] = {
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": _KEYWORD,
            "statement": _ENGLISH,
            "subject": _KEYWORD,
            "subject_name": _text_and_keyword("standard"),
            "subject_aliases": _text_and_keyword("standard"),
            "topics": _KEYWORD,
            "tags": _KEYWORD,
            "attribute": _KEYWORD,
            "value": _text_and_keyword(),
            "status": _KEYWORD,
            "note": _ENGLISH,
            "related": _KEYWORD,
            "references": {
                "type": "nested",
                "properties": {
                    "title": _ENGLISH,
                    "publisher": _KEYWORD,
                    "url": _KEYWORD,
                    "date": {"type": "date", "format": "strict_date"},
                    "says": _ENGLISH,
                },
            },
            "provenance": {
                "type": "nested",
                "properties": {
                    "source": _KEYWORD,
                    "quote": _ENGLISH,
                    "locator": _KEYWORD,
                    "title": _ENGLISH,
                    "publisher": _KEYWORD,
                    "reliability": _KEYWORD,
                },
            },
            "sources": _KEYWORD,
            "best_reliability": _KEYWORD,
            "weakly_sourced": {"type": "boolean"},
            "path": _KEYWORD,
        },
    },
}


def fact_document(kb: KnowledgeBase, view: dict[str, Any]) -> dict[str, Any]:
    """The document for one fact, from its view (KnowledgeBase.fact_view)."""
    subject = kb.subjects.get(view["subject"])
    extra = {
        "subject_aliases": list(subject.aliases) if subject is not None else [],
        "sources": list(dict.fromkeys(p["source"] for p in view["provenance"])),
    }
    document = {name: view[name] if name in view else extra[name] for name in FIELDS}
    return document


def documents(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """Every fact that loads, by id."""
    for fact_id in sorted(kb.facts):
        yield fact_document(kb, kb.fact_view(kb.facts[fact_id]))


def bulk_lines(docs: Iterable[dict[str, Any]], index: str | None = None) -> Iterator[str]:
    """JSON lines: one document per line, or with `index` the `_bulk` API's body (an `index`
    action naming the index and the fact id as `_id`, then the document)."""
    for document in docs:
        if index is not None:
            yield json.dumps({"index": {"_index": index, "_id": document["id"]}})
        yield json.dumps(document, ensure_ascii=False)
