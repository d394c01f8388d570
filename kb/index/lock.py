"""The index writer lock: one writer at a time per index directory (readers never take it).

An OS lock on `write.lock` (flock on POSIX, msvcrt on Windows): the kernel releases it when
the process holding it ends, however it ends (SIGKILL included), so a killed kb never leaves a
lock behind. A lock can only outlive its holder through a copy of the file descriptor in a
child process; kb closes it in every child it forks (kb.core.children), and its children die
with it.

The holder writes its pid and host name into the file. A process waiting for the lock checks
them: when the holder is a process of this machine that no longer exists, whatever still holds
the lock is not working for anyone (say, a child left behind by an older kb), and waiting
would only delay the command; the wait ends at once, and the caller searches what it has.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from kb.core.children import alive, close_in_children, forget_fd

POLL_SECONDS = 0.02
DEAD_FOR_SECONDS = 0.2  # a holder seen dead this long (a new holder writes its pid at once)


def host() -> str:
    """This machine's name (pids are only compared on the machine that wrote them)."""
    if hasattr(os, "uname"):
        return os.uname().nodename or "localhost"
    import socket

    return socket.gethostname() or "localhost"


class Holder(NamedTuple):
    """Who holds (or last held) a lock, as written in the lock file."""

    pid: int
    host: str

    def here(self) -> bool:
        return self.host == host()

    def dead(self) -> bool:
        """Known to be gone: a process of this machine that no longer exists."""
        return self.here() and not alive(self.pid)


class Locked:
    """The outcome of waiting for the lock: true when acquired. When not, `holder` is who held
    it (if known) and `dead_holder` whether that process no longer exists."""

    def __init__(self, acquired: bool, holder: Holder | None = None, dead: bool = False) -> None:
        self.acquired, self.holder, self.dead_holder = acquired, holder, dead

    def __bool__(self) -> bool:
        return self.acquired

    def who(self) -> str:
        """`another kb process (pid 1234)`, for messages."""
        if self.holder is None:
            return "another kb process"
        where = "" if self.holder.here() else f" on {self.holder.host}"
        return f"another kb process (pid {self.holder.pid}{where})"


class WriterLock:
    """An exclusive, non-blocking OS lock on a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self._fallback: object | None = None  # whoosh's lock, where fcntl is missing

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:
            return self._acquire_fallback()
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd
        close_in_children(fd)
        self._record(f"{os.getpid()} {host()}\n".encode())
        return True

    def _record(self, data: bytes) -> None:
        """Write who holds the lock (for the others' messages); not being able to (a full
        disk) does not make the lock any less held."""
        assert self.fd is not None
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            if data:
                os.pwrite(self.fd, data, 0)

    def release(self) -> None:
        if self._fallback is not None:
            self._fallback.release()  # type: ignore[attr-defined]
            self._fallback = None
            return
        if self.fd is None:
            return
        import fcntl

        self._record(b"")  # nobody holds it now
        fd, self.fd = self.fd, None
        forget_fd(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _acquire_fallback(self) -> bool:
        from whoosh.util.filelock import FileLock

        lock = FileLock(str(self.path))
        if lock.acquire():
            self._fallback = lock
            return True
        return False

    def holder(self) -> Holder | None:
        """Who holds the lock, as its file says (None when it says nothing readable)."""
        try:
            with open(self.path, "rb") as stream:
                raw = stream.read(300)
        except OSError:
            return None
        parts = raw.decode("utf-8", "replace").split()
        if len(parts) != 2 or not parts[0].isdigit():
            return None
        return Holder(int(parts[0]), parts[1])


@contextlib.contextmanager
def hold(path: Path, timeout: float) -> Iterator[Locked]:
    """The lock on `path`, waited for up to `timeout` seconds (less when its holder is dead,
    see the module); yields a Locked, true when acquired. OSError when the file cannot be
    created (an unwritable directory)."""
    lock = WriterLock(path)
    outcome = _wait(lock, timeout)
    try:
        yield outcome
    finally:
        if outcome:
            lock.release()


def _wait(lock: WriterLock, timeout: float) -> Locked:
    deadline = time.monotonic() + timeout
    dead_since: float | None = None
    while True:
        if lock.acquire():
            return Locked(True)
        holder = lock.holder()
        now = time.monotonic()
        if holder is not None and holder.dead():
            dead_since = now if dead_since is None else dead_since
            if now - dead_since >= DEAD_FOR_SECONDS:
                return Locked(False, holder, dead=True)
        else:
            dead_since = None
        if now >= deadline:
            return Locked(False, holder)
        time.sleep(POLL_SECONDS)
