"""Opening the search index: always fresh, rebuilt when damaged, in memory when unwritable.

The fast path takes no lock and writes nothing: read the marker and the manifest, find out
what changed, check the Whoosh files' sizes and mtimes, open. What changed is asked of
watchman when it watches the KB (kb.index.watching: nothing to walk), else found by a walk of
the KB (one stat per file) compared with the manifest's file listing. Anything else happens
under the writer lock, after checking again (another process may have done the work
meanwhile): update only the changed documents, or build a new generation from scratch in a
temporary directory and rename it into place.

Annotations here are evaluated, not strings (no `from __future__ import annotations`): a
NamedTuple turns string annotations into ForwardRefs, compiling each (~1 ms per search).
"""

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kb.core.errors import IndexUnavailableError
from kb.index.damage import IndexDamaged, damage_errors, describe, unusable
from kb.index.fields import schema
from kb.index.scan import (
    RACY_NS,
    Counts,
    Listing,
    diff,
    listing,
    now_ns,
    racy_changed,
    scan,
)
from kb.index.store import Manifest, Store, fingerprint

# kb.index.writer (and through it entry parsing) is imported only to update or build.

if TYPE_CHECKING:
    from kb.index.watching import Watcher

WAIT_WITH_INDEX = 10.0  # seconds to wait for another writer before searching the old index
WAIT_WITHOUT_INDEX = 300.0  # ... when there is no index yet (another process is building it)
MULTIPROCESS_FROM = 10_000  # full builds of at least this many facts use two processes

if TYPE_CHECKING:
    from kb.index.lock import Locked

Notify = Callable[[str], None]


class Report:
    """What opening the index took."""

    def __init__(
        self,
        counts: Counts,
        facts: int,
        seconds: float,
        rebuilt: bool,
        location: str,
        in_memory: bool = False,
    ) -> None:
        self.counts, self.facts, self.seconds = counts, facts, seconds
        self.rebuilt, self.location, self.in_memory = rebuilt, location, in_memory
        self.problems: list[str] = []  # entries skipped as invalid
        # "answered" when watchman said what changed (no walk); "off" when not asked; else
        # why the KB was walked instead (kb.index.watching)
        self.watchman = "off"

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.counts.added or self.counts.updated or self.counts.removed)


class Opened(NamedTuple):
    index: Any  # a whoosh.index.Index
    manifest: Manifest
    report: Report

    def searcher(self) -> Any:
        """A searcher scoring as Whoosh's BM25F does, with each field's lengths read once
        (kb.index.scoring) and the statistics of the live documents only, so an index updated
        edit by edit ranks as a fresh build would (kb.index.livestats)."""
        from kb.index.livestats import searcher
        from kb.index.scoring import weighting

        return searcher(self.index, weighting=weighting())


def _open_generation(store: Store, generation: str) -> Any:
    """Open a generation for searching (and updating). Without mmap: Whoosh copies each
    memory-mapped segment's postings and term index into memory when a searcher opens it
    (240 MB at 100k facts); read through the file instead, it touches only the blocks a query
    needs (docs/performance.md)."""
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(store.dir / generation), supports_mmap=False)
    return storage.open_index(schema=schema())


class Walk(NamedTuple):
    """A walk of the KB (kb.index.scan.listing) and when it started."""

    started_ns: int
    listing: Listing


def _fresh(store: Store, started: float) -> tuple[Opened | None, Walk | None]:
    """The index when it is complete and up to date, without locking or writing, else None;
    and the walk of the KB made to find out, if any, for an update to reuse."""
    generation, _ = store.generation()
    if generation is None:
        return None, None
    walk = None
    try:
        manifest = store.read_manifest(generation)
        walk = Walk(now_ns(), listing(store.root))
        if walk.listing != manifest.listing():
            return None, walk
        # Files too recent to trust by mtime are compared by content; once they are old enough
        # the list is cleared at the next update (rewriting the manifest just for that would
        # cost a search at 100k facts a second).
        if manifest.racy and racy_changed(store.root, manifest):
            return None, walk
        if fingerprint(store.dir / generation) != manifest.index_files:
            return None, walk
        index = _open_generation(store, generation)
    except damage_errors():
        return None, walk
    return Opened(index, manifest, _report(Counts(), manifest, started, False, store)), walk


