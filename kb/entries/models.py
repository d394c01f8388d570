"""Domain objects: frozen dataclasses for the entries of a knowledge base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Provenance:
    source: str
    quote: str
    locator: str | None = None


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
    path: Path | None = field(default=None, compare=False)

    @property
    def sources(self) -> tuple[str, ...]:
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

    def vocabulary(self, name: str) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(self, name)
        return values


def _tuple(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(data.get(key) or ())


def fact_from_dict(data: dict[str, Any], path: Path | None = None) -> Fact:
    """Build a Fact from an already validated TOML table."""
    provenance = tuple(
        Provenance(p["source"], p["quote"], p.get("locator")) for p in data["provenance"]
    )
    return Fact(
        id=data["id"],
        statement=data["statement"],
        subject=data["subject"],
        topics=_tuple(data, "topics"),
        provenance=provenance,
        tags=_tuple(data, "tags"),
        attribute=data.get("attribute"),
        value=data.get("value"),
        status=data.get("status", "established"),
        note=data.get("note"),
        related=_tuple(data, "related"),
        path=path,
    )


def source_from_dict(data: dict[str, Any], path: Path | None = None) -> Source:
    return Source(
        id=data["id"],
        title=data["title"],
        publisher=data["publisher"],
        kind=data["kind"],
        reliability=data["reliability"],
        reliability_note=data["reliability_note"],
        retrieved=data["retrieved"],
        snapshot=data["snapshot"],
        sha256=data["sha256"],
        authors=_tuple(data, "authors"),
        url=data.get("url"),
        path=path,
    )


def subject_from_dict(data: dict[str, Any], path: Path | None = None) -> Subject:
    return Subject(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        aliases=_tuple(data, "aliases"),
        description=data.get("description"),
        path=path,
    )


def settings_from_dict(data: dict[str, Any]) -> Settings:
    return Settings(
        name=data["name"],
        topics=_tuple(data, "topics"),
        source_kinds=_tuple(data, "source_kinds"),
        reliability_levels=_tuple(data, "reliability_levels"),
        statuses=_tuple(data, "statuses"),
        subject_kinds=_tuple(data, "subject_kinds"),
        description=data.get("description"),
        snapshots=data.get("snapshots"),
    )
