"""The freshness check: one scandir walk of the KB, a stat per entry file, no parsing.

A scan maps each entry file (its path relative to the KB root, with `/`) to `(size, mtime_ns)`.
Comparing two scans gives the files added, changed and removed since the index was updated.
The files are those of kb.entries.walk, the walker every command uses.

`listing` is the same scan in a compact form (paths in walk order, NUL-separated, and their
sizes and mtimes as one array of 64-bit integers): what the index manifest stores, so that
checking a 100k-file KB is a string and a buffer comparison instead of building and comparing
100k tuples (a tenth of a second and tens of MB).

A big KB (PARALLEL_FROM files) is walked by two processes when the machine has a core to
spare: a helper (a new interpreter, started with posix_spawn: no fork of this process) walks
every other folder of facts/ while this process walks the rest, and the two halves are put
together in the walk's order. Each stat is a system call (≈2 µs, about two thirds of the
walk); two cores make them side by side.
"""

import os
import sys
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from kb.entries.kinds import EntryKind, kind_at
from kb.entries.walk import walk_stats

PARALLEL_FROM = 30_000  # entry files: from about there two processes walk faster than one

Stat = tuple[int, int]  # (size, mtime_ns)


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


def listing(root: Path, expected: int = 0) -> Listing:
    """Every entry file of the KB with its size and mtime, in compact form (kb.entries.walk).
    `expected`: about how many there are (the last listing's count): from PARALLEL_FROM, two
    processes walk when a core is free."""
    if expected >= PARALLEL_FROM and _core_to_spare():
        found = _in_two(root)
        if found is not None:
            return found
    paths, stats = walk_stats(root)
    return Listing("\0".join(paths), array("q", stats).tobytes())


def _core_to_spare() -> bool:
    """Whether another process would get a core of its own: on a busy machine two walking
    processes take longer than one."""
    cores = os.cpu_count() or 1
    if cores < 2 or not hasattr(os, "posix_spawn") or not sys.executable:
        return False
    try:
        return os.getloadavg()[0] <= cores - 1
    except OSError:
        return False


# The helper: walks the facts/ folders named on its command line, writes what it found.
_HELPER = (
    "import sys, marshal\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from kb.entries.walk import walk_fact_folders\n"
    "sys.stdout.buffer.write(marshal.dumps(walk_fact_folders(sys.argv[2], sys.argv[3:])))\n"
)


def _in_two(root: Path) -> Listing | None:
    """The listing, walked by this process and a helper; None when there is nothing to
    share. Whatever goes wrong with the helper, this process walks its folders too."""
    import marshal

    from kb.entries.walk import fact_folders, walk_fact_folders, walk_stats_around

    folders = fact_folders(root)
    if len(folders) < 2:
        return None
    theirs = folders[1::2]
    helper = _Helper(root, theirs)
    try:
        paths, stats, holes = walk_stats_around(root, frozenset(theirs))
        raw = helper.output()
    finally:
        helper.close()
    parts: Any = None
    if raw is not None:
        try:
            parts = marshal.loads(raw)
        except (EOFError, ValueError, TypeError):
            parts = None
    if not _well_formed(parts, len(theirs)):
        parts = walk_fact_folders(root, theirs)
    found = dict(zip(theirs, parts, strict=True))
    for name, at in reversed(holes):
        more_paths, more_stats = found[name]
        paths[at:at] = more_paths
        stats[2 * at : 2 * at] = more_stats
    return Listing("\0".join(paths), array("q", stats).tobytes())


def _well_formed(parts: object, count: int) -> bool:
    return (
        isinstance(parts, list)
        and len(parts) == count
        and all(
            isinstance(part, tuple)
            and len(part) == 2
            and isinstance(part[0], list)
            and isinstance(part[1], list)
            and len(part[1]) == 2 * len(part[0])
            for part in parts
        )
    )


class _Helper:
    """The helper process, started at once: its output is read once this process is done."""

    def __init__(self, root: Path, folders: list[str]) -> None:
        import kb

        self.pid: int | None = None
        self.pipe: int | None = None
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(kb.__file__)))
        options = ["-I", "-S"] + (["-B"] if sys.dont_write_bytecode else [])
        argv = [sys.executable, *options, "-c", _HELPER, package_parent, str(root), *folders]
        read, write = os.pipe()
        try:
            self.pid = os.posix_spawn(
                sys.executable,
                argv,
                os.environ,
                file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)],
            )
        except OSError:
            os.close(read)
        else:
            self.pipe = read
        finally:
            os.close(write)

    def output(self) -> bytes | None:
        """Everything the helper wrote, if it ended well."""
        if self.pid is None or self.pipe is None:
            return None
        chunks = []
        try:
            while chunk := os.read(self.pipe, 1 << 20):
                chunks.append(chunk)
            _, status = os.waitpid(self.pid, 0)
        except OSError:  # also ChildProcessError: reaped by someone else
            return None
        self.pid = None
        return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None

    def close(self) -> None:
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None
        if self.pid is not None:  # this process failed before reading: stop the helper
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None


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
