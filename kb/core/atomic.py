"""The one way kb writes a file: complete or not at all.

The content goes to a temporary file in the same folder (`.NAME.RANDOM.tmp`, hidden from the
entry walker), is flushed to disk, then renamed over the target, or linked to it when the
target must not exist yet; readers see the old file or the new one, never a part. New files
get the permissions the user's umask gives (0644 under the usual 022), not mkstemp's 0600.
`write_atomic` writes bytes that way; `AtomicPath` gives the temporary path to a writer that
needs a file name of its own (a SQLite database), and does the rest when it is done.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Sequence
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """A fresh temporary name next to path."""
    return path.with_name(f".{path.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")


class AtomicPath:
    """`with AtomicPath(path) as temp:` a temporary path next to `path` for the caller to
    create and write. When the block ends without an error, the file is flushed to disk and
    renamed over `path`; with `exclusive`, an existing path is never replaced: FileExistsError
    instead. The temporary file is removed whatever happens (but a SIGKILL), and `path` is left
    as it was on any error."""

    def __init__(self, path: Path, *, exclusive: bool = False) -> None:
        self.path, self.exclusive = path, exclusive
        self.temp = temp_name(path)

    def __enter__(self) -> Path:
        return self.temp

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)

    def _commit(self) -> None:
        handle = os.open(self.temp, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        if not self.exclusive:
            os.replace(self.temp, self.path)
            return
        try:
            os.link(self.temp, self.path)  # fails instead of replacing when path exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            _write_exclusive(self.path, self.temp.read_bytes())


def write_atomic(path: Path, data: bytes | str, *, exclusive: bool = False) -> None:
    """Write data (str: as UTF-8) to path atomically. With `exclusive`, an existing path is
    never replaced: FileExistsError instead. Raises OSError when the folder cannot be
    written; the temporary file is removed whatever happens (but a SIGKILL)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    temp = temp_name(path)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
            stream.flush()
            os.fsync(stream.fileno())
        if not exclusive:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)  # fails instead of replacing when path exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            _write_exclusive(path, raw)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _write_exclusive(path: Path, raw: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    with os.fdopen(handle, "wb") as stream:
        stream.write(raw)
        stream.flush()
        os.fsync(stream.fileno())


def apply_changes(changes: Sequence[tuple[Path, bytes | str | None]], *, new: bool = False) -> None:
    """Change several files all or nothing: each (path, data) writes data to path (a new file
    or a replacement), each (path, None) removes path.

    Every new content is first written in full to a temporary file next to its target and
    every file about to be replaced or removed is kept under a backup name (a hard link, or a
    copy); only then are the targets renamed into place and the removed files unlinked, in the
    order given. When any step fails, the steps already taken are undone (each target gets its
    old content back, each new file goes) and the error is raised: the files are as they were.
    (A crash of the machine between two renames is the one case this cannot undo.)

    With `new`, every path must be a new file: FileExistsError (and no change) otherwise."""
    steps = [_Step(Path(path), data) for path, data in changes]
    if new:
        for step in steps:
            if os.path.lexists(step.path):
                raise FileExistsError(17, "File exists", str(step.path))
    try:
        for step in steps:
            step.prepare()
        done: list[_Step] = []
        try:
            for step in steps:
                step.apply()
                done.append(step)
        except BaseException:
            for step in reversed(done):
                with contextlib.suppress(OSError):
                    step.undo()
            raise
    finally:
        for step in steps:
            step.clean()


_NO_HARD_LINKS = {
    getattr(errno, name)
    for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "EMLINK", "ENOSYS")
    if hasattr(errno, name)
}


class _Step:
    """One file of apply_changes: its new content in a temporary file, its old one in a
    backup."""

    def __init__(self, path: Path, data: bytes | str | None) -> None:
        self.path = path
        self.raw = data.encode("utf-8") if isinstance(data, str) else data
        self.temp: Path | None = None
        self.backup: Path | None = None

    def prepare(self) -> None:
        if self.raw is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.temp = temp_name(self.path)
            _write_exclusive(self.temp, self.raw)
        if os.path.lexists(self.path):
            self.backup = self.path.with_name(
                f".{self.path.name}.{os.urandom(4).hex()}.bak{TEMP_SUFFIX}"
            )
            try:
                os.link(self.path, self.backup)
            except OSError:  # no hard links here: a copy
                _write_exclusive(self.backup, self.path.read_bytes())
        elif self.raw is None:
            raise FileNotFoundError(2, "no such file to remove", str(self.path))

    def apply(self) -> None:
        if self.temp is not None and self.backup is None:  # new: never replace a file
            try:  # that appeared meanwhile
                os.link(self.temp, self.path)
            except OSError as error:
                if error.errno not in _NO_HARD_LINKS:
                    raise
                assert self.raw is not None  # a file system without hard links
                _write_exclusive(self.path, self.raw)
        elif self.temp is not None:
            os.replace(self.temp, self.path)
            self.temp = None
        else:
            os.unlink(self.path)

    def undo(self) -> None:
        if self.backup is not None:
            os.replace(self.backup, self.path)
            self.backup = None
        else:
            os.unlink(self.path)

    def clean(self) -> None:
        for leftover in (self.temp, self.backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
