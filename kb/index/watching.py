"""Asking watchman what changed instead of walking the KB (kb.index.watchman is the client).

The index's generation keeps, in watch.json (kb.index.store.WatchState), the clock of a
watchman watch on the KB such that every change before it is in the index. A search asks
watchman which KB files changed since that clock, with a cookie sync, so that every write
finished before the search started is included:

- nothing changed: the index is fresh, without a walk (`ask`);
- some files changed: under the writer lock, ask again (another process may have moved the
  clock on meanwhile), stat just those files and update just them (`changed_files`), then save
  the new clock last;
- watchman cannot answer for the clock (not running, a fresh instance: restarted or the watch
  was recreated; a new recrawl: it lost events; an error): walk, as without watchman. Before
  the walk, `prepare` makes sure watchman watches the KB (starting the server and watching the
  project on first use, as git's fsmonitor hook does) and takes the clock to save once the
  walk's result is in the index. A clock taken before the walk can only make a later search
  re-index a file that changed during the walk, never miss one.

Never asked (the KB is walked): on a network file system, whose changes made by other machines
raise no events here; when some entry is a symbolic link (a change to its target is not
reported under its name) or a top-level folder is one; on Windows. A watchman that fails or
times out, or a KB it cannot put its cookie in (read-only), is left alone for BROKEN_FOR
seconds, so that it costs nothing but a walk meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import stat as stat_mode
import sys
import time
from typing import TYPE_CHECKING

from kb.entries.kinds import FOLDERS, SETTINGS_FILE, kind_at
from kb.entries.walk import changed_at
from kb.index.scan import Changes, Stat
from kb.index.store import Store, WatchState
from kb.index.watchman import Client, Since, WatchmanError, WatchmanTimeout

if TYPE_CHECKING:
    from kb.index.store import Manifest

QUERY_TIMEOUT = 2.0  # seconds: one command when the server is known to run
SETUP_TIMEOUT = 10.0  # seconds: starting the server, a first watch of a big KB (~1 s at 100k)
SYNC_MS = 1000  # how long watchman may take to see its cookie (every earlier write)
BROKEN_FOR = 300.0  # seconds a failing watchman is left alone
REFRESH_AFTER = 3600.0  # seconds: save a newer clock when nothing changed for this long
# (watchman forgets deleted files after about half a day: a clock older than that is a fresh
# instance, and costs a walk)

_TOP = (SETTINGS_FILE, *FOLDERS.values())


class Watcher:
    """One opening of the index's use of watchman: what it asked, and what to save."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.root = str(store.root)
        self.client: Client | None = None
        self.answer: Since | None = None  # `since` reported changes: update under the lock
        self.to_save: WatchState | None = None  # a clock (or a failure) to save with the index
        self.prepared = False  # `prepare` was called, or must not be (it runs at most once)
        self.note = "not asked"  # "answered", or why the KB was walked (for the report)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    # ---- asking since the saved clock -----------------------------------------------------

    def ask(self, generation: str) -> Since | None:
        """What changed since the generation's saved clock; None when that cannot replace a
        walk (`note` says why; a failure to remember is in `to_save`)."""
        state = self.store.read_watch_state(generation)
        if state is None:
            self.note = "not watching this KB yet"
            return None
        if state.broken_until > time.time():
            self.note = f"{state.why or 'failed'} (asked again after {_clock(state)})"
            self.prepared = True  # nothing to prepare: it is left alone until then
            return None
        if not state.usable():
            self.note = "not watching this KB yet"
            return None
        if _top_level_link(self.root):
            self.note = "a top-level entry folder is a symbolic link"
            self.prepared = True
            return None
        try:
            if self.client is None:
                self.client = Client(state.sockname or "", QUERY_TIMEOUT)
            answer = self.client.since(
                state.watch or "", state.relative, state.clock or "", SYNC_MS
            )
            _still_sound(self.client, state.watch or "")
        except WatchmanTimeout as error:
            self._failed(error, state)
            self.prepared = True  # asking again would cost the timeout again
            return None
        except WatchmanError as error:
            self.close()
            self.note = f"watchman: {error.reason}"
            return None
        why = answer.reason_to_walk(state.recrawls)
        if why is not None:
            self.note = why
            return None
        if any(change.type == "l" for change in answer.changes):
            self._failed("symbolic links among the entries", state)
            self.prepared = True
            return None
        self.note = "answered"
        if not answer.changes and time.time() - state.saved > REFRESH_AFTER:
            self.to_save = _moved_on(state, answer)
        return answer

    # ---- before a walk --------------------------------------------------------------------

    def prepare(self) -> None:
        """Before a walk: watch the KB (first use) and take watchman's clock, to save once the
        walk's result is in the index (`to_save`); or note why watchman is not used."""
        if self.prepared:
            return
        self.prepared = True
        if sys.platform == "win32":
            self.note = "not used on Windows"
            return
        from kb.index.watchman import network_filesystem

        kind = network_filesystem(self.root)
        if kind is not None:
            self.note = f"network file system ({kind}): changes from other machines raise no events"
            return
        if _top_level_link(self.root):
            self.note = "a top-level entry folder is a symbolic link"
            return
        generation = self.store.generation()[0]
        saved = self.store.read_watch_state(generation) if generation else None
        try:
            self._connect(saved)
            if self.client is None:
                self.note = "watchman is not installed"
                if saved is not None:  # it was: forget its socket
                    self.to_save = WatchState(broken_until=time.time() + BROKEN_FOR, why=self.note)
                return
            watch, relative = self.client.watch_project(self.root)
            answer = self.client.symlinks(watch, relative, SYNC_MS)
            _still_sound(self.client, watch)
        except WatchmanError as error:
            self._failed(error, saved)
            return
        if answer.changes:
            self._failed("symbolic links among the entries", saved)
            return
        sockname = self.client.sockname
        self.to_save = WatchState(
            sockname, watch, relative, answer.clock, answer.recrawls, saved=time.time()
        )
        if saved is None or not saved.usable():
            self.note = "not watching this KB yet: watching it now"
        elif self.note == "not asked":
            self.note = "not asked: the KB was walked (a rebuild, or a check of the index)"

    def _connect(self, saved: WatchState | None) -> None:
        """A connection to the saved socket, else to the one `watchman get-sockname` gives
        (starting the server); no client when there is no watchman program."""
        if self.client is not None:
            return
        if saved is not None and saved.sockname:
            try:
                self.client = Client(saved.sockname, QUERY_TIMEOUT)
                return
            except WatchmanTimeout:
                raise
            except WatchmanError:
                pass  # not running any more: get-sockname starts it again
        import shutil

        if shutil.which("watchman") is None:
            return
        from kb.index.watchman import find_socket

        self.client = Client(find_socket(timeout=SETUP_TIMEOUT), SETUP_TIMEOUT)

    def links(self) -> None:
        """A changed entry is a symbolic link: walk, and leave watchman alone for a while."""
        generation = self.store.generation()[0]
        self._failed(
            "symbolic links among the entries",
            self.store.read_watch_state(generation) if generation else None,
        )
        self.prepared = True

    def _failed(self, error: WatchmanError | str, saved: WatchState | None) -> None:
        """Remember a failure for BROKEN_FOR seconds (saved with the index)."""
        self.close()
        why = error if isinstance(error, str) else f"watchman: {error.reason}"
        self.note = why
        self.to_save = WatchState(
            saved.sockname if saved else None, broken_until=time.time() + BROKEN_FOR, why=why
        )

    # ---- saving ---------------------------------------------------------------------------

    def moved_on(self, answer: Since) -> None:
        """The index now holds every change up to `answer`'s clock: save it (`save`)."""
        generation = self.store.generation()[0]
        saved = self.store.read_watch_state(generation) if generation else None
        if saved is not None:
            self.to_save = _moved_on(saved, answer)

    def save(self, generation: str | None) -> None:
        """Under the writer lock: save what there is to save with the live generation."""
        state, self.to_save = self.to_save, None
        if state is None or generation is None:
            return
        # an index directory that cannot be written: asked again next time
        with contextlib.suppress(OSError):
            self.store.write_watch_state(generation, state)

    def save_unlocked(self, manifest: Manifest) -> None:
        """Without the lock held: save with the generation whose manifest is `manifest`, if
        the writer lock is free and that manifest is still the live one (else another process
        is updating it, and what it saves is newer)."""
        if self.to_save is None:
            return
        try:
            with self.store.lock(0) as got:
                if not got:
                    return
                generation = self.store.generation()[0]
                if generation and self.store.manifest_stamp(generation) == manifest.stamp:
                    self.save(generation)
        except OSError:
            pass


