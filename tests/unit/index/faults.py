"""Fault injection for index writes: every operation that writes the index (creating, first
writing to, closing or renaming a Whoosh file, creating a folder, an atomic write of the
manifest or marker, taking the lock, publishing a build) is a step; `Faults(n, errno)` lets n
steps happen, then makes every later one fail with that OSError, as a full disk (ENOSPC), a
file-size limit (EFBIG) or too few file descriptors (EMFILE) would."""

from __future__ import annotations

import errno as errnos
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class Faults:
    def __init__(self, allowed: float, code: int = errnos.ENOSPC) -> None:
        self.allowed, self.code = allowed, code
        self.steps = 0  # how many steps were taken (or refused)
        self.fired = False

    def step(self, what: str) -> None:
        self.steps += 1
        if self.steps > self.allowed:
            self.fired = True
            raise OSError(self.code, os.strerror(self.code), what)


class _FaultyFile:
    """A file object whose first write and close are steps (once a write fails, the file is
    incomplete whichever write it was; the close is where buffered data meets the disk).
    Later writes fail too once a step has failed."""

    def __init__(self, real: Any, faults: Faults, name: str) -> None:
        self._real, self._faults, self._name = real, faults, name
        self._written = False

    def write(self, data: Any) -> Any:
        if not self._written or self._faults.fired:
            self._written = True
            self._faults.step(self._name)
        return self._real.write(data)

    def flush(self) -> None:
        if self._faults.fired:
            self._faults.step(self._name)
        self._real.flush()

    def close(self) -> None:
        try:
            self._faults.step(self._name)
        finally:
            self._real.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def injected(monkeypatch: pytest.MonkeyPatch, faults: Faults) -> Iterator[Faults]:
    from whoosh.filedb.filestore import FileStorage

    import kb.core.atomic
    import kb.index.lock
    from kb.index.store import Store

    real_create_file = FileStorage.create_file
    real_rename = FileStorage.rename_file
    real_create = FileStorage.create
    real_atomic = kb.core.atomic.write_atomic
    real_new_build = Store.new_build_dir
    real_publish = Store.publish
    real_acquire = kb.index.lock.WriterLock.acquire

    def create_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        faults.step(name)
        made = real_create_file(self, name, *args, **kwargs)
        made.file = _FaultyFile(made.file, faults, name)
        return made

    def rename_file(self: Any, old: str, new: str, *args: Any, **kwargs: Any) -> Any:
        faults.step(new)
        return real_rename(self, old, new, *args, **kwargs)

    def create(self: Any) -> Any:
        faults.step(str(self.folder))
        return real_create(self)

    def write_atomic(path: Any, data: Any, **kwargs: Any) -> None:
        faults.step(str(path))
        real_atomic(path, data, **kwargs)

    def new_build_dir(self: Any) -> Any:
        faults.step("build folder")
        return real_new_build(self)

    def publish(self: Any, build: Any) -> Any:
        faults.step("publish")
        return real_publish(self, build)

    def acquire(self: Any) -> bool:
        faults.step("lock")
        return real_acquire(self)

    with monkeypatch.context() as patch:
        patch.setattr(FileStorage, "create_file", create_file)
        patch.setattr(FileStorage, "rename_file", rename_file)
        patch.setattr(FileStorage, "create", create)
        patch.setattr(kb.core.atomic, "write_atomic", write_atomic)
        patch.setattr(Store, "new_build_dir", new_build_dir)
        patch.setattr(Store, "publish", publish)
        patch.setattr(kb.index.lock.WriterLock, "acquire", acquire)
        yield faults
