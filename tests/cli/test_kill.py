"""Killing kb in the middle of a full index build at 10k facts (two writer processes): no
process survives it, the lock is free at once, nothing is left behind, the next command works.

Each case starts `kb index --rebuild` as a real process in a session of its own, waits until its
writer processes run, signals it like a user or a system would, and checks:

- no process of its group survives (checked with kill(-group, 0): no /proc needed);
- the writer lock can be taken at once;
- the next search neither waits nor warns about another process, and finds the facts;
- no temporary build folder is left once a command has taken the lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.index.store import Store
from tests.cli.test_pipes import kb_environment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="process groups and signals (POSIX)"),
]

FACTS = 10_000
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from bench.generate import generate

    root = tmp_path_factory.mktemp("kill") / "kb"
    generate(FACTS, root, seed=11)
    yield root


def children_of(pid: int) -> list[int]:
    """Processes whose parent is pid (Linux /proc; elsewhere `ps`)."""
    found = []
    if os.path.isdir("/proc"):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == pid:
                found.append(int(name))
        return found
    listing = subprocess.run(["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        child, parent = (int(part) for part in line.split())
        if parent == pid:
            found.append(child)
    return found


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_rebuild(kb: Path, index: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kb", "index", "--rebuild", "--kb", str(kb)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=kb_environment(kb, tmp_path, PYTHONPATH=str(REPO)),
        start_new_session=True,
    )


def wait_for_writers(proc: subprocess.Popen[bytes], index: Path) -> list[int]:
    """Until the build runs its two writer processes (and has a temporary folder)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the build ended before it could be interrupted"
        writers = children_of(proc.pid)
        if len(writers) >= 2 and list(index.glob(".tmp-*")):
            time.sleep(0.3)  # well into the documents
            return writers
        time.sleep(0.05)
    raise AssertionError("the build never started its writer processes")


def assert_nothing_survives(proc: subprocess.Popen[bytes], writers: list[int]) -> None:
    deadline = time.monotonic() + 5
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(proc.pid), f"writer processes survived: {children_of(1)}"
    for pid in writers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def assert_next_search_is_prompt(kb: Path, index: Path, tmp_path: Path) -> None:
    store = Store(kb, index)
    with store.lock(0) as got:  # free at once
        assert got
    started = time.monotonic()
    search = subprocess.run(
        [sys.executable, "-m", "kb", "search", "bladder", "-f", "ids", "--kb", str(kb)],
        capture_output=True,
        text=True,
        env=kb_environment(kb, tmp_path, PYTHONPATH=str(REPO)),
        timeout=240,
        check=False,
    )
    took = time.monotonic() - started
    assert search.returncode == 0, search.stderr
    assert search.stdout.split(), "no facts found"
    assert "another kb process" not in search.stderr
    assert "Traceback" not in search.stderr
    assert took < 90  # a build of 10k facts, not the 300 s wait for a lock nobody releases
    assert not list(index.glob(".tmp-*")), "the killed build's folder was left behind"


@pytest.mark.parametrize(
    "how",
    ["SIGKILL to kb", "SIGTERM to kb", "SIGINT to the group (Ctrl-C)", "SIGHUP to the group"],
)
def test_a_killed_rebuild_leaves_no_process_no_lock_no_folder(
    how: str, big_kb: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    proc = start_rebuild(big_kb, index, tmp_path)
    try:
        writers = wait_for_writers(proc, index)
        name, _, target = how.partition(" to ")
        number = getattr(signal, name)
        if target == "the group (Ctrl-C)" or target == "the group":
            os.killpg(proc.pid, number)
        else:
            os.kill(proc.pid, number)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert_nothing_survives(proc, writers)
    errors = stderr.decode("utf-8", "replace")
    assert "Traceback" not in errors
    if number == signal.SIGKILL:  # nothing could clean up: the next command does
        assert_next_search_is_prompt(big_kb, index, tmp_path)
        return
    assert proc.returncode == 128 + number, errors  # 130 for Ctrl-C, 143 for SIGTERM
    assert not list(index.glob(".tmp-*")), "the interrupted build did not clean up"
    with Store(big_kb, index).lock(0) as got:
        assert got
