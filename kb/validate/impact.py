"""What a change to a KB can break: the files `kb validate --staged` (the pre-commit hook)
must report on, beyond the files changed themselves.

An entry is referred to by its id, which is its file name, so changing an entry's content breaks
no other entry, but removing it does (the facts naming it), and so do a source whose snapshot
changes (the quotes of the facts citing it), a snapshot file itself, and kb.toml (the entries
using a vocabulary value it no longer lists; everything when the snapshots folder or the
default status change). The facts that name an id are found by kb.entries.links, which reads
every fact file but parses only those that contain the id: a one-file change in a KB of 10,000
facts is checked well within a second.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from kb.core.errors import UsageError
from kb.entries.kinds import SETTINGS_FILE, EntryKind, kind_at
from kb.entries.links import links_to
from kb.entries.loading import parse_text, read_entry
from kb.entries.models import Settings, settings_from_dict
from kb.entries.walk import find, paths_of

ADDED, MODIFIED, DELETED = "A", "M", "D"


class Change(NamedTuple):
    """One file changed: its path relative to the KB root (`/`-separated) and how."""

    relpath: str
    status: str  # ADDED, MODIFIED or DELETED


class Impact(NamedTuple):
    """The files to report on (existing ones), or everything."""

    paths: list[Path]
    everything: bool
    reasons: list[str]  # why more than the changed files are checked, for the user


class Staged(NamedTuple):
    """What a commit would change in a KB."""

    changes: list[Change]
    old_settings: str | None  # kb.toml in HEAD (None: no HEAD, or not there)
    untracked: list[str]  # files below the KB that are not in the commit (relative paths)


def staged_changes(root: Path) -> Staged:
    """The changes staged in the git repository holding the KB at root, below root (renames
    as a removal and an addition), the text kb.toml had in HEAD, and the files below root git
    does not track (ignored ones too): they are not part of the commit. A usage error outside
    a git repository."""
    top = _git(root, "rev-parse", "--show-toplevel").strip()
    prefix = root.resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    listed = _git(root, "diff", "--cached", "--name-status", "--no-renames", "-z", cwd=top)
    fields = listed.split("\0")
    changes = []
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if path.startswith(prefix) and status:
            kind = DELETED if status[0] == "D" else ADDED if status[0] == "A" else MODIFIED
            changes.append(Change(path[len(prefix) :], kind))
    try:
        old_settings: str | None = _git(root, "show", f"HEAD:{prefix}{SETTINGS_FILE}", cwd=top)
    except UsageError:
        old_settings = None
    others = _git(root, "ls-files", "--others", "-z", "--", ".")  # relative to root
    return Staged(changes, old_settings, [path for path in others.split("\0") if path])


def _git(root: Path, *args: str, cwd: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--staged needs git, which is not installed") from None
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise UsageError(f"--staged: {why}")
    return done.stdout


def _settings(text: str | None) -> Settings | None:
    if text is None:
        return None
    data, _ = parse_text(text, SETTINGS_FILE)
    try:
        return settings_from_dict(data) if data is not None else None
    except TypeError:
        return None


def _current_settings(root: Path) -> Settings | None:
    entry = read_entry(root / SETTINGS_FILE, "kb")
    return settings_from_dict(entry.data) if entry.ok and entry.data is not None else None


# The vocabularies of kb.toml and the kind of entry (and field) that uses each.
_VOCABULARY_USERS = {
    "topics": EntryKind.FACT,
    "statuses": EntryKind.FACT,
    "source_kinds": EntryKind.SOURCE,
    "reliability_levels": EntryKind.SOURCE,
    "subject_kinds": EntryKind.SUBJECT,
}


def _quoted_in(paths: Iterable[Path], values: set[str]) -> list[Path]:
    """The files whose text has one of values as a TOML string (or an escape)."""
    needles = [q + v.encode() + q for v in values for q in (b'"', b"'")]
    found = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if b"\\u" in raw or b"\\U" in raw or any(needle in raw for needle in needles):
            found.append(path)
    return found


class _Impact:
    def __init__(self, root: Path, snapshots_folder: str | None, untracked: frozenset[str]) -> None:
        self.root = root
        self.untracked = untracked
        self.snapshots_folder = snapshots_folder
        self.paths: dict[Path, None] = {}
        self.gone: dict[EntryKind, set[str]] = {EntryKind.FACT: set(), EntryKind.SOURCE: set()}
        self.gone[EntryKind.SUBJECT] = set()
        self.changed_sources: set[str] = set()
        self.reasons: list[str] = []
        self.everything = False

    def add(self, path: Path) -> None:
        if path.exists():
            self.paths.setdefault(path, None)

    def change(self, change: Change, old_settings: Settings | None) -> None:
        path = self.root / change.relpath
        kind = kind_at(change.relpath)
        if kind is EntryKind.KB:
            self._settings(change, old_settings)
        elif kind is None:
            if self._is_snapshot(change.relpath):
                self._snapshot(change.relpath.rpartition("/")[2])
            elif change.relpath.endswith(".toml"):
                self.add(path)  # a stray: kb validate says so
        elif change.status == DELETED:
            stem = path.stem
            still = find(self.root, kind, stem)  # moved elsewhere, and in the commit?
            if still is None or still.relative_to(self.root).as_posix() in self.untracked:
                self.gone[kind].add(stem)
        else:
            self.add(path)
            if kind is EntryKind.SOURCE:
                self.changed_sources.add(path.stem)

    def _is_snapshot(self, relpath: str) -> bool:
        folder = self.snapshots_folder
        return folder is not None and relpath.startswith(folder.rstrip("/") + "/")

    def _snapshot(self, name: str) -> None:
        """The sources naming a snapshot file, and the facts citing them."""
        for path in _quoted_in(paths_of(self.root, EntryKind.SOURCE), {name}):
            entry = read_entry(path, "source")
            if entry.data is not None and entry.data.get("snapshot") == name:
                self.add(path)
                self.changed_sources.add(path.stem)
                self.reasons.append(f"snapshot {name}: its source {path.stem} and its quotes")

    def _settings(self, change: Change, old_settings: Settings | None) -> None:
        self.add(self.root / SETTINGS_FILE)
        new = _current_settings(self.root)
        if change.status == ADDED or old_settings is None or new is None:
            self.everything = True
            self.reasons.append("kb.toml is new or was invalid: the whole KB")
            return
        if old_settings.snapshots != new.snapshots or (
            old_settings.default_status != new.default_status
        ):
            self.everything = True
            self.reasons.append("kb.toml changed the snapshots folder or default status")
            return
        for vocabulary, kind in _VOCABULARY_USERS.items():
            removed = set(old_settings.vocabulary(vocabulary)) - set(new.vocabulary(vocabulary))
            if removed:
                users = _quoted_in(paths_of(self.root, kind), removed)
                for path in users:
                    self.add(path)
                listed = ", ".join(sorted(removed))
                self.reasons.append(f"kb.toml no longer lists {vocabulary} {listed}")

    def referrers(self) -> None:
        """The facts naming a removed entry, and those citing a changed source."""
        targets = {kind: ids for kind, ids in self.gone.items() if ids}
        if self.changed_sources:
            targets.setdefault(EntryKind.SOURCE, set()).update(self.changed_sources)
        for link in links_to(self.root, targets):
            self.add(link.path)
        for kind, ids in self.gone.items():
            for entry_id in sorted(ids):
                self.reasons.append(f"{kind.value} {entry_id} removed: the facts naming it")


def impact(
    root: Path,
    changes: Iterable[Change],
    old_settings_text: str | None,
    untracked: Iterable[str] = (),
) -> Impact:
    """The files to report on after `changes` to the KB at root (kb.toml was
    `old_settings_text` before them; the `untracked` files are not part of the change)."""
    settings = _current_settings(root)
    folder = settings.snapshots if settings is not None else None
    found = _Impact(root, folder, frozenset(untracked))
    old = _settings(old_settings_text)
    for change in changes:
        found.change(change, old)
    if not found.everything:
        found.referrers()
    return Impact(list(found.paths), found.everything, found.reasons)
