"""A failing writer at every step (tests/unit/index/faults.py): whichever write fails, and
however (a full disk, a file-size limit, too few file descriptors), a search answers
correctly (from memory, with one notice naming the real error), the previous index is left
intact, nothing is left behind, and once writes work again the index is brought up to date.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from kb.core.errors import IndexUnavailableError
from kb.index.store import Store, fingerprint
from kb.search.api import index, search
from tests.unit.index.faults import Faults, injected

QUERIES = ("widgetol", "bladder OR gizmo", "subject:gadgetine", "wreck")
ERRORS = [errno.ENOSPC, errno.EFBIG, errno.EMFILE]


def answers(root: Path, notices: list[str]) -> list[list[tuple[str, float]]]:
    """The answers to QUERIES, one search each; `notices` gets the first notice of each
    search that gave any (each must give at most one)."""
    found = []
    for query in QUERIES:
        said: list[str] = []
        found.append(
            [
                (h.id, round(h.score, 6))
                for h in search(root, query, limit=None, notify=said.append).hits
            ]
        )
        assert len(said) <= 1, said
        notices += said[:1]
    return found


def edit(root: Path) -> None:
    """Edits of every kind an update handles: a fact changed, added and removed, a subject
    renamed (its facts re-indexed)."""
    facts = root / "facts" / "core"
    changed = facts / "widgetol-bladder-damage.toml"
    changed.write_text(changed.read_text().replace("can harm", "can wreck"))
    added = (facts / "widgetol-schedule-iv.toml").read_text().replace("schedule-iv", "copy-iv")
    (facts / "widgetol-copy-iv.toml").write_text(added)
    (facts / "widgetol-first-made-1970.toml").unlink()
    subject = root / "subjects" / "gadgetine.toml"
    subject.write_text(subject.read_text().replace('name = "', 'name = "Gizmo ', 1))


def expected(root: Path, tmp_path: Path) -> list[list[tuple[str, float]]]:
    """A fresh build's answers on the KB as it is."""
    fresh = [
        [
            (h.id, round(h.score, 6))
            for h in search(root, q, limit=None, index_dir=str(tmp_path / "fresh")).hits
        ]
        for q in QUERIES
    ]
    shutil.rmtree(tmp_path / "fresh")
    return fresh


def state(store: Store) -> dict[str, object]:
    """The index directory as it stands: the live generation, its files, the leftovers."""
    generation = store.generation()[0]
    return {
        "generation": generation,
        "files": fingerprint(store.dir / generation) if generation else None,
        "manifest": (store.dir / generation / "manifest.marshal").read_bytes()
        if generation
        else None,
        "others": sorted(p.name for p in store.dir.iterdir() if p.name != generation)
        if store.dir.exists()
        else [],
    }


def consistent(store: Store) -> None:
    """The live generation holds exactly the files its manifest lists."""
    generation = store.generation()[0]
    assert generation is not None
    manifest = store.read_manifest(generation)
    assert fingerprint(store.dir / generation) == manifest.index_files


def steps_of(monkeypatch: pytest.MonkeyPatch, run: object) -> int:
    with injected(monkeypatch, Faults(float("inf"))) as counting:
        run()  # type: ignore[operator]
    assert counting.steps > 5
    return counting.steps


@pytest.mark.parametrize("code", ERRORS, ids=errno.errorcode.get)
def test_a_failing_update_at_every_step(
    code: int, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(mini_kb)
    answers(mini_kb, [])  # the index, before the edits
    pristine = tmp_path / "pristine"
    shutil.copytree(store.dir, pristine)  # copy2: sizes and mtimes kept
    before = state(store)
    edit(mini_kb)
    right = expected(mini_kb, tmp_path)

    def restore() -> None:
        shutil.rmtree(store.dir)
        shutil.copytree(pristine, store.dir)

    total = steps_of(monkeypatch, lambda: answers(mini_kb, []))
    restore()
    for allowed in range(total + 1):
        notices: list[str] = []
        with injected(monkeypatch, Faults(allowed, code)) as faults:
            got = answers(mini_kb, notices)
        assert got == right, f"wrong answers when step {allowed + 1} fails"
        if notices:
            assert faults.fired
            for notice in notices:
                assert os.strerror(code) in notice and "in-memory" in notice, notice
                assert "writer is closed" not in notice
            assert state(store) == before, f"the previous index changed (step {allowed + 1})"
        else:
            consistent(store)
        consistent(store)
        again: list[str] = []
        assert answers(mini_kb, again) == right
        assert again == []
        consistent(store)
        assert not list(store.dir.glob(".tmp-*"))
        restore()


@pytest.mark.parametrize("code", ERRORS, ids=errno.errorcode.get)
def test_a_failing_first_build_at_every_step(
    code: int, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(mini_kb)
    right = expected(mini_kb, tmp_path)
    total = steps_of(monkeypatch, lambda: answers(mini_kb, []))
    for allowed in range(total + 1):
        shutil.rmtree(store.dir, ignore_errors=True)
        notices: list[str] = []
        with injected(monkeypatch, Faults(allowed, code)) as faults:
            got = answers(mini_kb, notices)
        assert got == right
        assert bool(notices) == faults.fired, notices
        for notice in notices:
            assert os.strerror(code) in notice and "in-memory" in notice, notice
        assert not list(store.dir.glob(".tmp-*")) if store.dir.exists() else True
        again: list[str] = []
        assert answers(mini_kb, again) == right and again == []
        consistent(store)


@pytest.mark.parametrize("code", ERRORS, ids=errno.errorcode.get)
def test_a_failing_rebuild_at_every_step_keeps_the_index(
    code: int, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kb index --rebuild` (strict): the real error, the previous index untouched."""
    store = Store(mini_kb)
    right = answers(mini_kb, [])
    before = state(store)
    total = steps_of(monkeypatch, lambda: index(mini_kb, rebuild=True))
    for allowed in range(total):
        before = state(store)
        with injected(monkeypatch, Faults(allowed, code)) as faults:
            try:
                index(mini_kb, rebuild=True)
            except IndexUnavailableError as error:
                assert faults.fired
                assert os.strerror(code) in error.message, error.message
                assert "writer is closed" not in error.message
                after = state(store)
                assert after["files"] == before["files"]
                assert after["generation"] == before["generation"]
            else:
                assert not faults.fired
        assert not list(store.dir.glob(".tmp-*"))
        notices: list[str] = []
        assert answers(mini_kb, notices) == right and notices == []
        consistent(store)
