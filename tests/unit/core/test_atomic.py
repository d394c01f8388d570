"""kb.core.atomic.AtomicPath: a file written under a temporary name appears whole or not at
all, never replaces a file when told not to, and leaves nothing behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kb.core import atomic
from kb.core.atomic import AtomicPath


def test_the_file_appears_complete_and_the_temporary_name_goes(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    with AtomicPath(target) as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".out.db.")
        temp.write_bytes(b"one")
        assert not target.exists()
    assert target.read_bytes() == b"one"
    with AtomicPath(target) as temp:
        temp.write_bytes(b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError), AtomicPath(target, exclusive=True) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_an_error_in_the_block_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), AtomicPath(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_exclusive_without_hard_links_creates_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "out.db"
    with AtomicPath(target, exclusive=True) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(FileExistsError), AtomicPath(target, exclusive=True) as temp:
        temp.write_bytes(b"newer")
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["out.db"]
