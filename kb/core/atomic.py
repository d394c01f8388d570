"""The one way kb writes a file: complete or not at all, and nothing left behind.

Readers see the old file or the new one, never a part. Where the system allows (Linux,
O_TMPFILE), the content is written to an unnamed file in the target's folder, flushed to disk,
and only then given a name (linked to the target when it must not exist yet, else to a
temporary name renamed over the target at once): a kb killed while writing leaves nothing.
Elsewhere it goes to a temporary file `.NAME.RANDOM.tmp` (hidden from the entry walker) that is
removed whatever happens but a SIGKILL; such leftovers of the same target are removed by the
next write once they are STALE_SECONDS old. New files get the permissions the user's umask
gives (0644 under the usual 022), not mkstemp's 0600.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
STALE_SECONDS = 600.0  # a write takes milliseconds: an older temporary file is a leftover
_BINARY = getattr(os, "O_BINARY", 0)


def temp_name(path: Path) -> Path:
    """A fresh temporary name next to path."""
    return path.with_name(f".{path.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")


def write_atomic(path: Path, data: bytes | str, *, exclusive: bool = False) -> None:
    """Write data (str: as UTF-8) to path atomically. With `exclusive`, an existing path is
    never replaced: FileExistsError instead. Raises OSError when the folder cannot be
    written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _write_unnamed(path, raw, exclusive):
        return
    _remove_leftovers(path)
    temp = temp_name(path)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            _write(stream.fileno(), raw)
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


def _write(handle: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(handle, view) :]
    os.fsync(handle)


_unnamed_works: bool | None = None  # found out by the first write of the process
_UNSUPPORTED = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT, errno.EXDEV)


def _write_unnamed(path: Path, raw: bytes, exclusive: bool) -> bool:
    """Write through an unnamed file (O_TMPFILE, named through /proc); False where the system
    cannot (no such flag, a file system without unnamed files, a /proc that cannot link)."""
    global _unnamed_works
    flag = getattr(os, "O_TMPFILE", 0)
    if _unnamed_works is False or not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        handle = os.open(path.parent, flag | os.O_WRONLY, 0o666)
    except OSError as error:
        if error.errno in _UNSUPPORTED:
            return False
        raise
    try:
        _write(handle, raw)
        unnamed = f"/proc/self/fd/{handle}"
        target = path if exclusive else temp_name(path)
        try:
            os.link(unnamed, target, follow_symlinks=True)  # FileExistsError when it exists
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno in _UNSUPPORTED or error.errno == errno.EPERM:
                _unnamed_works = False
                return False
            raise
        _unnamed_works = True
        if not exclusive:
            try:
                os.replace(target, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
        return True
    finally:
        os.close(handle)


def _remove_leftovers(path: Path) -> None:
    """Remove the temporary files of earlier writes of `path` that were killed (old enough
    not to be another process's write in progress)."""
    prefix = f".{path.name}."
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(prefix)]
    except OSError:
        return
    now = time.time()
    for name in names:
        middle = name[len(prefix) : -len(TEMP_SUFFIX)]
        if not name.endswith(TEMP_SUFFIX) or len(middle) != 8:
            continue
        leftover = path.parent / name
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def _write_exclusive(path: Path, raw: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    with os.fdopen(handle, "wb") as stream:
        _write(stream.fileno(), raw)
