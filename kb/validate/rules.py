"""Cross-file rules checked one entry at a time: vocabularies (KB033), references (KB030–KB032),
statements that copy their quote (KB050), quotes against snapshots (KB040) and checksums (KB041,
KB042).

All they need to know about the rest of the KB is a `Context`, which is small enough to hand
to worker processes: facts are checked where they are parsed (see kb.validate.pool).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.core.suggest import did_you_mean
from kb.entries.kinds import EntryKind
from kb.entries.loading import RawEntry, display_path
from kb.entries.models import Settings
from kb.entries.problems import Problem, problem
from kb.entries.schema import DEFAULT_STATUS
from kb.entries.snapshots import SnapshotStore, normalise
from kb.entries.tomlpos import KeyPath, Positions
from kb.validate.similarity import copies, string_items, table_items

VOCABULARY_FIELDS = {
    "kb": (("statuses_shown_refuted", "statuses"), ("statuses_shown_contested", "statuses")),
    "fact": (("topics", "topics"), ("status", "statuses")),
    "source": (("kind", "source_kinds"), ("reliability", "reliability_levels")),
    "subject": (("kind", "subject_kinds"),),
}


@dataclass
class Context:
    """What the per-entry rules need to know about the whole KB."""

    settings: Settings | None  # None: kb.toml is missing or invalid (vocabularies unchecked)
    ids: dict[EntryKind, frozenset[str]]  # entry ids (file names) by kind
    snapshots: dict[str, str]  # source id -> the snapshot file it names
    store: SnapshotStore | None  # None: no snapshots directory (quotes and checksums unchecked)


class Located:
    """Positions of keys in one file's text, computed on first use."""

    def __init__(self, entry: RawEntry) -> None:
        self.entry = entry
        self._positions: Positions | None = None

    def at(self, path: KeyPath, code: str, message: str) -> Problem:
        if self._positions is None:
            self._positions = Positions(self.entry.text or "")
        shown = display_path(self.entry.path)
        return problem(shown, *self._positions.find(path), code, message)


def entry_rules(entry: RawEntry, context: Context) -> list[Problem]:
    """The cross-file problems of one parsed entry (none for an unparsable one)."""
    found: list[Problem] = []
    if entry.data is None:
        return found
    located = Located(entry)
    _vocabularies(entry.kind, entry.data, located, context.settings, found)
    if entry.kind == "fact":
        _note_needed(entry.data, located, context.settings, found)
        _fact_refs(entry.data, located, context.ids, found)
        _quotes(entry.data, located, context, found)
    elif entry.kind == "source" and context.store is not None:
        _checksum(entry.data, located, context.store, found)
    return found


def _vocabularies(
    kind: str,
    data: dict[str, Any],
    located: Located,
    settings: Settings | None,
    found: list[Problem],
) -> None:
    if settings is None:
        return
    for key, vocabulary in VOCABULARY_FIELDS.get(kind, ()):
        allowed = settings.vocabulary(vocabulary)
        values = data.get(key, [])
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and value not in allowed:
                hint = did_you_mean(value, allowed, limit=1)
                message = f"{key} {value!r} is not in kb.toml {vocabulary}{hint}"
                found.append(located.at((key,), "KB033", message))


def _note_needed(
    data: dict[str, Any], located: Located, settings: Settings | None, found: list[Problem]
) -> None:
    """KB023: a status other than the KB's default (its first) needs a note."""
    default = settings.default_status if settings is not None else DEFAULT_STATUS
    status = data.get("status", default)
    if isinstance(status, str) and status != default and not data.get("note"):
        message = f"status {status!r} needs a 'note' explaining why (the default is {default!r})"
        found.append(located.at(("status",), "KB023", message))


def _fact_refs(
    data: dict[str, Any],
    located: Located,
    ids: dict[EntryKind, frozenset[str]],
    found: list[Problem],
) -> None:
    subject = data.get("subject")
    if isinstance(subject, str) and subject not in ids[EntryKind.SUBJECT]:
        message = missing("subject", subject, ids[EntryKind.SUBJECT])
        found.append(located.at(("subject",), "KB030", message))
    for related in string_items(data.get("related")):
        if related not in ids[EntryKind.FACT]:
            message = missing("related fact", related, ids[EntryKind.FACT])
            found.append(located.at(("related",), "KB032", message))
    for index, prov in enumerate(table_items(data.get("provenance"))):
        source = prov.get("source")
        if isinstance(source, str) and source not in ids[EntryKind.SOURCE]:
            message = missing("source", source, ids[EntryKind.SOURCE])
            found.append(located.at(("provenance", index, "source"), "KB031", message))


def _quotes(data: dict[str, Any], located: Located, context: Context, found: list[Problem]) -> None:
    """KB050 and KB040, normalising each quote once for both."""
    statement, store, copied = data.get("statement"), context.store, False
    said = normalise(statement).casefold() if isinstance(statement, str) else None
    for index, prov in enumerate(table_items(data.get("provenance"))):
        quote, source_id = prov.get("quote"), prov.get("source")
        if not isinstance(quote, str):
            continue
        quoted = normalise(quote)
        copied = copied or (said is not None and copies(said, quoted.casefold()))
        snapshot = context.snapshots.get(source_id) if isinstance(source_id, str) else None
        if store is None or snapshot is None or store.raw(snapshot) is None:
            continue
        if not store.contains_normalised(snapshot, quoted):
            explained = store.mismatch(snapshot, quoted).explain()
            message = f"quote not found verbatim in snapshot {snapshot}: {explained}"
            found.append(located.at(("provenance", index, "quote"), "KB040", message))
    if copied:
        message = "statement copies its quote; say it in the KB's own words"
        found.append(located.at(("statement",), "KB050", message))


def _checksum(
    data: dict[str, Any], located: Located, store: SnapshotStore, found: list[Problem]
) -> None:
    snapshot, expected = data.get("snapshot"), data.get("sha256")
    if not isinstance(snapshot, str) or not snapshot:  # an empty name is KB016's to report
        return
    actual = store.sha256(snapshot)
    if actual is None:
        message = f"snapshot {snapshot} not found in {store.directory}"
        found.append(located.at(("snapshot",), "KB042", message))
    elif isinstance(expected, str) and actual != expected:
        found.append(located.at(("sha256",), "KB041", f"sha256 of {snapshot} is {actual}"))


def missing(kind: str, value: str, known: Iterable[str]) -> str:
    return f"unknown {kind} {value!r}{did_you_mean(value, known, limit=1)}"
