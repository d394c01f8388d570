"""Plain-data (JSON-ready) views of domain objects, shared by every machine format."""

from __future__ import annotations

from typing import Any

from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact, Source, Subject


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "authors": list(source.authors),
        "url": source.url,
        "kind": source.kind,
        "reliability": source.reliability,
        "reliability_note": source.reliability_note,
        "retrieved": source.retrieved.isoformat(),
        "snapshot": source.snapshot,
        "sha256": source.sha256,
    }


def subject_dict(subject: Subject) -> dict[str, Any]:
    return {
        "id": subject.id,
        "name": subject.name,
        "kind": subject.kind,
        "aliases": list(subject.aliases),
        "description": subject.description,
    }


def provenance_list(fact: Fact, kb: KnowledgeBase | None = None) -> list[dict[str, Any]]:
    items = []
    for prov in fact.provenance:
        item: dict[str, Any] = {"source": prov.source, "quote": prov.quote, "locator": prov.locator}
        source = kb.sources.get(prov.source) if kb else None
        if source is not None:
            item.update(
                title=source.title, publisher=source.publisher, reliability=source.reliability
            )
        items.append(item)
    return items


def fact_dict(fact: Fact, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    subject = kb.subjects.get(fact.subject) if kb else None
    return {
        "id": fact.id,
        "statement": fact.statement,
        "subject": fact.subject,
        "subject_name": subject.name if subject else None,
        "topics": list(fact.topics),
        "tags": list(fact.tags),
        "attribute": fact.attribute,
        "value": fact.value,
        "status": fact.status,
        "note": fact.note,
        "related": list(fact.related),
        "provenance": provenance_list(fact, kb),
    }
