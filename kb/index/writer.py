"""Writing the search index: a full build, or an update of only what changed.

Entry files are parsed here (through kb.entries.loading) and nowhere else on the search path. When a
subject or source changes, the facts that use it are re-indexed from their stored records,
without parsing their files again.

Failures (kb.index.whooshwriters): a full build is written into a folder of its own, removed
when anything goes wrong. An update writes into the live generation, so it is a transaction:
the previous files stay until the manifest lists the new ones; a failed or killed update
leaves files the manifest does not list, and removing them (`discard_debris`) gives back the
previous index, intact. Writers are always cancelled without hiding the error that stopped
them. An entry file that vanishes while it is indexed counts as removed, not as invalid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from kb.index.fields import fact_document, fact_record, record_from_stored, thesaurus_record
from kb.index.scan import RACY_NS, Changes, Counts, Stat, kind_of
from kb.index.store import Manifest


def _read(root: Path, relpath: str, kind: str, manifest: Manifest) -> dict[str, Any] | None:
    """An entry's table when it is valid; else None, and the reason kept in the manifest."""
    from kb.entries.loading import read_entry
    from kb.entries.problems import Severity

    entry = read_entry(root / relpath, kind)
    manifest.problems.pop(relpath, None)
    if entry.ok and entry.data is not None:
        return entry.data
    if entry.data is None and not os.path.lexists(root / relpath):
        return None  # deleted since the KB was scanned: removed, not invalid
    errors = [p for p in entry.problems if p.severity is Severity.ERROR] or list(entry.problems)
    manifest.problems[relpath] = str(errors[0]) if errors else f"{relpath}: unreadable"
    return None


def _racy(
    root: Path, files: dict[str, Stat], paths: Iterable[str], since_ns: int, manifest: Manifest
) -> None:
    """Remember a checksum of files too recently modified for their mtime to be trusted.
    Called before the files are read, so a later edit is always noticed."""
    for path in paths:
        manifest.racy.pop(path, None)
        if files[path][1] >= since_ns - RACY_NS:
            try:
                manifest.racy[path] = zlib.crc32((root / path).read_bytes())
            except OSError:
                continue


def _settings(root: Path, manifest: Manifest) -> None:
    from kb.entries.loading import read_settings

    settings = read_settings(root)
    manifest.topics, manifest.statuses = list(settings.topics), list(settings.statuses)
    manifest.reliability_levels = list(settings.reliability_levels)
    manifest.thesaurus = thesaurus_record(settings.thesaurus)
    manifest.status_display = settings.status_display()


def _subject(data: dict[str, Any], path: str) -> dict[str, Any]:
    return {"path": path, "name": data["name"], "aliases": list(data.get("aliases") or ())}


def _source(data: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "path": path,
        "title": data["title"],
        "publisher": data["publisher"],
        "reliability": data["reliability"],
    }


_TABLES = {"subject": ("subjects", _subject), "source": ("sources", _source)}


def _refresh_table(root: Path, kind: str, manifest: Manifest, changes: Changes) -> set[str]:
    """Re-read changed subjects or sources; the ids whose information changed."""
    name, build = _TABLES[kind]
    table: dict[str, dict[str, Any]] = getattr(manifest, name)
    added, changed, removed = changes.of(kind)
    touched: set[str] = set()
    for path in removed | changed:
        manifest.problems.pop(path, None)
        for entry_id in [i for i, record in table.items() if record["path"] == path]:
            touched.add(entry_id)
            del table[entry_id]
    for path in sorted(added | changed):
        data = _read(root, path, kind, manifest)
        if data is not None and data["id"] not in table:
            table[data["id"]] = build(data, path)
            touched.add(data["id"])
    return touched


def _fact_records(root: Path, paths: Iterable[str], manifest: Manifest) -> Iterable[dict[str, Any]]:
    from kb.entries.models import fact_from_dict

    default_status = manifest.statuses[0] if manifest.statuses else None  # kb.toml's first
    for path in paths:
        data = _read(root, path, "fact", manifest)
        if data is not None:
            yield fact_record(fact_from_dict(data, None, default_status), path)


def build_all(
    ix: Any, root: Path, files: dict[str, Stat], started_ns: int, procs: int = 1
) -> tuple[Manifest, Counts]:
    """Index every fact of the KB into an empty index."""
    manifest = Manifest(files=dict(files))
    _racy(root, files, files, started_ns, manifest)
    _settings(root, manifest)
    everything = Changes()
    for path in files:
        everything.added.setdefault(kind_of(path), set()).add(path)
    for kind in _TABLES:
        _refresh_table(root, kind, manifest, everything)
    facts = sorted(everything.of("fact")[0])
    writer = _build_writer(ix, procs)
    seen: set[str] = set()
    try:
        for record in _fact_records(root, facts, manifest):
            if record["id"] in seen:
                continue
            seen.add(record["id"])
            writer.add_document(**fact_document(record, manifest.subjects, manifest.sources))
        writer.commit()
    except BaseException:
        cancel(writer)
        raise
    if ix.doc_count() != len(seen):  # never publish an index that silently lacks facts
        raise ChildProcessError(
            f"the index build lost facts ({ix.doc_count()} of {len(seen)} indexed)"
        )
    manifest.facts = len(seen)
    return manifest, Counts(added=len(seen))


