"""The domain models: one frozen dataclass per entry kind (and per table of a table-array
field), built from validated TOML tables by walking the schema (kb.entries.schema).

Each class has exactly the schema's fields (plus `path`, where the entry was read from); a test
checks that they agree, so a field added to the schema must be added here too, and is then
loaded, serialised and indexed without another list to update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kb.entries.schema import (
    DEFAULT_STATUS,
    FACT_FIELDS,
    KB_FIELDS,
    PROVENANCE_FIELDS,
    REFERENCE_FIELDS,
    SOURCE_FIELDS,
    SUBJECT_FIELDS,
    THESAURUS_FIELDS,
    Field,
    FieldType,
)


@dataclass(frozen=True)
class Provenance:
    """Where a source says the fact: its id, the verbatim quote and where in the source."""

    source: str
    quote: str
    locator: str | None = None


@dataclass(frozen=True)
class Reference:
    """An external document a fact's note rests on (no snapshot: what it says, in our words)."""

    title: str
    publisher: str
    url: str
    says: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Fact:
    id: str
    statement: str
    subject: str
    topics: tuple[str, ...]
    provenance: tuple[Provenance, ...]
    tags: tuple[str, ...] = ()
    attribute: str | None = None
    value: str | None = None
    status: str = "established"
    note: str | None = None
    related: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def sources(self) -> tuple[str, ...]:
        """The ids of the sources behind the fact, each once, in provenance order."""
        return tuple(dict.fromkeys(p.source for p in self.provenance))


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    kind: str
    reliability: str
    reliability_note: str
    retrieved: dt.date
    snapshot: str
    sha256: str
    authors: tuple[str, ...] = ()
    url: str | None = None
    path: Path | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Subject:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the subject answers to: id, display name and aliases."""
        return (self.id, self.name, *self.aliases)


@dataclass(frozen=True)
class ThesaurusEntry:
    """Words a search treats as related (kb.toml `[[thesaurus]]`)."""

    words: tuple[str, ...]
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The contents of kb.toml."""

    name: str
    topics: tuple[str, ...]
    source_kinds: tuple[str, ...]
    reliability_levels: tuple[str, ...]
    statuses: tuple[str, ...]
    subject_kinds: tuple[str, ...]
    description: str | None = None
    snapshots: str | None = None
    statuses_shown_refuted: tuple[str, ...] = ()
    statuses_shown_contested: tuple[str, ...] = ()
    thesaurus: tuple[ThesaurusEntry, ...] = ()

    def vocabulary(self, name: str) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(self, name)
        return values

    @property
    def default_status(self) -> str:
        """The status of a fact that gives none: the first of `statuses`."""
        return self.statuses[0] if self.statuses else DEFAULT_STATUS

    def status_display(self) -> dict[str, str]:
        """How each status is shown: "refuted" (loudly), "contested" (flagged) or "plain", as
        kb.toml declares (by default, the statuses named refuted and contested are shown so)."""
        refuted, contested = self.statuses_shown_refuted, self.statuses_shown_contested
        if not refuted and not contested:
            refuted, contested = ("refuted",), ("contested",)
        shown = {status: "contested" for status in contested}
        shown.update({status: "refuted" for status in refuted})
        return {status: shown.get(status, "plain") for status in self.statuses}


# Each model with the schema fields it holds, and the model of each table-array's tables.
MODEL_FIELDS: dict[type, tuple[Field, ...]] = {
    Fact: FACT_FIELDS,
    Source: SOURCE_FIELDS,
    Subject: SUBJECT_FIELDS,
    Settings: KB_FIELDS,
    Provenance: PROVENANCE_FIELDS,
    Reference: REFERENCE_FIELDS,
    ThesaurusEntry: THESAURUS_FIELDS,
}
ITEM_MODELS: dict[str, type] = {
    "provenance": Provenance,
    "references": Reference,
    "thesaurus": ThesaurusEntry,
}

M = TypeVar("M")


def _value(spec: Field, value: Any) -> Any:
    if spec.type is FieldType.STRING_ARRAY:
        return tuple(value or ())
    if spec.type is FieldType.TABLE_ARRAY:
        model = ITEM_MODELS[spec.name]
        return tuple(build(model, item) for item in value or ())
    return spec.default if value is None else value


def build(model: type[M], data: dict[str, Any], path: Path | None = None) -> M:
    """A model from an already validated TOML table: every schema field of the model, absent
    ones as their default (None, an empty tuple, or the schema's default)."""
    values = {spec.name: _value(spec, data.get(spec.name)) for spec in MODEL_FIELDS[model]}
    if path is not None:
        values["path"] = path
    return model(**values)


def fact_from_dict(
    data: dict[str, Any], path: Path | None = None, default_status: str | None = None
) -> Fact:
    """A fact; one that gives no status gets `default_status` (the KB's first status)."""
    if default_status is not None and "status" not in data:
        data = {**data, "status": default_status}
    return build(Fact, data, path)


def source_from_dict(data: dict[str, Any], path: Path | None = None) -> Source:
    return build(Source, data, path)


def subject_from_dict(data: dict[str, Any], path: Path | None = None) -> Subject:
    return build(Subject, data, path)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    return build(Settings, data)
