"""The index lifecycle: where it lives, first build, freshness after edits, rebuilds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.cli import config
from kb.core.errors import IndexUnavailableError
from kb.entries.filters import Filters
from kb.index import opening as freshness
from kb.index.store import MARKER, Store
from kb.search.api import index, search


def ids(root: Path, query: str, **options: object) -> list[str]:
    return [hit.id for hit in search(root, query, limit=None, **options).hits]  # type: ignore[arg-type]


def fact_file(root: Path, fact_id: str) -> Path:
    return root / "facts" / "core" / f"{fact_id}.toml"


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under a directory with its size and mtime."""
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.rglob("*")
        if p.is_file()
    }


def test_first_search_builds_the_index_in_the_user_cache(mini_kb: Path) -> None:
    assert ids(mini_kb, "bladder", cache_home=config.cache_home()) == ["widgetol-bladder-damage"]
    store = Store(mini_kb, None, config.cache_home())
    assert store.dir.parent == Path(os.environ["XDG_CACHE_HOME"]) / "kb" / "index"
    marker = json.loads((store.dir / MARKER).read_text())
    assert marker["kb"] == str(mini_kb.resolve())
    assert (store.dir / marker["generation"] / "manifest.marshal").is_file()
    assert not any(p.name.startswith("ix-") for p in mini_kb.rglob("*"))


def test_index_dir_argument_and_environment(
    mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "chosen"
    assert ids(mini_kb, "bladder", index_dir=str(chosen)) == ["widgetol-bladder-damage"]
    assert (chosen / MARKER).is_file()
    from_env = tmp_path / "from-env"
    monkeypatch.setenv("KB_INDEX_DIR", str(from_env))
    located = config.index_dir(None)
    assert ids(mini_kb, "bladder", index_dir=located) == ["widgetol-bladder-damage"]
    assert (from_env / MARKER).is_file()
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "kb").exists()


