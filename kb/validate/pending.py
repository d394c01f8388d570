"""Validating an entry before it is written: the same per-file and cross-file rules as
`kb validate`, applied to text that is not on disk yet, against the rest of the KB."""

from __future__ import annotations

from pathlib import Path

from kb.entries.checks import check_entry
from kb.entries.loading import RawEntry, display_path, parse_text
from kb.entries.problems import problem
from kb.entries.tomlpos import Positions
from kb.validate.validator import ValidationResult, Validator


def pending_entry(path: Path, kind: str, text: str) -> RawEntry:
    """An entry as `read_entry` would see it if `text` were the content of `path`."""
    shown = display_path(path)
    data, bad = parse_text(text, shown)
    if data is None:
        return RawEntry(path, kind, None, text, (bad,) if bad else ())
    issues = check_entry(kind, data, path.stem)
    positions = Positions(text)
    found = tuple(problem(shown, *positions.find(i.path), i.code, i.message) for i in issues)
    return RawEntry(path, kind, data, text, found)


def validate_pending(
    root: Path, entry: RawEntry, snapshots: Path | None = None
) -> ValidationResult:
    """Every problem `kb validate` would report on `entry` once written (and only on it); the
    file at its path, when there is one, counts as replaced by it."""
    return Validator(root, snapshots, (entry,)).run([entry.path])
