"""Entry kinds and where each lives in a knowledge base.

    kb.toml                 the settings (kind `kb`)
    sources/<id>.toml       sources
    subjects/<id>.toml      subjects
    facts/**/<id>.toml      facts, in folders of any depth (by convention the first topic)

Kept apart from kb.entries.schema, whose field declarations import dataclasses: the search
fast path needs the kinds but not the schema.
"""

from __future__ import annotations

from enum import StrEnum


class EntryKind(StrEnum):
    FACT = "fact"
    SOURCE = "source"
    SUBJECT = "subject"
    KB = "kb"  # kb.toml


SETTINGS_FILE = "kb.toml"
# The folder of each kind of entry file, and whether entries may sit in sub-folders of it.
FOLDERS: dict[EntryKind, str] = {
    EntryKind.SOURCE: "sources",
    EntryKind.SUBJECT: "subjects",
    EntryKind.FACT: "facts",
}
KIND_OF_FOLDER: dict[str, EntryKind] = {folder: kind for kind, folder in FOLDERS.items()}
NESTED = frozenset({EntryKind.FACT})
ENTRY_KINDS: tuple[EntryKind, ...] = (EntryKind.FACT, EntryKind.SOURCE, EntryKind.SUBJECT)


def kind_at(relpath: str) -> EntryKind | None:
    """The kind of the entry file at `relpath` (relative to the KB root, `/`-separated) by its
    place alone, or None for a file that is no entry wherever it is (a stray)."""
    if relpath == SETTINGS_FILE:
        return EntryKind.KB
    folder, _, rest = relpath.partition("/")
    kind = KIND_OF_FOLDER.get(folder)
    if kind is None or not rest.endswith(".toml") or ("/" in rest and kind not in NESTED):
        return None
    return kind