def test_a_fresh_search_writes_nothing_and_parses_no_entry(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids(mini_kb, "bladder")
    store = Store(mini_kb)
    before = snapshot(store.dir)

    def no_parsing(*args: object) -> None:
        raise AssertionError("an entry file was parsed")

    monkeypatch.setattr("kb.entries.loading.read_entry", no_parsing)
    assert ids(mini_kb, "schedule") == ["widgetol-schedule-iv"]
    assert snapshot(store.dir) == before


def test_an_edit_is_visible_to_the_next_search(mini_kb: Path) -> None:
    assert ids(mini_kb, "harm") == ["widgetol-bladder-damage"]
    path = fact_file(mini_kb, "widgetol-bladder-damage")
    path.write_text(path.read_text().replace("can harm", "can wreck"))
    assert ids(mini_kb, "wreck") == ["widgetol-bladder-damage"]
    assert ids(mini_kb, "harm") == []


def test_a_same_size_edit_within_the_same_mtime_is_still_seen(mini_kb: Path) -> None:
    path = fact_file(mini_kb, "widgetol-bladder-damage")
    path.write_text(path.read_text().replace("can harm", "can hurt"))
    stat = path.stat()
    assert ids(mini_kb, "hurt") == ["widgetol-bladder-damage"]
    path.write_text(path.read_text().replace("can hurt", "can ruin"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert path.stat().st_size == stat.st_size
    assert ids(mini_kb, "ruin") == ["widgetol-bladder-damage"]


def test_added_and_removed_facts(mini_kb: Path) -> None:
    ids(mini_kb, "widgetol")
    new = fact_file(mini_kb, "gadgetine-kidney-risk")
    new.write_text(
        'id = "gadgetine-kidney-risk"\nstatement = "Gadgetine may strain the kidneys."\n'
        'subject = "gadgetine"\ntopics = ["risks"]\n\n[[provenance]]\n'
        'source = "beta-blog"\nquote = "Gadgetine is a stronger cousin of widgetol."\n'
    )
    assert ids(mini_kb, "kidneys") == ["gadgetine-kidney-risk"]
    fact_file(mini_kb, "widgetol-schedule-iv").unlink()
    assert ids(mini_kb, "schedule") == []
    report = index(mini_kb)
    assert report.facts == 5 and not report.changed


def test_a_subject_change_reindexes_its_facts(mini_kb: Path) -> None:
    assert ids(mini_kb, "doohickey") == []
    subject = mini_kb / "subjects" / "widgetol.toml"
    subject.write_text(subject.read_text().replace('"WDG"', '"WDG", "Doohickey"'))
    found = ids(mini_kb, "doohickey")
    assert len(found) == 4 and all(i.startswith("widgetol-") for i in found)
    assert ids(mini_kb, "subject:doohickey") == sorted(found)
    assert ids(mini_kb, "bladder", filters=Filters.of(subject="Doohickey")) == [
        "widgetol-bladder-damage"
    ]


def test_a_source_change_reindexes_its_facts(mini_kb: Path) -> None:
    source = mini_kb / "sources" / "beta-blog.toml"
    source.write_text(source.read_text().replace('"Beta Blog"', '"Gamma Gazette"'))
    assert set(ids(mini_kb, "gazette")) == {"gadgetine-stronger", "widgetol-first-made-1972"}
    hit = search(mini_kb, "gadgetine").hits[0]
    assert hit.record["provenance"][0]["publisher"] == "Gamma Gazette"


def test_index_reports_what_it_did(mini_kb: Path) -> None:
    first = index(mini_kb)
    assert (first.counts.added, first.rebuilt, first.facts) == (5, True, 5)
    path = fact_file(mini_kb, "widgetol-schedule-iv")
    path.write_text(path.read_text().replace("controlled", "regulated"))
    fact_file(mini_kb, "gadgetine-stronger").unlink()
    update = index(mini_kb)
    assert (update.counts.added, update.counts.updated, update.counts.removed) == (0, 1, 1)
    assert not update.rebuilt and update.facts == 4
    assert not index(mini_kb).changed


def test_rebuild_switches_to_a_new_generation(mini_kb: Path) -> None:
    index(mini_kb)
    store = Store(mini_kb)
    old = store.generation()[0]
    report = index(mini_kb, rebuild=True)
    new = store.generation()[0]
    assert report.rebuilt and new != old
    assert sorted(p.name for p in store.dir.iterdir()) == sorted([MARKER, "write.lock", new])
    assert ids(mini_kb, "bladder") == ["widgetol-bladder-damage"]


def test_invalid_entries_are_skipped_and_reported(mini_kb: Path) -> None:
    fact_file(mini_kb, "widgetol-schedule-iv").write_text("id = [broken\n")
    result = search(mini_kb, "widgetol")
    assert "widgetol-schedule-iv" not in [h.id for h in result.hits]
    assert len(result.problems) == 1 and "widgetol-schedule-iv.toml" in result.problems[0]


def test_a_chosen_directory_kb_did_not_create_is_refused(mini_kb: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "_MAIN_1.toc").write_bytes(b"not ours")
    with pytest.raises(IndexUnavailableError, match="not created by kb"):
        search(mini_kb, "bladder", index_dir=str(foreign))
    assert [p.name for p in foreign.iterdir()] == ["_MAIN_1.toc"]


def test_an_index_of_another_kb_is_replaced(mini_kb: Path, tmp_path: Path) -> None:
    shared = str(tmp_path / "shared")
    other = tmp_path / "other-kb"
    import shutil

    shutil.copytree(mini_kb, other)
    fact_file(other, "widgetol-bladder-damage").unlink()
    assert ids(other, "bladder", index_dir=shared) == []
    notices: list[str] = []
    assert ids(mini_kb, "bladder", index_dir=shared, notify=notices.append) == [
        "widgetol-bladder-damage"
    ]
    assert any("another knowledge base" in n for n in notices)


def test_a_writer_holding_the_lock_does_not_block_searches(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids(mini_kb, "bladder")
    path = fact_file(mini_kb, "widgetol-bladder-damage")
    path.write_text(path.read_text().replace("can harm", "can wreck"))
    monkeypatch.setattr(freshness, "WAIT_WITH_INDEX", 0.05)
    notices: list[str] = []
    with Store(mini_kb).lock(0) as got:
        assert got
        assert ids(mini_kb, "harm", notify=notices.append) == ["widgetol-bladder-damage"]
    assert notices and "another kb process" in notices[0]
    assert ids(mini_kb, "wreck") == ["widgetol-bladder-damage"]


def test_files_listed_in_another_order_are_saved_once_in_that_order(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file renamed away and back keeps its size and mtime but may be listed elsewhere in its
    folder (tmpfs): one update saves the new order, and the next search is a fresh one again."""
    from kb.index.scan import compact, listing

    ids(mini_kb, "widgetol")
    monkeypatch.setattr(
        freshness, "listing", lambda root: compact(dict(reversed(listing(root).as_dict().items())))
    )
    updates: list[object] = []
    update = freshness._update
    monkeypatch.setattr(freshness, "_update", lambda *a: updates.append(a) or update(*a))
    assert ids(mini_kb, "bladder") == ["widgetol-bladder-damage"]
    assert len(updates) == 1
    assert ids(mini_kb, "bladder") == ["widgetol-bladder-damage"]
    assert len(updates) == 1  # fresh: no lock, no update


def test_content_changed_with_its_mtime_put_back_is_seen(mini_kb: Path, tmp_path: Path) -> None:
    """`cp -p`, `rsync -t`, `touch -r` or `tar x` can put a file's mtime back after changing it
    (same size): its ctime, which no one can set, still moves."""
    path = fact_file(mini_kb, "widgetol-bladder-damage")
    old = 1_600_000_000_000_000_000
    os.utime(path, ns=(old, old))
    where = str(tmp_path / "index")
    assert ids(mini_kb, "bladder", index_dir=where) == ["widgetol-bladder-damage"]
    text = path.read_text()
    path.write_text(text.replace("the bladder.", "the kidney. "))
    os.utime(path, ns=(old, old))
    assert ids(mini_kb, "kidney", index_dir=where) == ["widgetol-bladder-damage"]
