"""`kb validate`: every problem of a KB at once, collected before deciding the exit code.

Per-file checks come from kb.entries.loading.read_entry (encoding, size, TOML syntax,
structure), the cross-file rules that go entry by entry from kb.validate.rules (facts are
checked by kb.validate.pool, in worker processes for a big KB); this module reads the KB and
adds the rules that need all entries at once: duplicate ids, unused sources and subjects,
subject name collisions.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.errors import UsageError
from kb.entries.kinds import ENTRY_KINDS, SETTINGS_FILE, EntryKind, kind_at
from kb.entries.links import links_to
from kb.entries.loading import RawEntry, display_path, read_entry
from kb.entries.models import Settings, settings_from_dict
from kb.entries.problems import ERROR, NOTICE, WARNING, Problem, problem
from kb.entries.snapshots import SnapshotStore, snapshots_dir
from kb.entries.walk import inside, walk
from kb.validate.pool import CheckedFacts, check_facts
from kb.validate.rules import Context, Located, entry_rules
from kb.validate.similarity import string_items


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


class Validator:
    """Reads the KB (kb.toml and sources first: the rules for facts need them), checks the
    facts (kb.validate.pool) while reading the subjects, then applies the whole-KB rules.

    Files are kept as paths relative to the root (strings): making a Path (let alone parsing)
    for each of 100k files costs too much. `pending` entries are not on disk yet
    (kb.validate.pending)."""

    def __init__(
        self,
        root: Path,
        snapshots: Path | None = None,
        pending: Sequence[RawEntry] = (),
        skip: Collection[str] = (),
    ) -> None:
        self.root = root
        self.skip = frozenset(skip)  # files (relative paths) to leave out: not in the commit
        self.result = ValidationResult()
        # Sources and subjects as read, then the pending entries (facts are not kept).
        self.entries: dict[str, list[RawEntry]] = {k: [] for k in ENTRY_KINDS}
        self.scanned: dict[str, list[str]] = {k: [] for k in ENTRY_KINDS}  # entry files read
        self.listed: dict[str, list[str]] = {k: [] for k in ENTRY_KINDS}  # ...and only listed
        self.pending = tuple(pending)
        self.settings: Settings | None = None
        self.snapshot_arg = snapshots
        self.facts = CheckedFacts()

    def run(self, only: Sequence[Path] | None = None) -> ValidationResult:
        selected = {p.resolve() for p in only} if only is not None else None
        self._scan(selected)
        self._read_kind("source")
        context = self._context()
        base = os.path.join(self.root, "")  # os.path.join per file is slow in a big KB
        paths = [base + relpath.replace("/", os.sep) for relpath in self.scanned["fact"]]
        self.facts = check_facts(paths, context, lambda: self._read_kind("subject"))
        for entry in self._pending("fact"):
            self.facts.add(entry, context)
        self.result.files_checked += self.facts.files
        self.result.problems.extend(self.facts.problems)
        self._cross_file(selected, context)
        keep = {display_path(p) for p in selected} if selected is not None else None
        problems = [
            p for p in self.result.problems if keep is None or p.path in keep or p.code == "KB043"
        ]
        self.result.problems = sorted(set(problems))
        return self.result

    def _scan(self, selected: set[Path] | None) -> None:
        """List every file; read kb.toml and report stray files at once. With a selection,
        files not selected are only listed: only files named like a selected one can be one
        (resolving every path is slow in a big KB)."""
        names = {p.name for p in selected} if selected is not None else set()
        replaced = {entry.path.resolve() for entry in self.pending}  # edited, not saved yet
        pending_names = {path.name for path in replaced}
        found = walk(self.root, strays=True)
        if not found or found[0].kind is not EntryKind.KB:
            self._read_other(self.root / SETTINGS_FILE, EntryKind.KB)  # missing: KB004
        for relpath, kind in found:
            if _name(relpath) in pending_names and (self.root / relpath).resolve() in replaced:
                continue
            if relpath in self.skip:
                continue
            if kind is None or kind is EntryKind.KB:
                self._read_other(self.root / relpath, kind)
            elif selected is not None and (
                _name(relpath) not in names or (self.root / relpath).resolve() not in selected
            ):
                self.listed[kind].append(relpath)
            else:
                self.scanned[kind].append(relpath)

    def _read_other(self, path: Path, kind: str | None) -> None:
        if kind is None:
            message = (
                "a link out of the knowledge base: never read"
                if path.is_symlink() and not inside(self.root, str(path))
                else "stray file: entries belong in sources/, subjects/ or facts/"
            )
            self.result.problems.append(problem(display_path(path), 1, 1, "KB005", message))
        elif not path.is_file():
            self.result.problems.append(
                problem(display_path(path), 1, 1, "KB004", "missing kb.toml")
            )
        else:
            entry = read_entry(path, kind)
            self.result.files_checked += 1
            self.result.problems.extend(entry.problems)
            if entry.ok and entry.data is not None:
                self.settings = settings_from_dict(entry.data)
                self.result.problems.extend(
                    entry_rules(entry, Context(self.settings, {}, {}, None))
                )

    def _read_kind(self, kind: str) -> None:
        """Read the sources or the subjects (then add the pending ones)."""
        entries = [read_entry(self.root / relpath, kind) for relpath in self.scanned[kind]]
        for entry in [*entries, *self._pending(kind)]:
            self.result.files_checked += 1
            self.result.problems.extend(entry.problems)
            self.entries[kind].append(entry)

    def _pending(self, kind: str) -> list[RawEntry]:
        return [entry for entry in self.pending if entry.kind == kind]

    def _ids(self, kind: str) -> frozenset[str]:
        """Entry ids are file names: no need to parse anything."""
        ids = {_stem(relpath) for relpath in self.scanned[kind]}
        ids.update(_stem(relpath) for relpath in self.listed[kind])
        ids.update(entry.path.stem for entry in self._pending(kind))
        return frozenset(ids)

    def _every_entry(self, kind: str) -> Iterator[RawEntry]:
        """The entries read, then the ones only listed (unparsed: no data and no problems)."""
        yield from self.entries[kind]
        for relpath in self.listed[kind]:
            yield RawEntry(self.root / relpath, kind, None, None, ())

    def _context(self) -> Context:
        store = self._snapshot_store()
        facts = self.scanned["fact"] or self._pending("fact")
        snapshots = self._source_snapshots() if facts and store is not None else {}
        ids = {kind: self._ids(kind) for kind in ENTRY_KINDS}
        return Context(self.settings, ids, snapshots, store)

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

    def _source_snapshots(self) -> dict[str, str]:
        """The snapshot each source id names (the last source with an id wins); reads the
        sources that were only listed."""
        named: dict[str, Any] = {}
        for entry in self._every_entry("source"):
            data = entry.data
            if data is None and not entry.problems:
                data = read_entry(entry.path, "source").data
            if data is not None and isinstance(data.get("id"), str):
                named[data["id"]] = data.get("snapshot")
        return {source: name for source, name in named.items() if isinstance(name, str)}

    def _cross_file(self, selected: set[Path] | None, context: Context) -> None:
        self._duplicates()
        for kind in ("source", "subject"):
            for entry in self.entries[kind]:
                self.result.problems.extend(entry_rules(entry, context))
        if selected is None or any(_kind_of(self.root, p) in _SHARED for p in selected):
            self._unused()
            self._name_collisions()

    def _duplicates(self) -> None:
        for kind in ENTRY_KINDS:
            first: dict[str, str | Path] = {}
            for where in self._in_file_order(kind):
                stem = where.stem if isinstance(where, Path) else _stem(where)
                if stem in first:
                    shown, other = display_path(self._path(where)), self._path(first[stem])
                    message = f"duplicate {kind} id {stem!r} (also in {display_path(other)})"
                    self.result.problems.append(problem(shown, 1, 1, "KB015", message))
                first.setdefault(stem, where)

    def _path(self, where: str | Path) -> Path:
        return where if isinstance(where, Path) else self.root / where

    def _in_file_order(self, kind: str) -> list[str | Path]:
        """The files read, plus each listed file that shares an id with one of them, in the
        order of their paths (the order a whole-KB run reads them in); the pending entries
        (not on disk yet) last."""
        pending = [entry.path for entry in self._pending(kind)]
        scanned: list[str] = self.scanned[kind]
        if self.listed[kind]:
            stems = {_stem(relpath) for relpath in scanned}
            stems.update(path.stem for path in pending)
            named = [p for p in self.listed[kind] if _stem(p) in stems]
            scanned = sorted(scanned + named, key=_parts)
        return [*scanned, *pending]

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
                self.result.problems.append(Located(entry).at((key,), "KB025", message))

    def _unused(self) -> None:
        """KB051, KB052: sources no fact cites, subjects no fact is about (reads the facts
        that were only listed, and pending facts that did not parse as on disk)."""
        used, cited = set(self.facts.subjects), set(self.facts.sources)
        unparsed = [e.path for e in self._pending("fact") if e.data is None]
        others = [*unparsed, *(self.root / relpath for relpath in self.listed["fact"])]
        # only the sources and subjects read (the ones reported on) matter: the facts that
        # were only listed are searched for their ids, and parsed only when they have one
        unknown = {
            EntryKind.SOURCE: {e.path.stem for e in self.entries["source"]} - cited,
            EntryKind.SUBJECT: {e.path.stem for e in self.entries["subject"]} - used,
        }
        for link in links_to(self.root, unknown, others, first_only=True):
            (cited if link.field == "source" else used).add(link.target)
        for kind, ids, code, what in (
            ("source", cited, "KB051", "no fact cites source"),
            ("subject", used, "KB052", "no fact is about subject"),
        ):
            for entry in self.entries[kind]:
                if entry.data is not None and entry.path.stem not in ids:
                    located = Located(entry)
                    self.result.problems.append(
                        located.at(("id",), code, f"{what} {entry.path.stem!r}")
                    )


_SHARED = (EntryKind.SOURCE, EntryKind.SUBJECT)


def _name(relpath: str) -> str:
    return relpath.rpartition("/")[2]


def _stem(relpath: str) -> str:
    return _name(relpath).removesuffix(".toml")


def _parts(relpath: str) -> list[str]:
    """The sort key of the walk's order: by path parts (a/b before a-b/c)."""
    return relpath.split("/")


def _kind_of(root: Path, path: Path) -> EntryKind | None:
    try:
        relpath = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return kind_at(relpath)


def validate(
    root: Path,
    paths: Sequence[Path] | None = None,
    snapshots: Path | None = None,
    skip: Collection[str] = (),
) -> ValidationResult:
    """Validate the KB at root; with paths, report only their problems (cross-file rules still
    use the whole KB); the files in `skip` (paths relative to root) are left out of it."""
    for path in paths or ():
        if not path.exists():
            raise UsageError(f"no such file: {path}")
        if not inside(root, str(path)):
            raise UsageError(f"{path} is not in the knowledge base at {display_path(root)}")
    return Validator(root, snapshots, skip=skip).run(list(paths) if paths is not None else None)
