"""Selecting facts: by id (with close matches for unknown ids) and by filters
(kb.entries.filters)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.entries.filters import Filters, resolve
from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.problems import Problem
from kb.entries.walk import real

MAX_SUGGESTED = 20  # unknown ids that get close matches (each costs a scan of every id)
MAX_ID_CHARS = 200  # longer "ids" are no typo of a real one


def _close_ids(kb: KnowledgeBase, wanted: str) -> list[str]:
    """Close matches among the fact ids, never the id itself (its file exists but is invalid)."""
    from kb.core.suggest import close_matches

    if len(wanted) > MAX_ID_CHARS:
        return []
    return close_matches(wanted, kb.fact_paths)


@dataclass(frozen=True)
class Lookup:
    found: tuple[Fact, ...]
    unknown: tuple[str, ...]  # not found: no such fact, or its file is invalid
    suggestions: dict[str, list[str]]
    invalid: dict[str, Problem] = field(default_factory=dict)  # unknown id -> why its file is

    def unknown_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """`problems` except those of the files already reported as invalid facts."""
        reported = {p.path for p in self.invalid.values()}
        return [p for p in problems if p.path not in reported]


def lookup_facts(kb: KnowledgeBase, ids: Sequence[str]) -> Lookup:
    """Facts in the order asked for; unknown ids with their closest known ids.

    Ids are only ever looked up among the KB's fact files, never used as paths.
    """
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    found, missing = kb.get_facts(wanted)
    invalid = {m: why for m in missing if (why := _why_invalid(kb, m)) is not None}
    suggestions = {m: _close_ids(kb, m) for m in missing[:MAX_SUGGESTED]}
    return Lookup(
        tuple(found[i] for i in wanted if i in found), tuple(missing), suggestions, invalid
    )


def _why_invalid(kb: KnowledgeBase, fact_id: str) -> Problem | None:
    """The first error of the fact's file, when the file exists but could not be loaded."""
    path = kb.fact_path(fact_id)
    if path is None:
        return None
    target = real(path)
    return next((p for p in kb.problems if real(p.path) == target), None)


def select_facts(kb: KnowledgeBase, filters: Filters) -> tuple[Fact, ...]:
    """The facts that pass the filters, sorted by id; UsageError for a bad filter value."""
    checked = resolve(filters, kb.catalog())
    return tuple(
        f
        for f in sorted(kb.facts.values(), key=lambda f: f.id)
        if checked.match(f.subject, f.topics, f.tags, f.sources, f.status)
    )
