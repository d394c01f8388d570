"""The freshness check: one scandir walk of the KB, a stat per entry file, no parsing.

A scan maps each entry file (its path relative to the KB root, with `/`) to `(size, mtime_ns)`.
Comparing two scans gives the files added, changed and removed since the index was updated.
The same files as kb.loading finds: kb.toml, sources/*.toml, subjects/*.toml and
facts/**/*.toml, skipping names that start with a dot.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

Stat = tuple[int, int]  # (size, mtime_ns)
SETTINGS = "kb.toml"
KIND_OF_DIR = {"sources": "source", "subjects": "subject", "facts": "fact"}


def _walk(directory: str, prefix: str, recursive: bool, found: dict[str, Stat], root: str) -> None:
    try:
        scan = os.scandir(directory)
    except OSError:
        return
    with scan:
        for item in scan:
            name = item.name
            if name.startswith("."):
                continue
            try:
                if item.is_dir(follow_symlinks=False):
                    if recursive:
                        _walk(item.path, f"{prefix}{name}/", recursive, found, root)
                elif name.endswith(".toml"):
                    if item.is_symlink() and not _inside(root, item.path):
                        continue  # links out of the KB are never indexed
                    info = item.stat()
                    found[prefix + name] = (info.st_size, info.st_mtime_ns)
            except OSError:  # vanished or unreadable while walking: as if absent
                continue


def _inside(root: str, path: str) -> bool:
    real_root = os.path.realpath(root)
    return os.path.realpath(path).startswith(real_root.rstrip(os.sep) + os.sep)


def scan(root: Path) -> dict[str, Stat]:
    """Every entry file of the KB with its size and mtime."""
    found: dict[str, Stat] = {}
    base = str(root)
    try:
        info = os.stat(os.path.join(base, SETTINGS))
        found[SETTINGS] = (info.st_size, info.st_mtime_ns)
    except OSError:
        pass
    for folder in KIND_OF_DIR:
        _walk(os.path.join(base, folder), f"{folder}/", folder == "facts", found, base)
    return found


def kind_of(relpath: str) -> str:
    """`fact`, `subject`, `source` or `kb` (kb.toml) for a path from `scan`."""
    if relpath == SETTINGS:
        return "kb"
    return KIND_OF_DIR[relpath.split("/", 1)[0]]


class Changes:
    """What differs between the scan the index was built from and the KB now, by kind."""

    def __init__(self) -> None:
        self.added: dict[str, set[str]] = {}
        self.changed: dict[str, set[str]] = {}
        self.removed: dict[str, set[str]] = {}

    def of(self, kind: str) -> tuple[set[str], set[str], set[str]]:
        return (
            self.added.get(kind, set()),
            self.changed.get(kind, set()),
            self.removed.get(kind, set()),
        )

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff(
    before: Mapping[str, Stat], now: Mapping[str, Stat], suspect: frozenset[str] = frozenset()
) -> Changes:
    """Files added, changed (size or mtime, or listed in `suspect`) and removed."""
    changes = Changes()
    for path, stat in now.items():
        old = before.get(path)
        if old is None:
            changes.added.setdefault(kind_of(path), set()).add(path)
        elif old != stat or path in suspect:
            changes.changed.setdefault(kind_of(path), set()).add(path)
    for path in before.keys() - now.keys():
        changes.removed.setdefault(kind_of(path), set()).add(path)
    return changes
