"""Plain-data (JSON-ready) views of the domain models, shared by every machine format and by
the search index's stored records: keys in schema order (kb.entries.schema), dates as ISO
strings, tuples as lists, tables as dicts; a fact's view also names its subject and, for each
provenance, the source's title, publisher and reliability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kb.entries.models import MODEL_FIELDS, Fact, Source, Subject
from kb.entries.schema import FieldType


def plain(model: Any) -> dict[str, Any]:
    """A model as a dict of plain values, every schema field included (None or [] when absent)."""
    data: dict[str, Any] = {}
    for spec in MODEL_FIELDS[type(model)]:
        value = getattr(model, spec.name)
        if spec.type is FieldType.TABLE_ARRAY:
            value = [plain(item) for item in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[spec.name] = value
    return data


def source_dict(source: Source) -> dict[str, Any]:
    return plain(source)


def subject_dict(subject: Subject) -> dict[str, Any]:
    return plain(subject)


def fact_dict(
    fact: Fact,
    subjects: Mapping[str, Subject] | None = None,
    sources: Mapping[str, Source] | None = None,
    levels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The fact's plain view, with `subject_name` after `subject` (None when the subject is
    unknown or not given) and each provenance's source title, publisher and reliability (when
    the source is known). Given the KB's reliability levels, the provenance is listed most
    reliable source first and `best_reliability` and `weakly_sourced` are added
    (kb.entries.reliability)."""
    data = plain(fact)
    subject = subjects.get(fact.subject) if subjects is not None else None
    view: dict[str, Any] = {}
    for key, value in data.items():
        view[key] = value
        if key == "subject":
            view["subject_name"] = subject.name if subject else None
    for item in view["provenance"]:
        source = sources.get(item["source"]) if sources is not None else None
        if source is not None:
            item.update(
                title=source.title, publisher=source.publisher, reliability=source.reliability
            )
    if levels is not None:
        from kb.entries.reliability import add_to_record

        add_to_record(view, levels)
    return view
