"""Reading single entries on demand gives what the full walk and load would."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.entries.kinds import EntryKind
from kb.entries.loading import load
from kb.entries.walk import paths_of
from tests.conftest import MINI_KB


def first_paths(root: Path) -> dict[str, Path]:
    """What the full walk gives each fact id (the first file with that stem)."""
    found: dict[str, Path] = {}
    for path in paths_of(root, EntryKind.FACT):
        found.setdefault(path.stem, path)
    return found


def test_find_entry_agrees_with_the_full_walk_on_a_tricky_layout(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    shutil.rmtree(root / "facts")
    facts = root / "facts"
    outside = tmp_path / "outside.toml"
    outside.write_text("x")
    for relative in (
        "a.toml", "b/a.toml", "m/n/deep.toml", "m/deep.toml", "z/deep.toml",
        "c/z.toml", "c.toml/inner.toml", "top/zz.toml", "top/aa/zz.toml", ".hidden/h.toml",
        ".h.toml", "q/zz.toml",
    ):  # fmt: skip
        path = facts / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (facts / "aa").mkdir()
    os.symlink(outside, facts / "aa" / "link.toml")  # out of the KB: never read
    (facts / "zz").mkdir()
    (facts / "zz" / "link.toml").write_text("x")
    os.symlink(facts / "a.toml", facts / "b" / "inner-link.toml")  # inside: read

    expected = first_paths(root)
    kb = load(root)
    names = {*expected, "missing", "h", ".h", "../a", "a/b", ""}
    for name in sorted(names):
        assert kb.fact_path(name) == expected.get(name), name
    assert expected["link"] == facts / "zz" / "link.toml"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini-kb"
    shutil.copytree(MINI_KB, root)
    return root


def test_one_subject_by_id_reads_only_its_file(mini: Path) -> None:
    broken = mini / "subjects" / "zzz-broken.toml"
    broken.write_text('id = "zzz-broken"\nname = 5\n')
    kb = load(mini, on_demand=True)
    assert kb.subjects.get("widgetol") is not None
    assert "nope" not in kb.subjects
    assert kb.problems == []  # the broken subject was not read
    assert sorted(kb.subjects) == sorted(load(mini)._load_kind("subject"))
    assert any("zzz-broken.toml" in p.path for p in kb.problems)  # read now, with all others
    assert any("zzz-broken.toml" in p.path for p in load(mini).problems)  # read at once


def test_entries_by_id_equal_the_full_load(mini: Path) -> None:
    kb, full = load(mini, on_demand=True), load(mini)
    everything = dict(full.sources)
    for source_id in everything:
        assert kb.sources[source_id] == everything[source_id]
    assert kb.sources.get("../sources/alpha-news") is None
