"""Reading a knowledge base from disk: discovery, parsing, and the KnowledgeBase container.

Only this module (and kb.validate.validator through it) reads TOML. Entries that cannot be parsed or
fail their structural checks are skipped and reported in `KnowledgeBase.problems`, so that
`show`, `list` and `search` keep working on the rest of a broken KB.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from kb.core.errors import KbError, out_of_resources
from kb.entries.checks import check_entry
from kb.entries.filters import Catalog
from kb.entries.kinds import SETTINGS_FILE, EntryKind
from kb.entries.models import (
    Fact,
    Settings,
    Source,
    Subject,
    fact_from_dict,
    settings_from_dict,
    source_from_dict,
    subject_from_dict,
)
from kb.entries.problems import Problem, Severity, problem
from kb.entries.schema import MAX_FILE_BYTES
from kb.entries.serialize import fact_dict
from kb.entries.tomlpos import Positions
from kb.entries.walk import find, paths_of, real

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it, else absolute.

    Only the folder is resolved: a symlinked entry is named by its own name, not its target's.
    """
    try:
        return str((real(path.parent) / path.name).relative_to(real(Path.cwd())))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class RawEntry:
    """One file as read: its parsed table (None when unreadable) and its problems."""

    path: Path
    kind: str
    data: dict[str, Any] | None
    text: str | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        errors = (p for p in self.problems if p.severity is Severity.ERROR)
        return self.data is not None and next(errors, None) is None


def decode_entry(raw: bytes, shown: str) -> tuple[str | None, Problem | None]:
    """An entry file's bytes as text, or KB001 at the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, problem(
            shown,
            line,
            column,
            "KB001",
            f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
        )


MAX_KEY_PARTS = 32
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')"""
# A key (at the start of a line, in a table header, or in an inline table) of more than
# MAX_KEY_PARTS dotted parts.
_DEEP_KEY = re.compile(
    rf"(?:^|[{{,\[])[ \t]*{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART}){{{MAX_KEY_PARTS},}}", re.M
)


def too_deep(text: str, shown: str) -> Problem | None:
    """KB006 for a key of too many dotted parts, found without parsing: tomllib takes time
    quadratic in their number (a 64 KiB file of one such key: minutes)."""
    if text.count(".") < MAX_KEY_PARTS:
        return None
    found = _DEEP_KEY.search(text)
    if found is None:
        return None
    at = found.start() + (len(found.group()) - len(found.group().lstrip("{,[ \t")))
    line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
    return problem(
        shown,
        line,
        column,
        "KB006",
        f"a key of more than {MAX_KEY_PARTS} dotted parts: refused without parsing the file",
    )


