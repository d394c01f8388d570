"""`kb mv`, `kb rm` and `kb link`: changes that touch several entry files, made all or nothing.

Each command first plans its change (a `Plan`: the new text of every file it touches, and the
files it removes) without writing anything, then applies the plan with
kb.core.atomic.apply_changes: every new text is written to a temporary file first, and a
failure part way puts every file back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from kb.author.rewrite import (
    Rewritten,
    add_array_items,
    drop_array_items,
    drop_tables,
    replace_quoted,
    rewrite,
)
from kb.core.atomic import apply_changes
from kb.core.errors import KbError, UnknownIdError, UsageError
from kb.core.suggest import close_matches
from kb.entries.kinds import ENTRY_KINDS, EntryKind
from kb.entries.links import Link, links_to
from kb.entries.loading import display_path, parse_text
from kb.entries.schema import ID_MAX, ID_PATTERN
from kb.entries.walk import find, paths_of


class Plan(NamedTuple):
    """What a command will change: (path, new text) to write, (path, None) to remove."""

    changes: list[tuple[Path, str | None]]
    notes: list[str]  # for the user: files rewritten anew, links already there...

    @property
    def paths(self) -> list[Path]:
        return [path for path, _ in self.changes]


def apply(plan: Plan) -> None:
    """Carry the plan out, all or nothing."""
    apply_changes(plan.changes)


def refuse_shipped(root: Path) -> None:
    """The KB installed with the package is not for writing into."""
    if "_shipped_entries" in root.parts:
        raise UsageError("refusing to change the KB installed with the package; pass --kb DIR")


def locate(root: Path, entry_id: str, kind: str | None = None) -> tuple[EntryKind, Path]:
    """The kind and file of the entry `entry_id` (of `kind`, when given). UnknownIdError with
    close matches when there is none; a usage error when the id names entries of two kinds and
    no kind was given."""
    kinds = _kinds(kind)
    found = [(k, path) for k in kinds if (path := find(root, k, entry_id)) is not None]
    if len(found) == 1:
        return found[0]
    if found:
        names = " and a ".join(k.value for k, _ in found)
        raise UsageError(f"{entry_id!r} names a {names}; say which with --kind")
    known = [path.stem for k in kinds for path in paths_of(root, k)]
    what = kind or "entry"
    raise UnknownIdError(what, [entry_id], {entry_id: close_matches(entry_id, known)})


def _kinds(kind: str | None) -> tuple[EntryKind, ...]:
    if kind is None:
        return ENTRY_KINDS
    if kind not in {k.value for k in ENTRY_KINDS}:
        choices = ", ".join(k.value for k in ENTRY_KINDS)
        raise UsageError(f"unknown entry kind {kind!r}; choose from: {choices}")
    return (EntryKind(kind),)


def check_new_id(entry_id: str) -> None:
    if not re.fullmatch(ID_PATTERN, entry_id):
        raise UsageError(f"id {entry_id!r} is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*)")
    if len(entry_id) > ID_MAX:
        raise UsageError(f"id {entry_id!r} is longer than {ID_MAX} characters")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KbError(f"{display_path(path)}: cannot read: {error}") from None


def _by_file(links: Iterable[Link]) -> dict[Path, list[Link]]:
    grouped: dict[Path, list[Link]] = {}
    for link in links:
        grouped.setdefault(link.path, []).append(link)
    return grouped


def _rewrite_fact(
    path: Path,
    change: Callable[[dict[str, Any]], None],
    edits: Callable[[str], str],
    notes: list[str],
) -> str:
    done: Rewritten = rewrite("fact", _read(path), change, edits, display_path(path))
    if done.relaid:
        notes.append(f"{display_path(path)}: written anew in schema order (comments not kept)")
    return done.text


def _rename_in(data: dict[str, Any], field: str, old: str, new: str) -> None:
    """The references of one field of a fact table from old to new."""
    if field == "subject" and data.get("subject") == old:
        data["subject"] = new
    elif field == "related" and isinstance(data.get("related"), list):
        data["related"] = [new if item == old else item for item in data["related"]]
    elif field == "source":
        for table in data.get("provenance") or []:
            if isinstance(table, dict) and table.get("source") == old:
                table["source"] = new


def plan_move(root: Path, entry_id: str, new_id: str, kind: str | None = None) -> Plan:
    """Rename a fact, source or subject (its file and `id`) and every reference to it."""
    refuse_shipped(root)
    found_kind, old_path = locate(root, entry_id, kind)
    check_new_id(new_id)
    if new_id == entry_id:
        raise UsageError(f"{entry_id!r} is already called that")
    taken = find(root, found_kind, new_id)
    if taken is not None:
        raise KbError(f"{found_kind.value} id {new_id!r} is taken by {display_path(taken)}")
    notes: list[str] = []
    own_pattern = re.compile(r"""(?m)^(id\s*=\s*)(["'])""" + re.escape(entry_id) + r"\2")
    own = rewrite(
        found_kind.value,
        _read(old_path),
        lambda data: data.update(id=new_id),
        lambda text: own_pattern.sub(lambda m: m.group(1) + m.group(2) + new_id + m.group(2), text),
        display_path(old_path),
    )
    if own.relaid:
        notes.append(f"{display_path(old_path)}: written anew in schema order (comments not kept)")
    new_path = old_path.with_name(f"{new_id}.toml")
    changes: list[tuple[Path, str | None]] = [(new_path, own.text), (old_path, None)]
    links = [link for link in links_to(root, {found_kind: [entry_id]}) if link.path != old_path]
    for path, found in _by_file(links).items():
        fields = {link.field for link in found}

        def change(data: dict[str, Any], fields: set[str] = fields) -> None:
            for field in fields:
                _rename_in(data, field, entry_id, new_id)

        text = _rewrite_fact(path, change, lambda t: replace_quoted(t, entry_id, new_id), notes)
        changes.append((path, text))
    return Plan(changes, notes)


def describe(link: Link) -> str:
    where = {"subject": "is about it", "source": "cites it", "related": "names it in related"}
    return f"{link.fact} ({display_path(link.path)}) {where[link.field]}"


def plan_remove(root: Path, entry_id: str, kind: str | None = None, force: bool = False) -> Plan:
    """Remove an entry. Refused while facts refer to it (KbError listing them), unless `force`:
    then each reference is removed too: the id from `related`, the `[[provenance]]` tables
    citing a removed source. A fact cannot lose its subject or its last source that way:
    those are refused even with `force`."""
    refuse_shipped(root)
    found_kind, path = locate(root, entry_id, kind)
    links = [link for link in links_to(root, {found_kind: [entry_id]}) if link.path != path]
    changes: list[tuple[Path, str | None]] = [(path, None)]
    notes: list[str] = []
    if links and not force:
        raise KbError(
            f"{found_kind.value} {entry_id!r} is referred to by {len(_by_file(links))} "
            "fact(s); change them first, or pass --force to remove the references too",
            [describe(link) for link in links],
        )
    stranded = [link for link in links if _would_strand(link)]
    if stranded:
        raise KbError(
            f"cannot remove {found_kind.value} {entry_id!r}: these facts would be left without "
            "a subject or a source; remove them or point them elsewhere first (kb mv, kb edit)",
            [describe(link) for link in stranded],
        )
    for file, found in _by_file(links).items():
        fields = {link.field for link in found}
        changes.append(
            (
                file,
                _rewrite_fact(
                    file, _remover(fields, entry_id), _text_remover(fields, entry_id), notes
                ),
            )
        )
    return Plan(changes, notes)


def _would_strand(link: Link) -> bool:
    if link.field == "subject":
        return True
    if link.field != "source":
        return False
    data, _ = parse_text(_read(link.path), "")
    provenance = (data or {}).get("provenance") or []
    others = [t for t in provenance if isinstance(t, dict) and t.get("source") != link.target]
    return not others


def _remover(fields: set[str], entry_id: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        if "related" in fields:
            data["related"] = [item for item in data.get("related") or [] if item != entry_id]
            if not data["related"]:
                del data["related"]
        if "source" in fields:
            data["provenance"] = [
                t for t in data.get("provenance") or [] if not _cites(t, entry_id)
            ]

    return change


def _cites(table: Any, source: str) -> bool:
    return isinstance(table, dict) and table.get("source") == source


def _text_remover(fields: set[str], entry_id: str) -> Callable[[str], str]:
    def edits(text: str) -> str:
        if "related" in fields:
            text = drop_array_items(text, "related", {entry_id})
        if "source" in fields:
            text = drop_tables(text, "provenance", lambda table: _cites(table, entry_id))
        return text

    return edits


def plan_link(root: Path, first: str, second: str) -> Plan:
    """Name each of two facts in the other's `related` (where it is not named yet)."""
    refuse_shipped(root)
    if first == second:
        raise UsageError("a fact cannot be related to itself")
    paths = {fact_id: locate(root, fact_id, "fact")[1] for fact_id in (first, second)}
    changes: list[tuple[Path, str | None]] = []
    notes: list[str] = []
    for here, there in ((first, second), (second, first)):
        path = paths[here]
        data, _ = parse_text(_read(path), display_path(path))
        if data is None:
            raise KbError(f"{display_path(path)}: not valid TOML; fix it first (kb validate)")
        related = data.get("related") or []
        if there in related:
            notes.append(f"{here} already names {there} in related")
            continue

        def change(table: dict[str, Any], there: str = there) -> None:
            table["related"] = [*(table.get("related") or []), there]

        def edits(text: str, there: str = there) -> str:
            return add_array_items(text, "related", [there])

        text = _rewrite_fact(path, change, edits, notes)
        changes.append((path, text))
    return Plan(changes, notes)
