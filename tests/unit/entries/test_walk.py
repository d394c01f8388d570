"""The one walker decides which files are entries, for every command alike."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.entries.kinds import EntryKind, kind_at
from kb.entries.walk import find, walk, walk_stats


def make(root: Path, relpaths: list[str]) -> None:
    for relpath in relpaths:
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            path.write_text("x")


def test_the_rules(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    outside = tmp_path / "outside.toml"
    outside.write_text("x")
    make(
        root,
        [
            "kb.toml", "sources/s.toml", "sources/deep/s2.toml", "subjects/b.toml",
            "facts/a.toml", "facts/t/b.toml", "facts/t/u/c.toml", "facts/.hidden/h.toml",
            "facts/.h.toml", "facts/x.toml/inner.toml", "facts/notes.md", "other/o.toml",
            "stray.toml",
        ],
    )  # fmt: skip
    os.symlink(outside, root / "facts" / "out.toml")
    os.symlink(root / "facts" / "a.toml", root / "facts" / "in.toml")
    os.symlink(root / "facts" / "t", root / "facts" / "linked-folder")
    entries = {(f.relpath, f.kind) for f in walk(root)}
    assert entries == {
        ("kb.toml", EntryKind.KB),
        ("sources/s.toml", EntryKind.SOURCE),
        ("subjects/b.toml", EntryKind.SUBJECT),
        ("facts/a.toml", EntryKind.FACT),
        ("facts/in.toml", EntryKind.FACT),
        ("facts/t/b.toml", EntryKind.FACT),
        ("facts/t/u/c.toml", EntryKind.FACT),
        ("facts/x.toml/inner.toml", EntryKind.FACT),
    }
    strays = {f.relpath for f in walk(root, strays=True) if f.kind is None}
    assert strays == {"sources/deep/s2.toml", "other/o.toml", "stray.toml", "facts/out.toml"}
    paths, stats = walk_stats(root)
    assert sorted(paths) == sorted(relpath for relpath, _ in entries)
    assert len(stats) == 2 * len(paths)
    assert find(root, EntryKind.FACT, "c") == root / "facts" / "t" / "u" / "c.toml"
    assert find(root, EntryKind.FACT, "out") is None
    assert find(root, EntryKind.SOURCE, "s2") is None
    assert find(root, EntryKind.FACT, "../kb") is None


def test_kind_at_agrees_with_the_walk(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    make(root, ["kb.toml", "sources/s.toml", "sources/d/s.toml", "facts/a/b/c.toml", "x.toml"])
    for found in walk(root, strays=True):
        assert kind_at(found.relpath) == found.kind


NAMES = st.sampled_from(["a", "b", "x.toml", ".h", "facts", "t", "z"])
FILES = st.lists(
    st.tuples(
        st.sampled_from(["facts", "sources", "subjects", "other", ""]),
        st.lists(NAMES, max_size=3),
        st.sampled_from(["a.toml", "b.toml", ".c.toml", "d.txt", "kb.toml"]),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(FILES)
def test_every_view_of_a_random_tree_agrees(files: list[tuple[str, list[str], str]]) -> None:
    """walk with and without strays, walk_stats and find see the same entries."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        for top, folders, name in files:
            relpath = "/".join(p for p in (top, *folders, name) if p)
            path = root / relpath
            if any(parent.is_file() for parent in path.parents):
                continue
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x")
        entries = walk(root)
        everything = walk(root, strays=True)
        assert {f.relpath for f in everything if f.kind} == {f.relpath for f in entries}
        assert set(walk_stats(root)[0]) == {f.relpath for f in entries}
        assert all(not part.startswith(".") for f in everything for part in f.relpath.split("/"))
        first: dict[tuple[EntryKind, str], str] = {}
        for found in entries:
            if found.kind is not None and found.kind is not EntryKind.KB:
                stem = found.relpath.rpartition("/")[2].removesuffix(".toml")
                first.setdefault((found.kind, stem), found.relpath)
        for (kind, stem), relpath in first.items():
            assert find(root, kind, stem) == root / relpath
