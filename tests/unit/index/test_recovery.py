"""A damaged index is rebuilt automatically, with one notice, and gives the same results."""

from __future__ import annotations

import marshal
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kb.index.store import MANIFEST, MARKER, Store
from kb.search.api import search

QUERIES = ("widgetol", "bladder OR gizmo", '"schedule iv"', "subject:gizmo")


def results(root: Path, notices: list[str] | None = None) -> list[list[tuple[str, float]]]:
    notify = notices.append if notices is not None else (lambda text: None)
    return [
        [(h.id, round(h.score, 6)) for h in search(root, q, notify=notify).hits] for q in QUERIES
    ]


def generation(root: Path) -> Path:
    store = Store(root)
    name = store.generation()[0]
    assert name is not None
    return store.dir / name


def files(directory: Path, pattern: str) -> list[Path]:
    found = sorted(directory.glob(pattern))
    assert found, f"no {pattern} in {directory}"
    return found


def keep_stat(path: Path, change: Callable[[Path], None]) -> None:
    """Change a file in place without changing its size or mtime."""
    before = path.stat()
    change(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 4, len(data) - 4, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def edit_manifest(generation: Path, **changes: Callable[[Any], Any]) -> None:
    """Rewrite some fields of the manifest (a well-formed marshal file with wrong content)."""
    path = generation / MANIFEST
    data = marshal.loads(path.read_bytes())
    for key, change in changes.items():
        data[key] = change(data[key])
    path.write_bytes(marshal.dumps(data))


def edit_listing(generation: Path, change: Callable[[tuple[Any, Any]], tuple[Any, Any]]) -> None:
    """Rewrite the file listing (a well-formed marshal file with wrong content)."""
    (path,) = files(generation, "files-*.marshal")
    path.write_bytes(marshal.dumps(change(marshal.loads(path.read_bytes()))))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated segment": lambda g: truncate(files(g, "*.seg")[0]),
    "garbled segment": lambda g: garble(files(g, "*.seg")[0]),
    "garbled segment, same size and mtime": lambda g: keep_stat(files(g, "*.seg")[0], garble),
    "garbled toc": lambda g: garble(files(g, "*.toc")[0]),
    "garbled toc, same size and mtime": lambda g: keep_stat(files(g, "*.toc")[0], garble),
    "truncated toc, mtime kept": lambda g: keep_stat(
        files(g, "*.toc")[0],
        lambda p: p.write_bytes(p.read_bytes()[:20] + b"\0" * (p.stat().st_size - 20)),
    ),
    "deleted segment": lambda g: files(g, "*.seg")[0].unlink(),
    "deleted toc": lambda g: files(g, "*.toc")[0].unlink(),
    "junk everywhere": lambda g: [p.write_bytes(os.urandom(64)) for p in g.iterdir()],
    "truncated manifest": lambda g: truncate(g / MANIFEST),
    "junk manifest": lambda g: (g / MANIFEST).write_bytes(b"\xff" * 50),
    "deleted manifest": lambda g: (g / MANIFEST).unlink(),
    "file listing cut short": lambda g: edit_listing(g, lambda ps: (ps[0], ps[1][:-16])),
    "file listing not text": lambda g: edit_listing(g, lambda ps: (ps[0].encode(), ps[1])),
    "file listing deleted": lambda g: files(g, "files-*.marshal")[0].unlink(),
    "file listing junk": lambda g: files(g, "files-*.marshal")[0].write_bytes(b"\xff" * 50),
    "manifest names another listing": lambda g: edit_manifest(
        g, listing=lambda name: "files-0123456789abcdef.marshal"
    ),
    "manifest without a listing": lambda g: edit_manifest(g, listing=lambda name: None),
    "junk marker": lambda g: (g.parent / MARKER).write_bytes(b"\x00junk{"),
    "marker names a missing generation": lambda g: shutil.rmtree(g),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_rebuilt_with_identical_results(mini_kb: Path, damage: str) -> None:
    healthy = results(mini_kb)
    DAMAGE[damage](generation(mini_kb))
    notices: list[str] = []
    assert results(mini_kb, notices) == healthy
    assert len(notices) == 1, notices
    assert "rebuilding" in notices[0] and "\n" not in notices[0]
    assert results(mini_kb, notices) == healthy
    assert len(notices) == 1  # healthy again: no further notice


def test_files_the_manifest_does_not_list_are_removed_without_a_rebuild(mini_kb: Path) -> None:
    """What a killed or failed update leaves in the live generation (new segments, a table of
    contents, temporary files) is debris: removed under the lock, the index kept."""
    healthy = results(mini_kb)
    live = generation(mini_kb)
    before = sorted(p.name for p in live.iterdir())
    (live / "MAIN_junk.seg").write_bytes(b"junk" * 100)
    (live / "_MAIN_99.toc").write_bytes(b"")
    (live / "_MAIN.tmp").mkdir()
    notices: list[str] = []
    assert results(mini_kb, notices) == healthy
    assert notices == []
    assert sorted(p.name for p in live.iterdir()) == before
    assert generation(mini_kb) == live  # not rebuilt


def test_a_deleted_index_directory_is_rebuilt_silently(mini_kb: Path) -> None:
    healthy = results(mini_kb)
    shutil.rmtree(Store(mini_kb).dir)
    notices: list[str] = []
    assert results(mini_kb, notices) == healthy
    assert notices == []


def test_a_failed_rebuild_leaves_the_previous_index(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.index import writer
    from kb.search.api import index

    healthy = results(mini_kb)
    old = generation(mini_kb)

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(writer, "build_all", fail)  # what opening imports to build
        with pytest.raises(KeyboardInterrupt):
            index(mini_kb, rebuild=True)
    assert generation(mini_kb) == old
    assert not list(Store(mini_kb).dir.glob(".tmp-*"))
    assert results(mini_kb) == healthy


def test_an_unwritable_cache_falls_back_to_memory(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated, so that it also runs as root (for whom chmod does not stop writes)."""

    def refuse(self: Store, timeout: float) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Store, "lock", refuse)
    notices: list[str] = []
    found = [h.id for h in search(mini_kb, "bladder", notify=notices.append).hits]
    assert found == ["widgetol-bladder-damage"]
    assert len(notices) == 1 and "in-memory" in notices[0]
    assert not Store(mini_kb).dir.exists()


def test_a_read_only_cache_directory_falls_back_to_memory(mini_kb: Path) -> None:
    cache = Path(os.environ["XDG_CACHE_HOME"])
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        probe = cache / "probe"
        try:
            probe.mkdir()
        except PermissionError:
            pass
        else:
            probe.rmdir()
            pytest.skip(
                "chmod does not stop this user from writing (running as root); "
                "test_an_unwritable_cache_falls_back_to_memory covers the fallback"
            )
        notices: list[str] = []
        found = [h.id for h in search(mini_kb, "bladder", notify=notices.append).hits]
        assert found == ["widgetol-bladder-damage"]
        assert len(notices) == 1 and "in-memory" in notices[0]
    finally:
        cache.chmod(stat.S_IRWXU)


def test_a_read_only_fresh_index_is_still_searched(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results(mini_kb)

    def refuse(self: Store, timeout: float) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Store, "lock", refuse)
    notices: list[str] = []
    assert [h.id for h in search(mini_kb, "bladder", notify=notices.append).hits] == [
        "widgetol-bladder-damage"
    ]
    assert notices == []


def test_a_damaged_index_makes_room_before_the_rebuild(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk with room for one index: the damaged one is of no use, so it is removed before
    the new one is built, not after."""
    from kb.index import writer

    healthy = results(mini_kb)
    old = generation(mini_kb)
    truncate(files(old, "*.seg")[0])
    seen_during_build: list[bool] = []
    real_build_all = writer.build_all

    def build_all(*args: object, **kwargs: object) -> object:
        seen_during_build.append(old.exists())
        return real_build_all(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "build_all", build_all)
    notices: list[str] = []
    assert results(mini_kb, notices) == healthy
    assert seen_during_build == [False]
    assert len(notices) == 1 and "rebuilding" in notices[0]
