"""kb.core.atomic.write_atomic: whole or nothing, nothing left when killed, the umask's mode."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.core import atomic
from kb.core.atomic import STALE_SECONDS, write_atomic
from tests.cli.test_pipes import kb_environment

REPO = Path(__file__).resolve().parents[3]
WAYS = ["unnamed", "named"]


@pytest.fixture(params=WAYS)
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both ways of writing: an unnamed file (Linux) and a named temporary file."""
    if request.param == "named":
        monkeypatch.setattr(atomic, "_write_unnamed", lambda *args: False)
    yield request.param


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.skipif(os.name != "posix", reason="umask (POSIX)")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_follow_the_umask(way: str, umask: int, tmp_path: Path) -> None:
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "new.toml", "x = 1\n", exclusive=True)
        write_atomic(tmp_path / "replaced.toml", "x = 1\n")
    finally:
        os.umask(previous)
    for name in ("new.toml", "replaced.toml"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, (way, name)
    assert leftovers(tmp_path) == []


def test_exclusive_never_replaces(way: str, tmp_path: Path) -> None:
    target = tmp_path / "taken.toml"
    target.write_text("old\n")
    with pytest.raises(FileExistsError):
        write_atomic(target, "new\n", exclusive=True)
    assert target.read_text() == "old\n"
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == []


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from kb.core import atomic
if sys.argv[2] == "named":
    atomic._write_unnamed = lambda *args: False
def killed(fd):  # killed before the data is safe; says first whether the file had a name
    unnamed = not os.path.exists(f"/proc/self/fd/{fd}") or "(deleted)" in os.readlink(
        f"/proc/self/fd/{fd}"
    )
    print("unnamed" if unnamed else "named", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
os.fsync = killed
atomic.write_atomic(Path(sys.argv[1]), "x = 1\\n", exclusive=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL (POSIX)")
@pytest.mark.parametrize("named", WAYS)
def test_a_killed_write_leaves_nothing_or_a_leftover_removed_later(
    named: str, tmp_path: Path
) -> None:
    target = tmp_path / "entry.toml"
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(target), named],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert not target.exists()
    found = leftovers(tmp_path)
    if done.stdout.strip() == b"unnamed":
        assert found == []  # nothing was ever named
    else:  # the named way: the leftover is removed by a later write, once it is stale
        (leftover,) = found
        write_atomic(target, "x = 2\n", exclusive=True)
        assert leftovers(tmp_path) == [leftover]  # maybe another process's write: kept
        old = time.time() - STALE_SECONDS - 1
        os.utime(tmp_path / leftover, (old, old))
        write_atomic(tmp_path / "entry.toml", "x = 3\n")
    assert leftovers(tmp_path) == []


KILLED_NEW = """
import os, signal, sys
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
sys.argv = ["kb", "new", "subject", "--name", "Killed Midway", "--kind", "drug"]
from kb.__main__ import main
main()
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL (POSIX)")
def test_kb_new_killed_mid_write_leaves_no_file(mini_kb: Path, tmp_path: Path) -> None:
    """No entry file, and no temporary file (unnamed files), or one that the next kb new of
    that entry removes once it is stale."""
    env = kb_environment(mini_kb, tmp_path, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", KILLED_NEW], env=env, capture_output=True, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    subjects = mini_kb / "subjects"
    names = sorted(p.name for p in subjects.iterdir() if not p.name.startswith("."))
    assert names == ["gadgetine.toml", "widgetol.toml"]
    hidden = [p for p in subjects.iterdir() if p.name.startswith(".")]
    assert all(p.name.startswith(".killed-midway.toml.") for p in hidden), hidden
    old = time.time() - STALE_SECONDS - 1
    for leftover in hidden:
        os.utime(leftover, (old, old))
    again = subprocess.run(
        [sys.executable, "-m", "kb", "new", "subject", "--name", "Killed Midway", "--kind", "drug"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert [p.name for p in subjects.iterdir() if p.name.startswith(".")] == []