def _fresh_watched(store: Store, started: float, watcher: "Watcher") -> Opened | None:
    """The index when watchman says no KB file changed since the clock saved with it, without
    locking or writing (but to save a newer clock now and then). When it reports changes, they
    are left in `watcher.answer` for an update under the lock."""
    generation, _ = store.generation()
    if generation is None:
        return None
    answer = watcher.ask(generation)
    if answer is None:
        return None
    if answer.changes:
        watcher.answer = answer
        return None
    try:
        manifest = store.read_manifest(generation)
        if fingerprint(store.dir / generation) != manifest.index_files:
            return None
        index = _open_generation(store, generation)
    except damage_errors():
        return None
    watcher.save_unlocked(manifest)
    return Opened(index, manifest, _report(Counts(), manifest, started, False, store))


def _update_watched(store: Store, started: float, watcher: "Watcher") -> Opened | None:
    """Under the lock: ask watchman again (another process may have updated the index
    meanwhile) and update just the files it reports. None when it cannot say (then walk)."""
    from kb.index.watching import LinkFound, changed_files
    from kb.index.writer import apply_changes, discard_debris

    generation, _ = store.generation()
    if generation is None:
        return None
    answer = watcher.ask(generation)
    if answer is None:
        return None
    directory = store.dir / generation
    manifest = store.read_manifest(generation)
    discard_debris(directory, manifest.index_files)  # of an update that failed or was killed
    if fingerprint(directory) != manifest.index_files:
        raise IndexDamaged("index files truncated, changed or deleted")
    index = _open_generation(store, generation)
    scan_ns = now_ns()
    try:
        changes, files = changed_files(str(store.root), answer, manifest.files)
    except LinkFound:
        watcher.links()
        return None
    counts = Counts()
    if changes:

        def save(dropping: frozenset[str]) -> None:
            store.write_manifest(directory, manifest, dropping)

        counts = apply_changes(index, store.root, manifest, files, changes, scan_ns, save)
    watcher.moved_on(answer)
    return Opened(index, manifest, _report(counts, manifest, started, False, store))


def _report(
    counts: Counts, manifest: Manifest, started: float, rebuilt: bool, store: Store
) -> Report:
    return Report(counts, manifest.facts, time.perf_counter() - started, rebuilt, str(store.dir))


def _update(store: Store, started: float, walk: Walk | None) -> Opened | None:
    """Under the lock: bring the live generation up to date with the KB as `walk` saw it (or
    as it is now). None when there is none yet; IndexDamaged (or what Whoosh raises) when it
    cannot be used. (An older walk is safe: the manifest records what was indexed, and what
    changed since is seen by the next search.)"""
    from kb.index.writer import apply_changes, discard_debris

    generation, why = store.generation()
    if generation is None:
        if why is None:
            return None
        raise IndexDamaged(why)
    directory = store.dir / generation
    manifest = store.read_manifest(generation)
    discard_debris(directory, manifest.index_files)  # of an update that failed or was killed
    if fingerprint(directory) != manifest.index_files:
        raise IndexDamaged("index files truncated, changed or deleted")
    index = _open_generation(store, generation)
    if walk is None:
        walk = Walk(now_ns(), listing(store.root))
    scan_ns, files = walk.started_ns, walk.listing.as_dict()
    suspect = racy_changed(store.root, manifest) if manifest.racy else frozenset()
    changes = diff(manifest.files, files, suspect)
    if not changes:
        # The same files, but listed in another order (a file renamed away and back on a file
        # system such as tmpfs): save the walk's order, or every search would come here.
        reordered = walk.listing != manifest.listing()
        expired = bool(manifest.racy) and _racy_expired(manifest, scan_ns)
        if reordered or expired:
            if expired:
                manifest.racy = {}
            manifest.files = files
            try:
                store.write_manifest(directory, manifest)
            except OSError:  # the index is fine as it is: try again next time
                discard_debris(directory, manifest.index_files)
        return Opened(index, manifest, _report(Counts(), manifest, started, False, store))

    def save(dropping: frozenset[str]) -> None:
        store.write_manifest(directory, manifest, dropping)

    counts = apply_changes(index, store.root, manifest, files, changes, scan_ns, save)
    return Opened(index, manifest, _report(counts, manifest, started, False, store))


