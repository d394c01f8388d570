"""kb.index.watching in-process: what a watched search reads and writes, and how watchman's
reports become the changes kb's walk would see. (The whole flow through `kb` processes, with
restarts and failures: tests/cli/test_search_watchman.py.)"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.index import watching
from kb.index.opening import open_index
from kb.index.scan import scan
from kb.index.store import WATCH_STATE, Store, WatchState
from kb.index.watching import LinkFound, changed_files
from kb.index.watchman import Change, Since
from tests.conftest import MINI_KB
from tests.watchmanserver import Server, private_server


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    with private_server() as running:
        running.wrapper(tmp_path / "bin")
        monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
        yield running


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    return root


def opened(root: Path, tmp_path: Path, **options: object) -> tuple[str, list[str]]:
    notices: list[str] = []
    result = open_index(
        root,
        tmp_path / "index",
        notify=notices.append,
        watchman=True,
        **options,  # type: ignore[arg-type]
    )
    return result.report.watchman, notices


def generation(root: Path, tmp_path: Path) -> Path:
    store = Store(root, tmp_path / "index")
    name = store.generation()[0]
    assert name is not None
    return store.dir / name


def test_nothing_changed_reads_neither_the_listing_nor_the_kb(
    server: Server, kb: Path, tmp_path: Path
) -> None:
    """The listing is read only by a walk: junk in it goes unnoticed while watchman answers,
    and is a damaged index (rebuilt) as soon as the KB is walked."""
    assert opened(kb, tmp_path)[0].startswith("not watching this KB yet")
    (listing,) = generation(kb, tmp_path).glob("files-*.marshal")
    listing.write_bytes(b"junk")
    assert opened(kb, tmp_path) == ("answered", [])
    notices: list[str] = []
    open_index(kb, tmp_path / "index", notify=notices.append, watchman=False)
    assert len(notices) == 1 and "rebuilding" in notices[0]


def test_the_listing_after_watched_updates_is_the_walks(
    server: Server, kb: Path, tmp_path: Path
) -> None:
    opened(kb, tmp_path)
    core = kb / "facts" / "core"
    (core / "widgetol-schedule-iv.toml").unlink()
    (kb / "facts" / "new").mkdir()
    (core / "gadgetine-stronger.toml").rename(kb / "facts" / "new" / "gadgetine-stronger.toml")
    bladder = core / "widgetol-bladder-damage.toml"
    bladder.write_text(bladder.read_text().replace("can harm", "can ruin"))
    assert opened(kb, tmp_path)[0] == "answered"
    store = Store(kb, tmp_path / "index")
    manifest = store.read_manifest(generation(kb, tmp_path).name)
    assert manifest.files == scan(store.root)
    assert manifest.facts == 4


def test_the_new_clock_is_saved_last(server: Server, kb: Path, tmp_path: Path) -> None:
    opened(kb, tmp_path)
    state = generation(kb, tmp_path) / WATCH_STATE
    before = WatchState.loads(state.read_bytes())
    assert before is not None and before.usable()
    assert opened(kb, tmp_path)[0] == "answered"
    assert WatchState.loads(state.read_bytes()).clock == before.clock  # type: ignore[union-attr]
    bladder = kb / "facts" / "core" / "widgetol-bladder-damage.toml"
    bladder.write_text(bladder.read_text().replace("can harm", "can ruin"))
    assert opened(kb, tmp_path)[0] == "answered"
    after = WatchState.loads(state.read_bytes())
    assert after is not None and after.clock != before.clock


def test_a_network_file_system_is_walked_without_asking(
    server: Server, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kb.index.watchman.network_filesystem", lambda path: "nfs4")
    note, _ = opened(kb, tmp_path)
    assert note.startswith("network file system (nfs4)")
    assert not (generation(kb, tmp_path) / WATCH_STATE).exists()
    with server.client() as client:
        assert client.command("watch-list")["roots"] == []


def test_a_clock_older_than_an_hour_is_moved_on(
    server: Server, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """watchman forgets deleted files after about half a day; a clock older than that is a
    fresh instance (a walk): the clock of an unchanged KB is saved again now and then."""
    opened(kb, tmp_path)
    path = generation(kb, tmp_path) / WATCH_STATE
    state = WatchState.loads(path.read_bytes())
    assert state is not None
    state.saved -= watching.REFRESH_AFTER + 1
    path.write_bytes(state.dumps())
    assert opened(kb, tmp_path)[0] == "answered"
    newer = WatchState.loads(path.read_bytes())
    assert newer is not None and newer.saved > state.saved and newer.clock != state.clock


@pytest.mark.parametrize(
    "raw",
    [b"", b"junk", b"[]", b'{"clock": 5}', b'{"saved": "yesterday"}', b'{"unknown": 1}'],
)
def test_a_garbled_state_is_no_state(raw: bytes) -> None:
    assert WatchState.loads(raw) is None


# --- changed_files: watchman's reports as kb's walk sees them --------------------------------


def since(*names: str) -> Since:
    return Since("c:1", False, 0, None, [Change(name, True, "f", 0, 0) for name in names])


def test_reported_files_become_additions_changes_and_removals(kb: Path) -> None:
    before = scan(kb)
    gone = "facts/core/widgetol-schedule-iv.toml"
    (kb / gone).unlink()
    new = "facts/deep/er/gadgetine-new.toml"
    (kb / new).parent.mkdir(parents=True)
    (kb / new).write_text('id = "gadgetine-new"\n')
    same = "facts/core/gadgetine-stronger.toml"  # unchanged on disk: an edit in place
    changes, files = changed_files(str(kb), since(gone, new, same, "kb.toml"), before)
    assert changes.removed == {"fact": {gone}}
    assert changes.added == {"fact": {new}}
    assert changes.changed == {"fact": {same}, "kb": {"kb.toml"}}
    assert files == scan(kb)
    assert list(files)[-1] == new  # new files last, the others keep their place


def test_what_the_walk_does_not_take_is_absent(kb: Path) -> None:
    before = scan(kb)
    core = kb / "facts" / "core"
    (core / "folder.toml").mkdir()  # a folder named like an entry
    outside = kb.parent / "outside"
    outside.mkdir()
    (outside / "x.toml").write_text("")
    (core / "linked").symlink_to(outside)  # a linked folder is not entered
    names = [
        "facts/core/folder.toml",
        "facts/core/linked/x.toml",
        "facts/core/WIDGETOL-BLADDER-DAMAGE.toml",  # another case: another name here
        "facts/core/.hidden.toml",
        "notes/x.toml",
    ]
    changes, files = changed_files(str(kb), since(*names), before)
    assert not changes and files == before


def test_a_symbolic_link_sends_to_the_walk(kb: Path) -> None:
    core = kb / "facts" / "core"
    (core / "alias.toml").symlink_to(core / "gadgetine-stronger.toml")
    with pytest.raises(LinkFound):
        changed_files(str(kb), since("facts/core/alias.toml"), scan(kb))
