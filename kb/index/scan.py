"""The freshness check: one scandir walk of the KB, a stat per entry file, no parsing.

A scan maps each entry file (its path relative to the KB root, with `/`) to `(size, time)`,
the time being the later of its mtime and ctime (`kb.entries.walk.changed_at`: content changed
with its mtime put back is seen). Comparing two scans gives the files added, changed and
removed since the index was updated. The files are those of kb.entries.walk, the walker
every command uses.

`listing` is the same scan in a compact form (paths in walk order, NUL-separated, and their
sizes and times as one array of 64-bit integers): what the index manifest stores, so that
checking a 100k-file KB is a string and a buffer comparison instead of building and comparing
100k tuples (a tenth of a second and tens of MB).
"""

import time
import zlib
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kb.entries.kinds import EntryKind, kind_at
from kb.entries.walk import walk_stats

Stat = tuple[int, int]  # (size, changed_at: the later of mtime and ctime, kb.entries.walk)
RACY_NS = 2_000_000_000  # files modified this close to a scan are also checked by content

if TYPE_CHECKING:
    from kb.index.store import Manifest


class Counts:
    """Documents added, updated and removed by an index update."""

    def __init__(self, added: int = 0, updated: int = 0, removed: int = 0) -> None:
        self.added, self.updated, self.removed = added, updated, removed


def now_ns() -> int:
    """The time a scan starts, in nanoseconds (compared with files' mtimes)."""
    return time.time_ns()


def racy_changed(root: Path, manifest: "Manifest") -> frozenset[str]:
    """Files modified too close to the last scan to trust their mtime (manifest.racy: path ->
    crc32) whose content no longer matches their checksum (or cannot be read)."""
    changed = set()
    for path, crc in manifest.racy.items():
        try:
            if zlib.crc32((root / path).read_bytes()) != crc:
                changed.add(path)
        except OSError:
            changed.add(path)
    return frozenset(changed)


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
    """Every entry file of the KB with its size and mtime, in compact form (kb.entries.walk)."""
    paths, stats = walk_stats(root)
    return Listing("\0".join(paths), array("q", stats).tobytes())


def scan(root: Path) -> dict[str, Stat]:
    """Every entry file of the KB with its size and mtime."""
    return listing(root).as_dict()


def kind_of(relpath: str) -> EntryKind:
    """The kind of an entry file listed by the walk (kb.toml: `kb`)."""
    kind = kind_at(relpath)
    assert kind is not None, relpath
    return kind


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