def _racy_expired(manifest: Manifest, scan_ns: int) -> bool:
    return all(
        manifest.files[p][1] < scan_ns - RACY_NS for p in manifest.racy if p in manifest.files
    )


def _build(store: Store, started: float) -> Opened:
    """Under the lock: a new generation from scratch, renamed into place when complete."""
    from whoosh.filedb.filestore import FileStorage

    from kb.index.writer import build_all

    build_dir = store.new_build_dir()
    try:
        scan_ns = now_ns()
        files = scan(store.root)
        index = FileStorage(str(build_dir)).create_index(schema())
        facts = sum(1 for p in files if p.startswith("facts/"))
        procs = 2 if facts >= MULTIPROCESS_FROM and (os.cpu_count() or 1) > 1 else 1
        manifest, counts = build_all(index, store.root, files, scan_ns, procs)
        store.write_manifest(build_dir, manifest)
        generation = store.publish(build_dir)
    except BaseException:
        import shutil

        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    index = _open_generation(store, generation)
    return Opened(index, manifest, _report(counts, manifest, started, True, store))


def in_memory(root: Path, started: float, location: str) -> Opened:
    """A complete index in RAM, for when the index directory cannot be written."""
    from whoosh.filedb.filestore import RamStorage

    from kb.index.writer import build_all

    index = RamStorage().create_index(schema())
    manifest, counts = build_all(index, root, scan(root), now_ns())
    report = Report(
        counts, manifest.facts, time.perf_counter() - started, True, location, in_memory=True
    )
    return Opened(index, manifest, report)


def rebuild_notice(store: Store, reason: str) -> str:
    return f"rebuilding the search index in {store.dir} ({reason})"


def open_index(
    root: Path,
    index_dir: str | os.PathLike[str] | None = None,
    *,
    cache_home: Path | None = None,
    rebuild: bool = False,
    verify: bool = False,
    damaged: str | None = None,
    notify: Notify = lambda text: None,
    strict: bool = False,
    watchman: bool = False,
) -> Opened:
    """The search index of the KB at `root`, up to date with its files.

    The index lives in `index_dir` when given, else under `cache_home` (kb.index.store).
    `rebuild` builds a new one whatever the state of the old (`damaged`: why, for the notice);
    `verify` skips the lock-free fast path (used after a search failed on an index that
    looked fine). When the index cannot be written, or another process holds the writer lock
    too long, a search goes on (an index in memory, or the one there is, with a notice);
    with `strict` (`kb index`, whose job is writing it) that is an IndexUnavailableError.
    `watchman`: ask watchman what changed when it can say (kb.index.watching) instead of
    walking the KB; it is started and told to watch the KB on first use."""
    started = time.perf_counter()
    store = Store(root, index_dir, cache_home)
    store.check_ours()
    if damaged is not None:
        notify(rebuild_notice(store, damaged))
    watcher = None
    if watchman:
        from kb.index.watching import Watcher

        watcher = Watcher(store)
    try:
        opened = _open(
            store, started, rebuild, verify, notify, watcher, damaged is not None, strict
        )
    finally:
        if watcher is not None:
            watcher.close()
    if watcher is not None:
        opened.report.watchman = watcher.note
    return opened


