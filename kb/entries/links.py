"""Which facts point at an entry: a fact names its subject (`subject`), each source that makes
the claim (`[[provenance]] source`) and related facts (`related`).

`links_to` finds every such link to a set of ids in one pass over the fact files. Each file's
bytes are searched for the quoted id first, and only the files that contain it (or a TOML
escape, which could spell it otherwise) are parsed: in a KB of 10,000 facts a pass reads every
file but parses a handful. What `kb mv`, `kb rm`, `kb link`, backlinks in `kb show` and the
pre-commit hook's "what can this change break" are built on.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from kb.entries.kinds import EntryKind
from kb.entries.loading import parse_text
from kb.entries.walk import walk

# The field of a fact that names an entry of each kind.
FIELD_OF_KIND = {
    EntryKind.SUBJECT: "subject",
    EntryKind.SOURCE: "source",
    EntryKind.FACT: "related",
}
KIND_OF_FIELD = {field: kind for kind, field in FIELD_OF_KIND.items()}


class Link(NamedTuple):
    """One fact naming an entry."""

    path: Path  # the fact's file
    fact: str  # the fact's id (its file name)
    field: str  # "subject", "source" (of a provenance table) or "related"
    target: str  # the id it names

    @property
    def kind(self) -> EntryKind:
        """The kind of entry the link points at."""
        return KIND_OF_FIELD[self.field]


def named_ids(data: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(field, id) for each entry a parsed fact table names, in file order."""
    subject = data.get("subject")
    if isinstance(subject, str):
        yield "subject", subject
    related = data.get("related")
    if isinstance(related, list):
        for item in related:
            if isinstance(item, str):
                yield "related", item
    provenance = data.get("provenance")
    if isinstance(provenance, list):
        for table in provenance:
            source = table.get("source") if isinstance(table, dict) else None
            if isinstance(source, str):
                yield "source", source


def _needles(ids: Iterable[str]) -> list[bytes]:
    found = [b'"', b"'"]
    return [quote + entry_id.encode("utf-8") + quote for entry_id in ids for quote in found]


def _may_name(raw: bytes, needles: list[bytes]) -> bool:
    return b"\\u" in raw or b"\\U" in raw or any(needle in raw for needle in needles)


def _read(path: str) -> bytes | None:
    """A file's bytes (os.open and os.read: a third of the time of Path.read_bytes, which
    adds up over the files of a big KB), or None when it cannot be read."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        parts = []
        while part := os.read(handle, 1 << 16):
            parts.append(part)
        return b"".join(parts)
    except OSError:
        return None
    finally:
        os.close(handle)


def links_to(
    root: Path,
    targets: Mapping[EntryKind, Collection[str]],
    paths: Iterable[Path] | None = None,
    first_only: bool = False,
) -> list[Link]:
    """Every link from a fact (of `paths`, default every fact of the KB) to one of the
    `targets` (ids by kind), in walk order; with `first_only`, the search stops once each
    target has been found once. Facts that cannot be parsed name nothing."""
    wanted = {FIELD_OF_KIND[kind]: set(ids) for kind, ids in targets.items() if ids}
    if not wanted:
        return []
    needles = _needles({entry_id for ids in wanted.values() for entry_id in ids})
    if paths is None:
        base = os.path.join(root, "")
        files = [base + found.relpath for found in walk(root, (EntryKind.FACT,))]
    else:
        files = [str(path) for path in paths]
    pending = {(field, entry_id) for field, ids in wanted.items() for entry_id in ids}
    found: list[Link] = []
    for file in files:
        raw = _read(file)
        if raw is None or not _may_name(raw, needles):
            continue
        data, _ = parse_text(raw.decode("utf-8", errors="replace"), file)
        if data is None:
            continue
        path = Path(file)
        for field, entry_id in named_ids(data):
            if entry_id in wanted.get(field, ()):
                found.append(Link(path, path.stem, field, entry_id))
                pending.discard((field, entry_id))
        if first_only and not pending:
            break
    return found


def referrers(root: Path, kind: EntryKind, entry_id: str) -> list[Link]:
    """The links from facts to one entry (a fact's links to itself left out)."""
    links = links_to(root, {kind: [entry_id]})
    return [link for link in links if not (kind is EntryKind.FACT and link.fact == entry_id)]


def backlinks(root: Path, fact_id: str) -> list[str]:
    """The ids of the facts whose `related` names `fact_id` (for example the facts that
    contradict it), each once, in walk order."""
    return list(dict.fromkeys(link.fact for link in referrers(root, EntryKind.FACT, fact_id)))
