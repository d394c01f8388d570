"""The walk of a big KB in two processes (kb.index.scan) gives exactly the one-process walk:
the same files, stats and order; and whatever happens to the helper, still the same."""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import pytest

from kb.entries.walk import walk_stats
from kb.index import scan


def one_process(root: Path) -> scan.Listing:
    paths, stats = walk_stats(root)
    return scan.Listing("\0".join(paths), array("q", stats).tobytes())


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """Fact folders of several sizes and depths, files directly in facts/, and what the walk
    leaves out: dot names, a linked folder, a link out of the KB, a folder named like a file."""
    root = tmp_path / "kb"
    (root / "sources").mkdir(parents=True)
    (root / "subjects").mkdir()
    (root / "kb.toml").write_text("")
    (root / "sources" / "s.toml").write_text("")
    (root / "subjects" / "x.toml").write_text("")
    facts = root / "facts"
    for topic, count in [("a", 30), ("b", 3), ("c", 0), ("d", 12), ("e", 7), ("f", 1)]:
        (facts / topic / "deeper" / "still").mkdir(parents=True)
        for i in range(count):
            (facts / topic / f"{topic}{i}.toml").write_text("x" * i)
            (facts / topic / "deeper" / f"{topic}{i}-deep.toml").write_text("y")
        (facts / topic / "deeper" / "still" / f"{topic}.toml").write_text("z")
    (facts / "loose.toml").write_text("")
    (facts / "zz-loose.toml").write_text("")
    (facts / ".hidden").mkdir()
    (facts / ".hidden" / "h.toml").write_text("")
    (facts / "folder.toml").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.toml").write_text("")
    (facts / "linked").symlink_to(outside)
    (facts / "a" / "out.toml").symlink_to(outside / "o.toml")
    (facts / "a" / "in.toml").symlink_to(facts / "b" / "b0.toml")
    return root


def test_two_processes_find_what_one_does(kb: Path) -> None:
    expected = one_process(kb)
    assert expected.paths.count("\0") > 100
    assert scan._in_two(kb) == expected


def test_listing_uses_two_from_the_threshold(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[Path] = []
    original = scan._in_two

    def spy(root: Path) -> scan.Listing | None:
        used.append(root)
        return original(root)

    monkeypatch.setattr(scan, "_in_two", spy)
    monkeypatch.setattr(scan, "_core_to_spare", lambda: True)
    assert scan.listing(kb, scan.PARALLEL_FROM - 1) == one_process(kb)
    assert used == []
    assert scan.listing(kb, scan.PARALLEL_FROM) == one_process(kb)
    assert used == [kb]


@pytest.mark.parametrize(
    "helper",
    [
        "import sys; sys.exit(3)",
        "import sys; sys.stdout.buffer.write(b'garbage')",
        "import sys, marshal; sys.stdout.buffer.write(marshal.dumps([([], [1])] * 9))",
        "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    ],
)
def test_a_failing_helper_changes_nothing(
    kb: Path, monkeypatch: pytest.MonkeyPatch, helper: str
) -> None:
    monkeypatch.setattr(scan, "_HELPER", helper)
    assert scan._in_two(kb) == one_process(kb)


def test_no_helper_is_left_behind(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[scan._Helper] = []
    original = scan._Helper

    def keep(root: Path, folders: list[str]) -> scan._Helper:
        helper = original(root, folders)
        started.append(helper)
        return helper

    monkeypatch.setattr(scan, "_Helper", keep)
    scan._in_two(kb)
    (helper,) = started
    assert helper.pid is None and helper.pipe is None


def test_the_helper_writes_no_bytecode_when_told_not_to(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    captured: list[list[str]] = []
    spawn = os.posix_spawn

    def record(path: str, argv: list[str], *args: object, **kwargs: object) -> int:
        captured.append(list(argv))
        return spawn(path, argv, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "posix_spawn", record)
    assert scan._in_two(kb) == one_process(kb)
    assert "-B" in captured[0] and "-I" in captured[0]


def test_one_folder_is_not_shared(tmp_path: Path) -> None:
    (tmp_path / "facts" / "only").mkdir(parents=True)
    (tmp_path / "facts" / "only" / "x.toml").write_text("")
    assert scan._in_two(tmp_path) is None
