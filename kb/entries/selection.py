"""Selecting facts: by id (with close-match suggestions) and by filters shared by list/search."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.errors import UsageError
from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.problems import Problem
from kb.search.limits import no_empty_filters


def suggest(wanted: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    return difflib.get_close_matches(wanted, list(candidates), n=limit, cutoff=0.6)


MAX_SUGGESTED = 20  # unknown ids that get close matches (each costs a scan of every id)
MAX_ID_CHARS = 200  # longer "ids" are no typo of a real one


def _close_ids(kb: KnowledgeBase, wanted: str) -> list[str]:
    """Close matches among the fact ids, never the id itself (its file exists but is invalid)."""
    if len(wanted) > MAX_ID_CHARS:
        return []
    return [i for i in suggest(wanted, kb.fact_paths, limit=4) if i != wanted][:3]


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
    suggestions = {m: _close_ids(kb, m) for m in missing[:MAX_SUGGESTED]}
    invalid = {m: why for m in missing if (why := _why_invalid(kb, m)) is not None}
    return Lookup(
        tuple(found[i] for i in wanted if i in found), tuple(missing), suggestions, invalid
    )


def _why_invalid(kb: KnowledgeBase, fact_id: str) -> Problem | None:
    """The first error of the fact's file, when the file exists but could not be loaded."""
    path = kb.fact_path(fact_id)
    if path is None:
        return None
    target = path.resolve()
    return next((p for p in kb.problems if Path(p.path).resolve() == target), None)


@dataclass(frozen=True)
class Filters:
    subject: str | None = None
    topic: str | None = None
    tag: str | None = None
    source: str | None = None
    status: str | None = None

    def resolved(self, kb: KnowledgeBase) -> Filters:
        """Check the filter values against the KB (subject aliases become ids)."""
        no_empty_filters(**vars(self))
        subject = self.subject
        if subject is not None:
            found = kb.resolve_subject(subject)
            if found is None:
                raise UsageError(_unknown("subject", subject, kb.subjects))
            subject = found.id
        vocab = kb.settings
        checks = (
            (self.topic, "topic", vocab.topics),
            (self.status, "status", vocab.statuses),
            (self.source, "source", tuple(kb.sources)),
        )
        for value, name, allowed in checks:
            if value is not None and value not in allowed:
                raise UsageError(_unknown(name, value, allowed))
        return Filters(subject, self.topic, self.tag, self.source, self.status)

    def match(self, fact: Fact) -> bool:
        return (
            (self.subject is None or fact.subject == self.subject)
            and (self.topic is None or self.topic in fact.topics)
            and (self.tag is None or self.tag in fact.tags)
            and (self.source is None or self.source in fact.sources)
            and (self.status is None or fact.status == self.status)
        )


def _unknown(kind: str, value: str, allowed: Iterable[str]) -> str:
    close = suggest(value, allowed)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown {kind} {value!r}{hint}"


def select_facts(kb: KnowledgeBase, filters: Filters) -> tuple[Fact, ...]:
    checked = filters.resolved(kb)
    return tuple(f for f in sorted(kb.facts.values(), key=lambda f: f.id) if checked.match(f))
