"""The one walker: which files of a knowledge base are entries, found the same way by every
command (loading, the index's freshness check, validation, lookups of one id, completion).

The rules:
- an entry file is `kb.toml` at the root, or a `*.toml` file where kb.entries.kinds puts its
  kind (`sources/`, `subjects/`, `facts/` and, for facts only, folders below it);
- names starting with `.` are skipped at every level (editors' and kb's temporary files);
- symbolic links to folders are not followed; a symbolic link to a file is an entry when its
  target is inside the KB, and is never read when it leads out of it;
- a folder is a folder whatever its name (`x.toml/` too).

`walk` lists entry files in a stable order (each folder by name, depth first); with `strays`,
every other `.toml` file below the root too (kind None), for `kb validate` to report.
`walk_stats` is the same walk for the index's freshness check of a big KB: in the order the
file system gives, with each file's size and mtime, in flat lists (no object per file).
`find` locates one entry by id without listing the others: the file the walk gives it first.
"""

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from kb.core.errors import out_of_resources
from kb.entries.kinds import FOLDERS, KIND_OF_FOLDER, NESTED, SETTINGS_FILE, EntryKind

ALL_KINDS: tuple[EntryKind, ...] = (EntryKind.KB, *FOLDERS)


class Found(NamedTuple):
    """One file found by the walk."""

    relpath: str  # relative to the KB root, `/`-separated
    kind: EntryKind | None  # None: a stray .toml file (only with strays=True)


def real(path: Path | str) -> Path:
    """The path with every link resolved as far as links go: never an error, even for a link
    that points at itself (where Path.resolve raises RuntimeError)."""
    return Path(os.path.realpath(path))


def inside(root: Path | str, path: str) -> bool:
    """Whether path, with every link resolved, is below root."""
    real_root = os.path.realpath(root)
    return os.path.realpath(path).startswith(real_root.rstrip(os.sep) + os.sep)


_BY_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


def _unless_out_of_resources(error: OSError) -> None:
    """A folder or file that cannot be read is as if absent, but for errors of the machine
    (too many open files...), which end the command: a walk must never miss files silently."""
    if out_of_resources(error):
        raise error


def changed_at(info: os.stat_result) -> int:
    """When a file last changed, for telling whether it did since the index read it: the later
    of its mtime and its ctime, in ns. The ctime catches content changed with its mtime put
    back (`touch -r`, `cp -p`, `rsync -t`, `tar x` of the same size): no one can set it."""
    return max(info.st_mtime_ns, info.st_ctime_ns)


class _Walker:
    """One walk: paths, their kinds and (when asked) flattened (size, changed_at) pairs."""

    def __init__(self, root: Path | str, stat: bool, strays: bool, ordered: bool) -> None:
        self.base = str(root)
        self.stat, self.strays, self.ordered = stat, strays, ordered
        self.paths: list[str] = []
        self.kinds: list[EntryKind | None] = []
        self.stats: list[int] = []

    def settings(self) -> None:
        try:
            info = os.stat(os.path.join(self.base, SETTINGS_FILE))
        except OSError as error:
            _unless_out_of_resources(error)
            return
        self.paths.append(SETTINGS_FILE)
        self.kinds.append(EntryKind.KB)
        if self.stat:
            self.stats += (info.st_size, changed_at(info))

    def folder(self, directory: str, prefix: str, kind: EntryKind | None, nested: bool) -> None:
        """Add the files below `directory` (relative path `prefix`). Where the platform allows,
        the folder is read through a file descriptor, so that each stat looks up one name
        instead of the whole path (about an eighth faster at 100k files)."""
        try:
            handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY) if _BY_FD else None
        except OSError as error:
            _unless_out_of_resources(error)
            return
        try:
            with os.scandir(directory if handle is None else handle) as scan:
                items = sorted(scan, key=lambda e: e.name) if self.ordered else scan
                for item in items:
                    self._item(directory, item, prefix, kind, nested)
        except OSError as error:
            _unless_out_of_resources(error)
            return
        finally:
            if handle is not None:
                os.close(handle)

    def _item(
        self,
        directory: str,
        item: os.DirEntry[str],
        prefix: str,
        kind: EntryKind | None,
        nested: bool,
    ) -> None:
        name = item.name
        if name.startswith("."):
            return
        try:
            if item.is_dir(follow_symlinks=False):
                inner, inner_prefix = os.path.join(directory, name), f"{prefix}{name}/"
                if not prefix:  # the root: walked whole only for strays
                    inner_kind = KIND_OF_FOLDER.get(name)
                    self.folder(inner, inner_prefix, inner_kind, inner_kind in NESTED)
                elif nested or self.strays:
                    self.folder(inner, inner_prefix, kind if nested else None, nested)
                return
            if not name.endswith(".toml") or (not prefix and name == SETTINGS_FILE):
                return
            if item.is_symlink() and not inside(self.base, os.path.join(directory, name)):
                kind = None  # a link out of the KB is never read
            if kind is None and not self.strays:
                return
            if self.stat:
                info = item.stat()
                self.stats += (info.st_size, changed_at(info))
            self.paths.append(prefix + name)
            self.kinds.append(kind)
        except OSError as error:  # vanished or unreadable while walking: as if absent
            _unless_out_of_resources(error)
            return

    def entries(self, kinds: Iterable[EntryKind]) -> None:
        wanted = set(kinds)
        if EntryKind.KB in wanted:
            self.settings()
        for kind, folder in FOLDERS.items():
            if kind in wanted:
                directory = os.path.join(self.base, folder)
                self.folder(directory, f"{folder}/", kind, kind in NESTED)


