"""The freshness check: one scandir walk of the KB, a stat per entry file, no parsing.

A scan maps each entry file (its path relative to the KB root, with `/`) to `(size, mtime_ns)`.
Comparing two scans gives the files added, changed and removed since the index was updated.
The same files as kb.entries.loading finds: kb.toml, sources/*.toml, subjects/*.toml and
facts/**/*.toml, skipping names that start with a dot.

`listing` is the same scan in a compact form (paths in walk order, NUL-separated, and their
sizes and mtimes as one array of 64-bit integers): what the index manifest stores, so that
checking a 100k-file KB is a string and a buffer comparison instead of building and comparing
100k tuples (a tenth of a second and tens of MB).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from kb.entries.locate import inside

Stat = tuple[int, int]  # (size, mtime_ns)
SETTINGS = "kb.toml"
KIND_OF_DIR = {"sources": "source", "subjects": "subject", "facts": "fact"}


class Listing(NamedTuple):
    """A scan in compact form: paths in walk order joined by NUL (which no file name contains),
    and (size, mtime_ns) of each path, flattened into an array of signed 64-bit integers."""

    paths: str
    stats: bytes

    def as_dict(self) -> dict[str, Stat]:
        if not self.paths:
            return {}
        stats = array("q")
        stats.frombytes(self.stats)
        return dict(
            zip(self.paths.split("\0"), zip(stats[::2], stats[1::2], strict=True), strict=True)
        )


def compact(files: Mapping[str, Stat]) -> Listing:
    """The listing of a scan (in its order)."""
    flat = array("q", [number for stat in files.values() for number in stat])
    return Listing("\0".join(files), flat.tobytes())


def listing(root: Path) -> Listing:
    """Every entry file of the KB with its size and mtime, in compact form."""
    paths: list[str] = []
    stats: list[int] = []
    base = str(root)
    try:
        info = os.stat(os.path.join(base, SETTINGS))
        paths.append(SETTINGS)
        stats += (info.st_size, info.st_mtime_ns)
    except OSError:
        pass
    for folder in KIND_OF_DIR:
        _walk(os.path.join(base, folder), f"{folder}/", folder == "facts", paths, stats, base)
    return Listing("\0".join(paths), array("q", stats).tobytes())


_BY_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


def _walk(
    directory: str, prefix: str, recursive: bool, paths: list[str], stats: list[int], root: str
) -> None:
    """Add the entry files under `directory` to `paths` and `stats`. Where the platform allows,
    the directory is read through a file descriptor, so that each stat looks up one name
    instead of the whole path (about an eighth faster at 100k files)."""
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY) if _BY_FD else None
    except OSError:
        return
    try:
        _read(directory, handle, prefix, recursive, paths, stats, root)
    finally:
        if handle is not None:
            os.close(handle)


def _read(
    directory: str,
    handle: int | None,
    prefix: str,
    recursive: bool,
    paths: list[str],
    stats: list[int],
    root: str,
) -> None:
    try:
        scan = os.scandir(directory if handle is None else handle)
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
                        inner = os.path.join(directory, name)
                        _walk(inner, f"{prefix}{name}/", recursive, paths, stats, root)
                elif name.endswith(".toml"):
                    if item.is_symlink() and not inside(root, os.path.join(directory, name)):
                        continue  # links out of the KB are never indexed
                    info = item.stat()
                    paths.append(prefix + name)
                    stats += (info.st_size, info.st_mtime_ns)
            except OSError:  # vanished or unreadable while walking: as if absent
                continue


def scan(root: Path) -> dict[str, Stat]:
    """Every entry file of the KB with its size and mtime."""
    return listing(root).as_dict()


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