def _build_writer(ix: Any, procs: int) -> Any:
    if procs <= 1:
        return ix.writer(limitmb=128)
    from kb.index.whooshwriters import GuardedMpWriter

    return GuardedMpWriter(ix, procs=procs, limitmb=128, multisegment=True)


def cancel(writer: Any) -> None:
    """Cancel a writer after an error, without hiding that error: a writer whose commit failed
    is already closed, and cancelling it again would raise "This writer is closed"."""
    with contextlib.suppress(Exception):
        writer.cancel()
    stop = getattr(writer, "stop_tasks", None)  # sub-writer processes, whatever happened
    if stop is not None:
        with contextlib.suppress(Exception):
            stop()


def discard_debris(directory: Path, keep: Mapping[str, Any]) -> bool:
    """Remove the files of a generation that its manifest does not list (`keep`: its
    index_files), left by an update that failed or was killed; whether all went."""
    from kb.index.store import not_whoosh

    clean = True
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    for name in names:
        if name in keep or (not_whoosh(name) and not name.startswith(".")):
            continue  # kb's own files stay; temporary files of a killed write go
        path = directory / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            clean = False
    return clean


def apply_changes(
    ix: Any,
    root: Path,
    manifest: Manifest,
    files: dict[str, Stat],
    changes: Changes,
    started_ns: int,
    save: Callable[[frozenset[str]], None],
) -> Counts:
    """Update the index and the manifest (in place) for the changed files only, as one
    transaction (see the module): `save(dropping)` writes the manifest, listing the index
    files but `dropping` (what the previous generation used and the new one does not).
    Whatever goes wrong, the previous index is left as it was, and the error raised."""
    counts = Counts()
    added, changed, removed = changes.of("fact")
    to_read = set().union(*changes.added.values(), *changes.changed.values())
    _racy(root, files, to_read | (manifest.racy.keys() & files.keys()), started_ns, manifest)
    for path in set().union(*changes.removed.values()):
        manifest.racy.pop(path, None)
        manifest.problems.pop(path, None)
    if changes.of("kb") != (set(), set(), set()):
        _settings(root, manifest)
    touched = {kind: _refresh_table(root, kind, manifest, changes) for kind in _TABLES}
    stale = _affected(ix, touched, added | changed | removed)
    from kb.index.livestats import current_record, read_record, record_deletions
    from kb.index.whooshwriters import UpdateWriter

    directory, previous = Path(ix.storage.folder), dict(manifest.index_files)
    old_record = current_record(directory)
    known = read_record(ix, directory, old_record)
    writer = None
    try:
        writer = UpdateWriter(ix, _lk=False)  # the caller holds kb's writer lock
        for path in removed | changed:
            writer.delete_by_term("path", path)
        counts.removed = len(removed)
        for record in _fact_records(root, sorted(added | changed), manifest):
            writer.update_document(**fact_document(record, manifest.subjects, manifest.sources))
            counts.added += record["path"] in added
            counts.updated += record["path"] in changed
        counts.removed += len(changed) - counts.updated
        for record in stale:
            writer.update_document(**fact_document(record, manifest.subjects, manifest.sources))
        counts.updated += len(stale)
        writer.commit()
        manifest.files = dict(files)
        manifest.facts = ix.doc_count()
        record_name = record_deletions(ix, directory, known)  # kb.index.livestats
        old_records = {old_record} - {record_name} if old_record is not None else set()
        save(writer.doomed | old_records)
    except BaseException:
        if writer is not None:
            cancel(writer)
        manifest.index_files = previous
        discard_debris(directory, previous)
        raise
    with contextlib.suppress(OSError):  # what is left is removed with the next update's debris
        writer.clean()
        for name in old_records:
            (directory / name).unlink()
    return counts


def _affected(ix: Any, touched: dict[str, set[str]], skip: set[str]) -> list[dict[str, Any]]:
    """Stored records of the facts that use a changed subject or source."""
    import json

    records: dict[str, dict[str, Any]] = {}
    with ix.searcher() as searcher:
        for field, ids in (("subject_id", touched["subject"]), ("source_id", touched["source"])):
            for entry_id in ids:
                for stored in searcher.documents(**{field: entry_id}):
                    if stored["path"] not in skip:
                        records[stored["path"]] = record_from_stored(json.loads(stored["data"]))
    return [records[path] for path in sorted(records)]