def _open(
    store: Store,
    started: float,
    rebuild: bool,
    verify: bool,
    notify: Notify,
    watcher: "Watcher | None",
    damaged: bool,
    strict: bool,
) -> Opened:
    walk = None
    if not rebuild and not verify:
        if watcher is not None:
            opened = _fresh_watched(store, started, watcher)
            if opened is not None:
                return opened
        if watcher is None or watcher.answer is None:
            if watcher is not None:
                watcher.prepare()  # watchman's clock, taken before the walk
            opened, walk = _fresh(store, started)
            if opened is not None:
                if watcher is not None:
                    watcher.save_unlocked(opened.manifest)
                return opened
    try:
        existing = store.generation()[0] is not None
        wait = WAIT_WITH_INDEX if existing else WAIT_WITHOUT_INDEX
        with store.lock(wait) as got:
            if got:
                store.clean(keep=store.generation()[0])  # builds that were killed or failed
                return _locked(store, started, rebuild, notify, walk, damaged, watcher)
    except OSError as error:
        if not _cannot_write(error):
            raise unusable(error) from None
        if strict:
            raise IndexUnavailableError(
                f"cannot write the search index in {store.dir}: {describe(error)}"
            ) from None
        return _unwritable(store, started, error, notify)
    if strict:
        raise IndexUnavailableError(
            f"{got.who()} holds the search index lock in {store.dir}; nothing was "
            f"{'rebuilt' if rebuild else 'updated'} (try again when it is done)"
        )
    return _stale(store, started, notify, got)


def _locked(
    store: Store,
    started: float,
    rebuild: bool,
    notify: Notify,
    walk: Walk | None,
    damaged: bool,
    watcher: "Watcher | None" = None,
) -> Opened:
    if not rebuild:
        try:
            opened = None
            if watcher is not None and watcher.answer is not None:
                opened = _update_watched(store, started, watcher)
            if opened is None:
                if watcher is not None and not watcher.prepared:
                    watcher.prepare()  # its clock must come before the walk
                    walk = None
                opened = _update(store, started, walk)
        except damage_errors() as error:
            if isinstance(error, OSError) and _cannot_write(error):
                raise
            notify(rebuild_notice(store, describe(error)))
            damaged = True
        else:
            if opened is not None:
                if watcher is not None:
                    watcher.save(store.generation()[0])
                return opened
    if damaged:  # of no use to anyone: its room for the new one (a disk with room for one)
        store.clean(keep=None)
    if watcher is not None:
        watcher.prepare()  # before the build's walk (nothing when done already)
    opened = _build(store, started)
    if watcher is not None:
        watcher.save(store.generation()[0])
    return opened


def _cannot_write(error: OSError) -> bool:
    """An error of writing (a full disk, a file-size limit, too few file descriptors, a
    read-only or forbidden directory, a writer process that failed...), rather than of a
    missing index file (which a rebuild mends)."""
    import errno

    return error.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR)


def _unwritable(store: Store, started: float, error: OSError, notify: Notify) -> Opened:
    notify(
        f"cannot write the search index in {store.dir} ({describe(error)}); "
        "searching an in-memory index instead"
    )
    return in_memory(store.root, started, str(store.dir))


def _stale(store: Store, started: float, notify: Notify, locked: "Locked") -> Opened:
    """Another process held the writer lock too long (or is dead, and something it left holds
    it): search what is there, or build in RAM."""
    who = locked.who()
    if locked.dead_holder:
        who += " (no longer running: something it left behind holds the lock)"
    generation, _ = store.generation()
    if generation is not None:
        try:
            manifest = store.read_manifest(generation)
            index = _open_generation(store, generation)
        except damage_errors():
            pass
        else:
            notify(
                f"{who} is updating the search index; results may miss the latest edits"
                if not locked.dead_holder
                else f"the search index is locked by {who}; results may miss the latest edits"
            )
            return Opened(index, manifest, _report(Counts(), manifest, started, False, store))
    notify(
        f"{who} is building the search index; searching an in-memory index"
        if not locked.dead_holder
        else f"the search index is locked by {who}; searching an in-memory index"
    )
    return in_memory(store.root, started, str(store.dir))
