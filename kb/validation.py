"""`kb validate`: every problem of a KB at once, collected before deciding the exit code.

Per-file checks come from kb.loading.read_entry (encoding, size, TOML syntax, structure);
this module adds the cross-file rules: duplicate ids, references, vocabularies, quotes against
snapshots, checksums, and warnings about unused or copied content.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import UsageError
from kb.loading import KIND_DIRS, RawEntry, display_path, kind_of, kind_of_parts, read_entry
from kb.locate import SETTINGS_FILE
from kb.models import Settings, settings_from_dict
from kb.problems import ERROR, NOTICE, WARNING, Problem, problem
from kb.readpool import (
    PARALLEL_MIN,
    copied_quotes,
    parse_in_parallel,
    string_items,
    table_items,
)
from kb.snapshots import SnapshotStore, snapshots_dir
from kb.tomlpos import KeyPath, Positions

VOCABULARY_FIELDS = {
    "fact": (("topics", "topics"), ("status", "statuses")),
    "source": (("kind", "source_kinds"), ("reliability", "reliability_levels")),
    "subject": (("kind", "subject_kinds"),),
}


@dataclass
class ValidationResult:
    """All problems found, plus what was checked; decides success only at the end."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    quotes_checked: bool = False

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def ok(self, strict: bool = False) -> bool:
        failing = {ERROR, WARNING, NOTICE} if strict else {ERROR}
        return not any(p.severity in failing for p in self.problems)

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.files_checked,
            "errors": self.count(ERROR),
            "warnings": self.count(WARNING),
            "notices": self.count(NOTICE),
            "quotes_checked": self.quotes_checked,
        }


class _Located:
    """Positions of keys in one file's text, computed on first use."""

    def __init__(self, entry: RawEntry) -> None:
        self.entry = entry
        self._positions: Positions | None = None

    def at(self, path: KeyPath, code: str, message: str) -> Problem:
        if self._positions is None:
            self._positions = Positions(self.entry.text or "")
        shown = display_path(self.entry.path)
        return problem(shown, *self._positions.find(path), code, message)


def _all_files(root: Path) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """Every .toml file below the KB root, as path parts, with its kind (None: stray)."""
    yield (SETTINGS_FILE,), "kb"
    found: list[tuple[tuple[str, ...], bool]] = []
    _scan_toml(root, (), found)
    for parts, is_link in sorted(found):
        kind = kind_of(root, root.joinpath(*parts)) if is_link else kind_of_parts(parts)
        if kind != "kb":
            yield parts, kind


def _scan_toml(
    directory: Path | str, prefix: tuple[str, ...], found: list[tuple[tuple[str, ...], bool]]
) -> None:
    """Like rglob("*.toml") minus hidden parts, but with os.scandir (fast in a 100k-file KB):
    (path parts below the root, is a symlink) for each match; symlinked folders not entered."""
    try:
        with os.scandir(directory) as scan:
            items = list(scan)
    except OSError:
        return
    for item in items:
        if item.name.startswith("."):
            continue
        parts = (*prefix, item.name)
        if item.name.endswith(".toml"):
            found.append((parts, item.is_symlink()))
        if item.is_dir(follow_symlinks=False):
            _scan_toml(item.path, parts, found)