def walk(
    root: Path, kinds: Iterable[EntryKind] = ALL_KINDS, *, strays: bool = False
) -> list[Found]:
    """The entry files of the given kinds below `root`: kb.toml first (when asked for and
    present), then each kind's folder, each folder in name order, depth first. With `strays`,
    every `.toml` file below the root, entries (of any kind) and strays (kind None) alike."""
    walker = _Walker(root, stat=False, strays=strays, ordered=True)
    if strays:
        walker.settings()
        walker.folder(walker.base, "", None, False)
    else:
        walker.entries(kinds)
    return [Found(path, kind) for path, kind in zip(walker.paths, walker.kinds, strict=True)]


def paths_of(root: Path, kind: EntryKind) -> list[Path]:
    """The files of one kind of entry, in walk order."""
    return [root / found.relpath for found in walk(root, (kind,))]


def walk_stats(root: Path | str) -> tuple[list[str], list[int]]:
    """Every entry file, in the order the file system lists them: paths relative to the root,
    and each path's size and `changed_at`, flattened into one list (size, time, size, ...)."""
    walker = _Walker(root, stat=True, strays=False, ordered=False)
    walker.entries(ALL_KINDS)
    return walker.paths, walker.stats


def find(root: Path, kind: EntryKind, entry_id: str) -> Path | None:
    """The file of the entry `entry_id` of this kind, as `walk` meets it first (names in order
    at each level, folders entered where they sort, links out of the KB skipped), or None.
    Relies on an entry's id being its file name (an entry whose id differs is invalid)."""
    if not plausible_id(entry_id):
        return None
    folder = str(root / FOLDERS[kind])
    return _find(folder, f"{entry_id}.toml", kind in NESTED, str(root))


def plausible_id(entry_id: str) -> bool:
    """Whether an entry with this id could exist: a file name, not hidden, not a path."""
    return bool(entry_id) and not entry_id.startswith(".") and not set(entry_id) & {"/", "\\", "\0"}


def _find(directory: str, filename: str, nested: bool, root: str) -> Path | None:
    folders: list[str] = []
    here = False
    try:
        with os.scandir(directory) as scan:
            for item in scan:
                name = item.name
                if name.startswith("."):
                    continue
                if item.is_dir(follow_symlinks=False):
                    folders.append(name)
                elif name == filename:
                    here = not item.is_symlink() or inside(root, item.path)
    except OSError as error:
        _unless_out_of_resources(error)
        return None
    for name in sorted(folders) if nested else []:
        if here and filename < name:
            break
        found = _find(os.path.join(directory, name), filename, nested, root)
        if found is not None:
            return found
    return Path(directory, filename) if here else None
