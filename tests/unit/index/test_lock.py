"""The writer lock (kb.index.lock): released when its holder dies however it dies, never held
by a child process, recognised when the process that took it is gone while something it
left holds it, and never answered with "up to date" by `kb index` when it could not be had."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.core.errors import IndexUnavailableError
from kb.index import opening
from kb.index.lock import WriterLock, hold
from kb.index.store import LOCK, Store
from kb.search.api import index, search

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fork and signals (POSIX)")
REPO = Path(__file__).resolve().parents[3]

HOLDER = """
import os, sys, time
from pathlib import Path
from kb.index.lock import WriterLock
lock = WriterLock(Path(sys.argv[1]))
assert lock.acquire()
mode = sys.argv[2]
if mode == "orphan":  # a copy of the descriptor in a child kb did not start: held after us
    keep = os.dup(lock.fd)
    if os.fork() == 0:
        time.sleep(120)
        os._exit(0)
    print("ready", flush=True)
    os._exit(0)
print("ready", flush=True)
time.sleep(120)
"""


def holder(path: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_the_lock_names_its_holder_and_dies_with_it(tmp_path: Path) -> None:
    path = tmp_path / LOCK
    proc = holder(path, "hold")
    try:
        lock = WriterLock(path)
        assert not lock.acquire()
        who = lock.holder()
        assert who is not None and who.pid == proc.pid and not who.dead()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert lock.acquire()  # the kernel released it at once
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_forked_child_never_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / LOCK
    with hold(path, 0) as got:
        assert got
        child = os.fork()
        if child == 0:  # the child's copy of the descriptor is closed at the fork
            time.sleep(5)
            os._exit(0)
    try:
        lock = WriterLock(path)
        assert lock.acquire(), "a child of the holder still holds the lock"
        lock.release()
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_a_lock_held_for_a_dead_process_is_recognised(mini_kb: Path) -> None:
    """The holder died; a child it left (not one of kb's, which die with it) still holds the
    lock: a search does not wait for it (five minutes without an index) and answers."""
    store = Store(mini_kb)
    store.dir.mkdir(parents=True)
    proc = holder(store.dir / LOCK, "orphan")
    proc.wait()
    orphan_group = proc.pid
    try:
        started = time.monotonic()
        notices: list[str] = []
        found = search(mini_kb, "bladder", notify=notices.append)
        assert time.monotonic() - started < opening.WAIT_WITH_INDEX
        assert [hit.id for hit in found.hits] == ["widgetol-bladder-damage"]
        assert len(notices) == 1 and f"pid {proc.pid}" in notices[0], notices
        assert "no longer running" in notices[0]
        with pytest.raises(IndexUnavailableError, match=f"pid {proc.pid}"):
            index(mini_kb, rebuild=True)
    finally:
        os.killpg(orphan_group, signal.SIGKILL)
    time.sleep(0.2)
    notices = []
    assert [h.id for h in search(mini_kb, "bladder", notify=notices.append).hits] == [
        "widgetol-bladder-damage"
    ]
    assert notices == []


def test_kb_index_never_says_up_to_date_without_the_lock(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    search(mini_kb, "bladder")
    monkeypatch.setattr(opening, "WAIT_WITH_INDEX", 0.1)
    with Store(mini_kb).lock(0) as got:
        assert got
        for rebuild in (True, False):
            path = mini_kb / "facts" / "core" / "widgetol-schedule-iv.toml"
            path.write_text(path.read_text() + "\n")  # something to update
            with pytest.raises(IndexUnavailableError, match="holds the search index lock"):
                index(mini_kb, rebuild=rebuild)
