"""`kb validate`: every problem of a KB at once, collected before deciding the exit code.

Per-file checks come from kb.loading.read_entry (encoding, size, TOML syntax, structure);
this module adds the cross-file rules: duplicate ids, references, vocabularies, quotes against
snapshots, checksums, and warnings about unused or copied content.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import UsageError
from kb.loading import KIND_DIRS, RawEntry, display_path, kind_of, read_entry
from kb.locate import SETTINGS_FILE
from kb.models import Settings, settings_from_dict
from kb.problems import ERROR, NOTICE, WARNING, Problem, problem
from kb.snapshots import SnapshotStore, normalise, snapshots_dir
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
        self.entry, self.shown = entry, display_path(entry.path)
        self._positions: Positions | None = None

    def at(self, path: KeyPath, code: str, message: str) -> Problem:
        if self._positions is None:
            self._positions = Positions(self.entry.text or "")
        return problem(self.shown, *self._positions.find(path), code, message)


def _all_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Every .toml file below the KB root with its kind (None: stray)."""
    yield root / SETTINGS_FILE, "kb"
    for path in sorted(root.rglob("*.toml")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        kind = kind_of(root, path)
        if kind != "kb":
            yield path, kind


class Validator:
    def __init__(self, root: Path, snapshots: str | None = None) -> None:
        self.root = root
        self.result = ValidationResult()
        self.entries: dict[str, list[RawEntry]] = {k: [] for k in KIND_DIRS}
        self.settings: Settings | None = None
        self.snapshot_arg = snapshots

    def run(self, only: Sequence[Path] | None = None) -> ValidationResult:
        selected = {p.resolve() for p in only} if only is not None else None
        for path, kind in _all_files(self.root):
            wanted = selected is None or path.resolve() in selected
            self._read(path, kind, parse=wanted or kind in ("kb", "source", "subject"))
        self._cross_file(selected)
        keep = {display_path(p) for p in selected} if selected is not None else None
        problems = [
            p for p in self.result.problems if keep is None or p.path in keep or p.code == "KB043"
        ]
        self.result.problems = sorted(set(problems))
        return self.result

    def _read(self, path: Path, kind: str | None, parse: bool) -> None:
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
        if not parse:
            self.entries[kind].append(RawEntry(path, kind, None, None, ()))
            return
        if kind == "kb" and not path.is_file():
            self.result.problems.append(
                problem(display_path(path), 1, 1, "KB004", "missing kb.toml")
            )
            return
        entry = read_entry(path, kind)
        self.result.files_checked += 1
        self.result.problems.extend(entry.problems)
        if kind == "kb":
            if entry.ok and entry.data is not None:
                self.settings = settings_from_dict(entry.data)
        else:
            self.entries[kind].append(entry)

    def _ids(self, kind: str) -> set[str]:
        return {e.path.stem for e in self.entries[kind]}

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

    def _duplicates(self) -> None:
        for kind, entries in self.entries.items():
            first: dict[str, Path] = {}
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
        for related in _strings(data.get("related")):
            if related not in fact_ids:
                found.append(
                    located.at(("related",), "KB032", _missing("related fact", related, fact_ids))
                )
        for index, prov in enumerate(_tables(data.get("provenance"))):
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
        statement = data.get("statement")
        sources = {
            e.data["id"]: e.data
            for e in self.entries["source"]
            if e.data is not None and isinstance(e.data.get("id"), str)
        }
        for index, prov in enumerate(_tables(data.get("provenance"))):
            quote, source = prov.get("quote"), sources.get(prov.get("source"))
            if not isinstance(quote, str):
                continue
            if isinstance(statement, str) and _copies(statement, quote):
                self.result.problems.append(
                    located.at(
                        ("statement",),
                        "KB050",
                        "statement copies its quote; say it in the KB's own words",
                    )
                )
            snapshot = source.get("snapshot") if source else None
            if store is None or not isinstance(snapshot, str):
                continue
            if store.raw(snapshot) is not None and not store.contains(snapshot, quote):
                self.result.problems.append(
                    located.at(
                        ("provenance", index, "quote"),
                        "KB040",
                        f"quote not found verbatim in snapshot {snapshot}: {quote[:60]!r}",
                    )
                )

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
        facts = self.entries["fact"]
        for entry in facts:
            data = entry.data if entry.data is not None else read_entry(entry.path, "fact").data
            if data is None:
                continue
            used.add(str(data.get("subject")))
            cited.update(str(p.get("source")) for p in _tables(data.get("provenance")))
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


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _tables(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _missing(kind: str, value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind} {value!r}{hint}"


def _copies(statement: str, quote: str) -> bool:
    a, b = normalise(statement).casefold(), normalise(quote).casefold()
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def validate(
    root: Path, paths: Sequence[Path] | None = None, snapshots: str | None = None
) -> ValidationResult:
    """Validate the KB at root; with paths, report only their problems (cross-file rules still
    use the whole KB)."""
    for path in paths or ():
        if not path.exists():
            raise UsageError(f"no such file: {path}")
    return Validator(root, snapshots).run(list(paths) if paths is not None else None)
