"""Checking the facts of a KB for `kb validate`: read, parse, structural checks and the
cross-file rules of kb.validate.rules, one fact at a time, in worker processes for a big KB.

Whatever process checks a fact sends back only what the rest of the validation needs: its
problems, its subject and the sources it cites. A fact is checked by the same code either way,
so the report does not depend on whether workers were used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.children import guard_child
from kb.entries.loading import RawEntry, read_entry
from kb.entries.problems import Problem
from kb.validate.rules import Context, entry_rules
from kb.validate.similarity import table_items

# Facts below which starting worker processes costs more than it saves (measured on Linux,
# where workers are forked: 400 facts take 0.21 s in-process, 0.24 s with workers; 700 facts
# 0.27 s and 0.25 s). Kept well above the break-even point for platforms that spawn workers.
PARALLEL_MIN = 1000
CHUNK = 400  # facts per task sent to a worker
_context: Context | None = None  # in a worker: set once by _start


@dataclass
class CheckedFacts:
    """What the checks of some facts found."""

    problems: list[Problem] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)  # subjects of the facts that parsed
    sources: set[str] = field(default_factory=set)  # sources cited by the facts that parsed
    files: int = 0

    def add(self, entry: RawEntry, context: Context) -> None:
        self.files += 1
        self.problems.extend(entry.problems)
        if entry.data is None:
            return
        self.problems.extend(entry_rules(entry, context))
        self.subjects.add(str(entry.data.get("subject")))
        self.sources.update(str(p.get("source")) for p in table_items(entry.data.get("provenance")))

    def merge(self, other: CheckedFacts) -> None:
        self.problems.extend(other.problems)
        self.subjects |= other.subjects
        self.sources |= other.sources
        self.files += other.files


def check_files(paths: Iterable[str], context: Context) -> CheckedFacts:
    checked = CheckedFacts()
    for path in paths:
        checked.add(read_entry(Path(path), "fact"), context)
    return checked


def _start(context: Context, parent: int) -> None:
    global _context
    guard_child(parent)  # dies with kb, leaves Ctrl-C to it (kb.core.children)
    _context = context


def _check_chunk(paths: list[str]) -> CheckedFacts:
    assert _context is not None
    return check_files(paths, _context)


def check_facts(paths: list[str], context: Context, meanwhile: Callable[[], None]) -> CheckedFacts:
    """Check the fact files at paths; a big KB's in worker processes, while `meanwhile` runs
    here. In-process when there are few facts or worker processes cannot be used."""
    if len(paths) < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
        meanwhile()
        return check_files(paths, context)
    try:
        from concurrent.futures import ProcessPoolExecutor

        workers = min(4, os.cpu_count() or 2)
        pool = ProcessPoolExecutor(workers, initializer=_start, initargs=(context, os.getpid()))
    except (OSError, RuntimeError, ImportError):
        meanwhile()
        return check_files(paths, context)
    try:
        try:
            chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
            results = pool.map(_check_chunk, chunks)
        except (OSError, RuntimeError):
            results = None
        meanwhile()
        if results is not None:
            try:
                return _merged(results)
            except (OSError, RuntimeError):  # a broken pool: check the facts here instead
                pass
    finally:
        pool.shutdown(cancel_futures=True)
    return check_files(paths, context)


def _merged(parts: Iterable[CheckedFacts]) -> CheckedFacts:
    checked = CheckedFacts()
    for part in parts:
        checked.merge(part)
    return checked