class Validator:
    def __init__(self, root: Path, snapshots: str | None = None) -> None:
        self.root = root
        self.result = ValidationResult()
        self.entries: dict[str, list[RawEntry]] = {k: [] for k in KIND_DIRS}
        # Files of a big KB that are not reported on are only listed, as path parts below the
        # root: making a Path (let alone parsing) for each of 100k files costs too much.
        self.listed: dict[str, list[tuple[str, ...]]] = {k: [] for k in KIND_DIRS}
        self._scanned: dict[str, int] = {}  # entries read from disk; any after them were added
        self.settings: Settings | None = None
        self.snapshot_arg = snapshots
        self._sources: dict[str, dict[str, Any]] | None = None
        self.copied: dict[Path, bool] = {}  # KB050 verdicts worked out by worker processes

    def run(self, only: Sequence[Path] | None = None) -> ValidationResult:
        selected = {p.resolve() for p in only} if only is not None else None
        # Resolving every path is slow in a big KB: only files named like a selected one can be it.
        names = {p.name for p in selected} if selected is not None else set()
        to_read: list[tuple[Path, str | None]] = []
        for parts, kind in _all_files(self.root):
            if selected is not None and kind in KIND_DIRS and parts[-1] not in names:
                self.listed[kind].append(parts)
                continue
            path = self.root.joinpath(*parts)
            if selected is not None and kind in KIND_DIRS and path.resolve() not in selected:
                self.listed[kind].append(parts)
                continue
            to_read.append((path, kind))
        self._read_all(to_read)
        self._scanned = {kind: len(entries) for kind, entries in self.entries.items()}
        self._cross_file(selected)
        keep = {display_path(p) for p in selected} if selected is not None else None
        problems = [
            p for p in self.result.problems if keep is None or p.path in keep or p.code == "KB043"
        ]
        self.result.problems = sorted(set(problems))
        return self.result

    def _read_all(self, items: list[tuple[Path, str | None]]) -> None:
        """Read every file; a big KB is parsed by worker processes (the order is kept)."""
        entries = [(p, k) for p, k in items if k is not None and k in KIND_DIRS]
        parsed: dict[Path, RawEntry] = {}
        if len(entries) >= PARALLEL_MIN and (os.cpu_count() or 1) > 1:
            parsed, self.copied = parse_in_parallel(entries)
        for path, kind in items:
            self._read(path, kind, parsed.get(path))

    def _read(self, path: Path, kind: str | None, entry: RawEntry | None = None) -> None:
        if kind is None:
            self.result.problems.append(
                problem(
                    display_path(path),
                    1,
                    1,
                    "KB005",
                    "stray file: entries belong in sources/, subjects/ or facts/",
                )
            )
            return
        if kind == "kb" and not path.is_file():
            self.result.problems.append(
                problem(display_path(path), 1, 1, "KB004", "missing kb.toml")
            )
            return
        entry = entry or read_entry(path, kind)
        self.result.files_checked += 1
        self.result.problems.extend(entry.problems)
        if kind == "kb":
            if entry.ok and entry.data is not None:
                self.settings = settings_from_dict(entry.data)
        else:
            self.entries[kind].append(entry)

    def _ids(self, kind: str) -> set[str]:
        ids = {e.path.stem for e in self.entries[kind]}
        ids.update(parts[-1].removesuffix(".toml") for parts in self.listed[kind])
        return ids

    def _every_entry(self, kind: str) -> Iterator[RawEntry]:
        """The entries read, then the ones only listed (unparsed: no data and no problems)."""
        yield from self.entries[kind]
        for parts in self.listed[kind]:
            yield RawEntry(self.root.joinpath(*parts), kind, None, None, ())

    def _cross_file(self, selected: set[Path] | None) -> None:
        self._duplicates()
        store = self._snapshot_store()
        fact_ids, subject_ids = self._ids("fact"), self._ids("subject")
        source_ids = self._ids("source")
        for kind, entries in self.entries.items():
            for entry in entries:
                if entry.data is None:
                    continue
                located = _Located(entry)
                self._vocabularies(kind, entry.data, located)
                if kind == "fact":
                    self._fact_refs(entry.data, located, fact_ids, subject_ids, source_ids)
                    self._quotes(entry.data, located, store)
                elif kind == "source" and store is not None:
                    self._checksum(entry.data, located, store)
        if selected is None or any(
            kind_of(self.root, p) in ("source", "subject") for p in selected
        ):
            self._unused(selected)
            self._name_collisions()

    def _name_collisions(self) -> None:
        """Subjects are looked up by id, name or alias: each of those must name one subject.
        A collision is reported on every subject involved."""
        claims: dict[str, list[tuple[RawEntry, str, str, str]]] = {}
        for entry in sorted(self._every_entry("subject"), key=lambda e: e.path):
            data = entry.data if entry.data is not None else read_entry(entry.path, "subject").data
            if data is None or not isinstance(data.get("id"), str):
                continue
            for key in ("id", "name", "aliases"):
                for name in string_items(data.get(key) if key == "aliases" else [data.get(key)]):
                    claims.setdefault(name.casefold(), []).append((entry, key, name, data["id"]))
        for claimants in claims.values():
            owners = list(dict.fromkeys(owner for *_, owner in claimants))
            if len(owners) < 2:
                continue
            for entry, key, name, owner in claimants:
                others = ", ".join(repr(o) for o in owners if o != owner)
                message = f"{key} {name!r} also names subject {others}"
                self.result.problems.append(_Located(entry).at((key,), "KB025", message))

    def _duplicates(self) -> None:
        for kind, entries in self.entries.items():
            first: dict[str, Path] = {}
            if self.listed[kind]:
                entries = self._in_file_order(kind)
            for entry in entries:
                stem = entry.path.stem
                if stem in first:
                    self.result.problems.append(
                        problem(
                            display_path(entry.path),
                            1,
                            1,
                            "KB015",
                            f"duplicate {kind} id {stem!r} (also in {display_path(first[stem])})",
                        )
                    )
                first.setdefault(stem, entry.path)

    def _in_file_order(self, kind: str) -> list[RawEntry]:
        """The entries read, plus each listed file that shares an id with one of them, in the
        order of their paths (the order a whole-KB run reads them in); entries added after
        the scan (not on disk yet, see kb.pending) stay last."""
        entries = self.entries[kind]
        scanned = self._scanned.get(kind, len(entries))
        stems = {e.path.stem for e in entries}
        named = [
            (parts, RawEntry(self.root.joinpath(*parts), kind, None, None, ()))
            for parts in self.listed[kind]
            if parts[-1].removesuffix(".toml") in stems
        ]
        read = [(e.path.relative_to(self.root).parts, e) for e in entries[:scanned]]
        in_order = sorted(read + named, key=lambda pair: pair[0])
        return [entry for _, entry in in_order] + entries[scanned:]

    def _snapshot_store(self) -> SnapshotStore | None:
        directory = snapshots_dir(self.root, self.settings, self.snapshot_arg)
        if directory is None:
            self.result.problems.append(
                problem(
                    display_path(self.root / SETTINGS_FILE),
                    1,
                    1,
                    "KB043",
                    "no snapshots directory (use --snapshots DIR or KB_SNAPSHOTS): "
                    "quotes and checksums not checked",
                )
            )
            return None
        self.result.quotes_checked = True
        return SnapshotStore(directory)

    def _vocabularies(self, kind: str, data: dict[str, Any], located: _Located) -> None:
        if self.settings is None:
            return
        for key, vocabulary in VOCABULARY_FIELDS.get(kind, ()):
            allowed = self.settings.vocabulary(vocabulary)
            values = data.get(key, [])
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value not in allowed:
                    close = difflib.get_close_matches(value, allowed, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    located_problem = located.at(
                        (key,), "KB033", f"{key} {value!r} is not in kb.toml {vocabulary}{hint}"
                    )
                    self.result.problems.append(located_problem)

    def _fact_refs(
        self,
        data: dict[str, Any],
        located: _Located,
        fact_ids: set[str],
        subject_ids: set[str],
        source_ids: set[str],
    ) -> None:
        found = self.result.problems
        subject = data.get("subject")
        if isinstance(subject, str) and subject not in subject_ids:
            found.append(
                located.at(("subject",), "KB030", _missing("subject", subject, subject_ids))
            )
        for related in string_items(data.get("related")):
            if related not in fact_ids:
                found.append(
                    located.at(("related",), "KB032", _missing("related fact", related, fact_ids))
                )
        for index, prov in enumerate(table_items(data.get("provenance"))):
            source = prov.get("source")
            if isinstance(source, str) and source not in source_ids:
                found.append(
                    located.at(
                        ("provenance", index, "source"),
                        "KB031",
                        _missing("source", source, source_ids),
                    )
                )

    def _quotes(self, data: dict[str, Any], located: _Located, store: SnapshotStore | None) -> None:
        copied = self.copied.get(located.entry.path)
        if copied is None:
            copied = copied_quotes(data)
        if copied:
            self.result.problems.append(
                located.at(
                    ("statement",),
                    "KB050",
                    "statement copies its quote; say it in the KB's own words",
                )
            )
        sources = self._source_data()
        for index, prov in enumerate(table_items(data.get("provenance"))):
            quote, source_id = prov.get("quote"), prov.get("source")
            source = sources.get(source_id) if isinstance(source_id, str) else None
            snapshot = source.get("snapshot") if source else None
            if store is None or not isinstance(quote, str) or not isinstance(snapshot, str):
                continue
            if store.raw(snapshot) is not None and not store.contains(snapshot, quote):
                self.result.problems.append(
                    located.at(
                        ("provenance", index, "quote"),
                        "KB040",
                        f"quote not found verbatim in snapshot {snapshot}: {quote[:60]!r}",
                    )
                )

    def _source_data(self) -> dict[str, dict[str, Any]]:
        """Source tables by id, built once (every fact's quotes need them); reads the sources
        that were only listed (unparsed: no data and no problems)."""
        if self._sources is None:
            self._sources = {}
            for entry in self._every_entry("source"):
                data = entry.data
                if data is None and not entry.problems:
                    data = read_entry(entry.path, "source").data
                if data is not None and isinstance(data.get("id"), str):
                    self._sources[data["id"]] = data
        return self._sources

    def _checksum(self, data: dict[str, Any], located: _Located, store: SnapshotStore) -> None:
        snapshot, expected = data.get("snapshot"), data.get("sha256")
        if not isinstance(snapshot, str):
            return
        actual = store.sha256(snapshot)
        if actual is None:
            self.result.problems.append(
                located.at(
                    ("snapshot",), "KB042", f"snapshot {snapshot} not found in {store.directory}"
                )
            )
        elif isinstance(expected, str) and actual != expected:
            self.result.problems.append(
                located.at(("sha256",), "KB041", f"sha256 of {snapshot} is {actual}")
            )

    def _unused(self, selected: set[Path] | None) -> None:
        cited: set[str] = set()
        used: set[str] = set()
        for entry in self._every_entry("fact"):
            data = entry.data if entry.data is not None else read_entry(entry.path, "fact").data
            if data is None:
                continue
            used.add(str(data.get("subject")))
            cited.update(str(p.get("source")) for p in table_items(data.get("provenance")))
        for kind, ids, code, what in (
            ("source", cited, "KB051", "no fact cites source"),
            ("subject", used, "KB052", "no fact is about subject"),
        ):
            for entry in self.entries[kind]:
                if entry.data is not None and entry.path.stem not in ids:
                    located = _Located(entry)
                    self.result.problems.append(
                        located.at(("id",), code, f"{what} {entry.path.stem!r}")
                    )


def _missing(kind: str, value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind} {value!r}{hint}"


def validate(
    root: Path, paths: Sequence[Path] | None = None, snapshots: str | None = None
) -> ValidationResult:
    """Validate the KB at root; with paths, report only their problems (cross-file rules still
    use the whole KB)."""
    for path in paths or ():
        if not path.exists():
            raise UsageError(f"no such file: {path}")
    return Validator(root, snapshots).run(list(paths) if paths is not None else None)
