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
import os
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