def parse_text(text: str, shown: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse TOML text; a syntax error becomes a KB003 problem with the parser's position,
    a key nested too deeply KB006 (found before parsing)."""
    deep = too_deep(text, shown)
    if deep is not None:
        return None, deep
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        if not found and "end of document" in message:
            line = text.count("\n") + 1
        reason = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        if reason == "Cannot overwrite a value":
            reason = "a key is given twice (cannot overwrite a value)"
        if text.startswith("\ufeff"):
            line, column = 1, 1
            reason = "the file starts with a byte order mark (BOM); save it as UTF-8 without one"
        elif "\x00" in text:
            at = text.index("\x00")
            line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
            reason = "the file contains a NUL byte"
        return None, problem(shown, line, column, "KB003", f"TOML syntax error: {reason}")
    except (RecursionError, ValueError) as error:
        return None, problem(shown, 1, 1, "KB003", f"TOML syntax error: {error}")


def _read_bytes(path: Path) -> bytes:
    """path.read_bytes(), in a third of the time (the system calls only: it adds up over the
    files of a big KB)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts = []
        while part := os.read(handle, MAX_FILE_BYTES + 1):
            parts.append(part)
        return b"".join(parts)
    finally:
        os.close(handle)


def read_entry(path: Path, kind: str) -> RawEntry:
    """Read, decode, parse and structurally check one file; never raises for bad content."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            found = problem(
                display_path(path),
                1,
                1,
                "KB002",
                f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (64 KiB)",
            )
            return RawEntry(path, kind, None, None, (found,))
        raw = _read_bytes(path)
    except OSError as error:
        if out_of_resources(error):  # not the file's fault: the command cannot go on
            raise
        found = problem(
            display_path(path), 1, 1, "KB003", f"cannot read file: {error.strerror or error}"
        )
        return RawEntry(path, kind, None, None, (found,))
    # The display path (resolving the file) is only worked out when there is a problem to show.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _, bad = decode_entry(raw, display_path(path))
        return RawEntry(path, kind, None, None, (bad,) if bad else ())
    try:
        if text.count(".") >= MAX_KEY_PARTS and _DEEP_KEY.search(text):
            raise ValueError("nested too deeply")  # reported by parse_text, unparsed
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        _, bad = parse_text(text, display_path(path))
        return RawEntry(path, kind, None, text, (bad,) if bad else ())
    issues = check_entry(kind, data, None if kind == "kb" else path.stem)
    if not issues:
        return RawEntry(path, kind, data, text, ())
    shown, positions = display_path(path), Positions(text)
    found_all = tuple(problem(shown, *positions.find(i.path), i.code, i.message) for i in issues)
    return RawEntry(path, kind, data, text, found_all)


def read_settings(root: Path) -> Settings:
    """kb.toml as Settings; raises KbError when it is missing or invalid."""
    entry = read_entry(root / SETTINGS_FILE, "kb")
    if not entry.ok or entry.data is None:
        first = entry.problems[0] if entry.problems else f"{root / SETTINGS_FILE}: unreadable"
        raise KbError(f"invalid knowledge base settings: {first}")
    return settings_from_dict(entry.data)


T = TypeVar("T")


class Entries(Mapping[str, T], Generic[T]):
    """Sources or subjects by id, read on demand (see the module docstring)."""

    def __init__(
        self, load_one: Callable[[str], T | None], load_all: Callable[[], dict[str, T]]
    ) -> None:
        self._load_one, self._load_all = load_one, load_all
        self._all: dict[str, T] | None = None
        self._some: dict[str, T | None] = {}

    def __getitem__(self, entry_id: str) -> T:
        if self._all is not None:
            return self._all[entry_id]
        if entry_id not in self._some:
            self._some[entry_id] = self._load_one(entry_id)
        found = self._some[entry_id]
        if found is None:
            raise KeyError(entry_id)
        return found

    def everything(self) -> dict[str, T]:
        """Every entry, read now if not read yet."""
        if self._all is None:
            self._all = self._load_all()
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self.everything())

    def __len__(self) -> int:
        return len(self.everything())


_BUILDERS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "source": source_from_dict,
    "subject": subject_from_dict,
}


class KnowledgeBase:
    """A loaded KB. Sources and subjects are read when first used: one by id reads its own
    file, anything else reads them all (`load` reads them all at once); facts load on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = read_settings(root)
        self.problems: list[Problem] = []
        self.sources: Entries[Source] = self._entries(EntryKind.SOURCE)
        self.subjects: Entries[Subject] = self._entries(EntryKind.SUBJECT)

    def _entries(self, kind: EntryKind) -> Entries[Any]:
        """Sources or subjects: read one at a time when asked for by id, else all at once."""
        return Entries(
            lambda entry_id: self._load_one(kind, entry_id), lambda: self._load_kind(kind)
        )

    def _load_one(self, kind: EntryKind, entry_id: str) -> Any | None:
        path = find(self.root, kind, entry_id)
        return self._load_kind(kind, [path]).get(entry_id) if path is not None else None

    def fact_path(self, fact_id: str) -> Path | None:
        """The file of one fact, found without listing every fact file (unless they were)."""
        if "fact_paths" in self.__dict__:
            return self.fact_paths.get(fact_id)
        return find(self.root, EntryKind.FACT, fact_id)

    def _load_kind(self, kind: EntryKind, paths: Iterable[Path] | None = None) -> dict[str, Any]:
        loaded: dict[str, Any] = {}
        for path in paths if paths is not None else paths_of(self.root, kind):
            entry = read_entry(path, kind)
            self.problems.extend(p for p in entry.problems if p.severity is Severity.ERROR)
            if entry.ok and entry.data is not None and entry.data["id"] not in loaded:
                if kind == EntryKind.FACT:
                    loaded[entry.data["id"]] = fact_from_dict(
                        entry.data, path, self.settings.default_status
                    )
                else:
                    loaded[entry.data["id"]] = _BUILDERS[kind](entry.data, path)
        return loaded

    @cached_property
    def fact_paths(self) -> dict[str, Path]:
        """Fact id (the file stem) to file, without parsing anything."""
        paths: dict[str, Path] = {}
        for path in paths_of(self.root, EntryKind.FACT):
            paths.setdefault(path.stem, path)
        return paths

    @cached_property
    def facts(self) -> dict[str, Fact]:
        facts: dict[str, Fact] = self._load_kind(EntryKind.FACT, self.fact_paths.values())
        return facts

    def get_facts(self, ids: Iterable[str]) -> tuple[dict[str, Fact], list[str]]:
        """The facts with these ids, parsing only their files; and the ids not found."""
        found: dict[str, Fact] = {}
        missing: list[str] = []
        for fact_id in ids:
            path = self.fact_path(fact_id)
            loaded = self._load_kind(EntryKind.FACT, [path]) if path else {}
            if fact_id in loaded:
                found[fact_id] = loaded[fact_id]
            else:
                missing.append(fact_id)
        return found, missing

    def fact_view(self, fact: Fact) -> dict[str, Any]:
        """The fact as plain data, with its subject's name and its sources' titles, publishers
        and reliabilities, strongest first, and its best reliability
        (kb.entries.serialize.fact_dict), and last its `path` from the KB root (as the search
        index stores it): what renderers and JSON get; and, for renderers only,
        `status_display`: how kb.toml says its status is shown."""
        view = fact_dict(fact, self.subjects, self.sources, self.settings.reliability_levels)
        view["path"] = self.relative_path(fact.path) if fact.path is not None else None
        view["status_display"] = self.settings.status_display().get(fact.status, "plain")
        return view

    def relative_path(self, path: Path) -> str:
        """An entry's path from the KB root (the folder of kb.toml), with `/` separators: the
        one base of every `path` kb outputs for an entry."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(path.resolve(), self.root.resolve())).as_posix()

    def catalog(self) -> Catalog:
        """What filter values are checked against (reads every source and subject)."""
        subjects = {s.id: s.names for s in self.subjects.values()}
        settings = self.settings
        reliability = {s.id: s.reliability for s in self.sources.values()}
        return Catalog(
            subjects,
            settings.topics,
            settings.statuses,
            tuple(self.sources),
            reliability,
            settings.reliability_levels,
        )

    def resolve_subject(self, name: str) -> Subject | None:
        """A subject by id, name or alias, case-insensitively."""
        if name in self.subjects:
            return self.subjects[name]
        wanted = name.casefold()
        for subject in self.subjects.values():
            if any(wanted == n.casefold() for n in subject.names):
                return subject
        return None


def load(root: Path, on_demand: bool = False) -> KnowledgeBase:
    """The KB at root. Every source and subject is read at once (so `problems` lists the
    invalid ones), unless `on_demand`: then each is read when first asked for by id (kb show)."""
    kb = KnowledgeBase(root)
    if not on_demand:
        kb.sources.everything()
        kb.subjects.everything()
    return kb
