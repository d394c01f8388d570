"""Worker processes never outlive the kb process that started them.

kb starts child processes for big jobs (the writers of a full index build, the checkers of
`kb validate`). Whatever ends kb — Ctrl-C, SIGTERM, SIGKILL, a crash — its children must end
too: a child left behind keeps working for nobody, and holds whatever it inherited (such as
the index writer lock, see kb.index.lock). Each child calls `guard_child` first:

- the kernel kills it when its parent dies (Linux: PR_SET_PDEATHSIG); everywhere, a watchdog
  thread also ends it within a second of the parent's death (its parent pid changes);
- Ctrl-C, which the terminal sends to every process of the group, is left to the parent, which
  stops its children itself: a child never prints a KeyboardInterrupt traceback;
- file descriptors registered with `close_in_children` (locks) are closed in every forked
  child at once (os.register_at_fork), so that a child never holds a lock of its parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

WATCHDOG_SECONDS = 0.5

_close_in_children: set[int] = set()


def _after_fork_in_child() -> None:
    for fd in list(_close_in_children):
        with contextlib.suppress(OSError):
            os.close(fd)
    _close_in_children.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def close_in_children(fd: int) -> None:
    """Close `fd` in every process forked from now on (until `forget_fd`)."""
    _close_in_children.add(fd)


def forget_fd(fd: int) -> None:
    _close_in_children.discard(fd)


def guard_child(parent: int) -> None:
    """Called first in a child process started by `parent` (its pid): see the module."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread: nothing to change
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    watchdog = threading.Thread(target=_watch, args=(parent,), name="kb-watchdog", daemon=True)
    watchdog.start()


def _die_with_parent() -> bool:
    """Ask the kernel to kill this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError, ImportError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether a process with this pid exists (on this machine)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl-C there: assume it is
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, owned by someone else
    return True