def _still_sound(client: Client, watch: str) -> None:
    """One more command after an answer: WatchmanError if the server poisoned itself while
    answering. Past the inotify watch limit, watchman 4.9 can still answer the query during
    which it failed to watch new folders, without the files in them (seen in
    tests/unit/index/test_watchman.py::test_inotify_watch_limit), but fails every command
    after it."""
    client.clock(watch, 0)


def _moved_on(state: WatchState, answer: Since) -> WatchState:
    return WatchState(
        state.sockname,
        state.watch,
        state.relative,
        answer.clock,
        answer.recrawls,
        saved=time.time(),
    )


def _clock(state: WatchState) -> str:
    return time.strftime("%H:%M:%S", time.localtime(state.broken_until))


def _top_level_link(root: str) -> bool:
    """Whether kb.toml or an entry folder is a symbolic link (the walk follows those: a
    change below one is not reported by watchman, which does not)."""
    for name in _TOP:
        try:
            if stat_mode.S_ISLNK(os.lstat(os.path.join(root, name)).st_mode):
                return True
        except OSError:
            continue
    return False


class LinkFound(Exception):
    """A changed entry is a symbolic link: walk instead."""


def changed_files(
    root: str, answer: Since, before: dict[str, Stat]
) -> tuple[Changes, dict[str, Stat]]:
    """The changes watchman reported, as kb's walk would see them (kb.entries.walk: a name
    that is not a folder is a file; nothing through a linked folder; names in their exact
    case), and the listing `before` with them applied (in its order, new files last).
    Every reported file that exists counts as changed, even with its old size and mtime (an
    edit in place). LinkFound when one is a symbolic link."""
    files = dict(before)
    changes = Changes()
    folders: dict[str, set[str]] = {}
    for change in answer.changes:
        name = change.name
        kind = kind_at(name)
        if kind is None or any(part.startswith(".") for part in name.split("/")):
            continue  # not an entry (watchman's expression already leaves these out)
        now = _entry_stat(root, name, folders)
        known = name in files
        if now is None:
            if known:
                del files[name]
                changes.removed.setdefault(kind, set()).add(name)
            continue
        files[name] = now
        (changes.changed if known else changes.added).setdefault(kind, set()).add(name)
    return changes, files


def _entry_stat(root: str, name: str, folders: dict[str, set[str]]) -> Stat | None:
    path = os.path.join(root, *name.split("/"))
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat_mode.S_ISLNK(info.st_mode):
        raise LinkFound(name)
    if stat_mode.S_ISDIR(info.st_mode):
        return None
    if os.path.realpath(path) != path:
        return None  # reached through a linked folder, which the walk does not enter
    parent, base = os.path.split(path)
    names = folders.get(parent)
    if names is None:
        try:
            names = folders[parent] = set(os.listdir(parent))
        except OSError:
            return None
    if base not in names:
        return None  # the name in another case, on a case-insensitive file system
    return (info.st_size, changed_at(info))
