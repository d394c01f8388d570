"""`kb compare`: subjects, the sources on one subject, or facts, side by side.

Pure library code: `compare(kb, things, ...)` resolves the ids, builds a frozen `Comparison`
(columns, one row per attribute, per-cell claims) and raises domain errors for bad requests.
Rendering lives in `kb.render.compare`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kb.analysis.factdiff import StatementDiff, Verdict, normalise, verdict, word_diff
from kb.core.errors import UnknownIdError, UsageError
from kb.entries.filters import NO_FILTERS, Filters, resolve
from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.selection import select_facts


@dataclass(frozen=True)
class SourceRef:
    """One source backing a claim: its id, reliability and the quote it gives."""

    id: str
    reliability: str | None
    quote: str


@dataclass(frozen=True)
class Claim:
    """One value in a cell: what a fact says, its status and the sources behind it."""

    value: str | None
    fact: str
    status: str
    sources: tuple[SourceRef, ...]
    status_display: str | None = None  # how kb.toml says the status is shown

    def quote_by(self, source: str | None) -> str | None:
        """What `source` says for this claim, if it is one of the claim's sources."""
        return next((r.quote for r in self.sources if r.id == source), None)


@dataclass(frozen=True)
class Column:
    """A subject, a source or a fact; `detail` is its kind, reliability or subject."""

    id: str
    label: str
    detail: str


@dataclass(frozen=True)
class Row:
    """One attribute; `cells` line up with the comparison's columns (empty cell = gap)."""

    attribute: str | None
    cells: tuple[tuple[Claim, ...], ...]
    differs: bool

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(i for i, cell in enumerate(self.cells) if not cell)

    @property
    def mark(self) -> str:
        """`differs` (filled cells share no value), `partial` (they share some values but not
        all), `gap` (the filled cells agree but some column has no value) or `same`."""
        if self.differs:
            return "partial" if shared(self.cells) else "differs"
        return "gap" if self.missing else "same"


@dataclass(frozen=True)
class Comparison:
    """What renderers get: plain data, no knowledge base to look things up in."""

    kind: str  # subjects | sources | facts
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    subject: str | None = None  # the one subject of a `sources` comparison
    subject_name: str | None = None  # ... and its display name
    facts: tuple[Fact, ...] = ()
    fact_views: tuple[dict[str, Any], ...] = ()  # of `facts` (kb.entries.serialize.fact_dict)
    diffs: tuple[StatementDiff, ...] = ()
    verdict: Verdict | None = None

    @property
    def quoted_sources(self) -> tuple[str | None, ...]:
        """Per column, the source whose quotes belong in it (only in the sources view)."""
        return tuple(c.id if self.kind == "sources" else None for c in self.columns)

    def claim_of(self, fact_id: str) -> Claim:
        """The claim built from one fact (a facts comparison has one per column)."""
        return next(c for row in self.rows for cell in row.cells for c in cell if c.fact == fact_id)


# ---- resolving what to compare --------------------------------------------------------------


def _classify(kb: KnowledgeBase, things: Sequence[str]) -> tuple[list[str], list[str]]:
    """Subject ids (aliases resolved) or fact ids named by `things`; unknown ids raise."""
    subject_ids: dict[str, str] = {}
    fact_ids: list[str] = []
    for thing in things:
        subject = kb.resolve_subject(thing)
        if subject is not None:
            subject_ids[thing] = subject.id
        if thing in kb.fact_paths:
            fact_ids.append(thing)
    unknown = [t for t in things if t not in subject_ids and t not in fact_ids]
    if unknown:
        from kb.core.suggest import close_matches

        names = {n: s.id for s in kb.subjects.values() for n in s.names}
        names.update({fact_id: fact_id for fact_id in kb.fact_paths})
        suggestions = {u: close_matches(u, names) for u in unknown}
        raise UnknownIdError("subject or fact", unknown, suggestions)
    only_subjects = [t for t in things if t not in fact_ids]
    only_facts = [t for t in things if t not in subject_ids]
    if only_subjects and only_facts:
        raise UsageError(
            "cannot compare subjects with facts: "
            f"{', '.join(only_subjects)} (subjects) vs {', '.join(only_facts)} (facts)"
        )
    if only_facts:  # a name that is both a subject and a fact id goes with the others
        return [], list(dict.fromkeys(things))
    return list(dict.fromkeys(subject_ids[t] for t in things)), []


def compare(
    kb: KnowledgeBase,
    things: Sequence[str],
    by: str = "subject",
    attributes: Sequence[str] = (),
    filters: Filters = NO_FILTERS,
) -> Comparison:
    """Compare subjects (by="subject"), one subject's sources (by="source") or facts; only
    facts that pass the filters take part in a comparison of subjects or sources."""
    wanted = [t.strip() for t in things if t.strip()]
    if not wanted:
        raise UsageError("nothing to compare: give two or more subjects or facts")
    subjects, facts = _classify(kb, wanted)
    if facts:
        _check_facts_request(facts, by, attributes, filters)
        return compare_facts(kb, facts)
    if by == "source":
        if len(subjects) != 1:
            raise UsageError(
                f"--by source compares the sources on ONE subject; "
                f"got {len(subjects)}: {', '.join(subjects)}"
            )
        return compare_sources(kb, subjects[0], attributes, filters)
    if len(subjects) < 2:
        raise UsageError(_too_few_subjects(wanted, subjects[0]))
    return compare_subjects(kb, subjects, attributes, filters)


def _check_facts_request(
    facts: Sequence[str], by: str, attributes: Sequence[str], filters: Filters
) -> None:
    if by == "source":
        raise UsageError("--by source compares the sources on one subject, not facts")
    if attributes or filters:
        raise UsageError(
            "--attribute, --topic and --min-reliability filter subject comparisons, not facts"
        )
    if len(facts) < 2:
        raise UsageError("give at least two different facts to compare")


def _too_few_subjects(wanted: Sequence[str], subject: str) -> str:
    if len(wanted) > 1:
        names = ", ".join(repr(w) for w in wanted)
        return (
            f"{names} all name the same subject ({subject}); give two different subjects, "
            "or use --by source to compare its sources"
        )
    return (
        f"give at least two different subjects to compare (got {subject}; "
        "to compare its sources use --by source)"
    )


# ---- building rows --------------------------------------------------------------------------


def _claim(kb: KnowledgeBase, fact: Fact) -> Claim:
    refs = []
    for source_id in fact.sources:
        quote = next(p.quote for p in fact.provenance if p.source == source_id)
        source = kb.sources.get(source_id)
        refs.append(SourceRef(source_id, source.reliability if source else None, quote))
    rank = _rank(kb)
    refs.sort(key=lambda r: (rank.get(r.reliability or "", 99), r.id))
    shown = kb.settings.status_display().get(fact.status, "plain")
    return Claim(fact.value, fact.id, fact.status, tuple(refs), shown)


def _rank(kb: KnowledgeBase) -> dict[str, int]:
    return {level: i for i, level in enumerate(kb.settings.reliability_levels)}


def _claim_order(kb: KnowledgeBase) -> Callable[[Claim], tuple[int, int, int, str]]:
    shown_rank = {"plain": 0, "contested": 1, "refuted": 2}  # as kb.toml says it is shown
    rank = _rank(kb)

    def key(claim: Claim) -> tuple[int, int, int, str]:
        best = min((rank.get(r.reliability or "", 99) for r in claim.sources), default=99)
        return (
            shown_rank.get(claim.status_display or "plain", 3),
            best,
            -len(claim.sources),
            claim.fact,
        )

    return key


def _value_sets(cells: Iterable[Sequence[Claim]]) -> list[frozenset[str]]:
    return [frozenset(normalise(c.value) for c in cell) for cell in cells if cell]


def differs(cells: Iterable[Sequence[Claim]]) -> bool:
    """True when the filled cells do not all hold the same (normalised) set of values."""
    return len(set(_value_sets(cells))) > 1


def shared(cells: Iterable[Sequence[Claim]]) -> frozenset[str]:
    """The normalised values every filled cell holds."""
    sets = _value_sets(cells)
    return frozenset.intersection(*sets) if sets else frozenset()


def _rows(kb: KnowledgeBase, grouped: Sequence[Iterable[Fact]]) -> tuple[Row, ...]:
    """Rows from facts grouped by column; shared attributes first, then by name."""
    by_attribute: dict[str | None, list[list[Claim]]] = {}
    for index, facts in enumerate(grouped):
        for fact in facts:
            cells = by_attribute.setdefault(fact.attribute, [[] for _ in grouped])
            cells[index].append(_claim(kb, fact))
    key = _claim_order(kb)
    rows = []
    for attribute, cells in by_attribute.items():
        ordered = tuple(tuple(sorted(cell, key=key)) for cell in cells)
        rows.append(Row(attribute, ordered, differs(ordered)))
    rows.sort(key=lambda r: (-sum(bool(c) for c in r.cells), r.attribute or ""))
    return tuple(rows)


def _selected(kb: KnowledgeBase, attributes: Sequence[str], filters: Filters) -> list[Fact]:
    """Facts with an attribute, restricted by --attribute and the filters (checked first)."""
    facts = [f for f in select_facts(kb, filters) if f.attribute]
    known = {f.attribute for f in kb.facts.values() if f.attribute}
    for name in attributes:
        if name not in known:
            from kb.core.suggest import did_you_mean

            hint = did_you_mean(name, sorted(a for a in known if a))
            raise UsageError(f"unknown attribute {name!r}{hint}")
    return [f for f in facts if not attributes or f.attribute in attributes]


def compare_subjects(
    kb: KnowledgeBase,
    subject_ids: Sequence[str],
    attributes: Sequence[str] = (),
    filters: Filters = NO_FILTERS,
) -> Comparison:
    facts = _selected(kb, attributes, filters)
    grouped = [[f for f in facts if f.subject == s] for s in subject_ids]
    columns = tuple(Column(s, kb.subjects[s].name, kb.subjects[s].kind) for s in subject_ids)
    return Comparison("subjects", columns, _rows(kb, grouped))


def compare_sources(
    kb: KnowledgeBase,
    subject_id: str,
    attributes: Sequence[str] = (),
    filters: Filters = NO_FILTERS,
) -> Comparison:
    facts = [f for f in _selected(kb, attributes, filters) if f.subject == subject_id]
    rank = _rank(kb)
    used = {s for f in facts for s in f.sources}
    if filters.min_reliability:  # the columns too: only the sources at least that reliable
        reliable = resolve(filters, kb.catalog()).reliable_sources
        used &= reliable or set()

    def reliability(source_id: str) -> str:
        source = kb.sources.get(source_id)
        return source.reliability if source else "unknown"

    order = sorted(used, key=lambda s: (rank.get(reliability(s), 99), s))
    grouped = [[f for f in facts if s in f.sources] for s in order]
    columns = tuple(Column(s, s, reliability(s)) for s in order)
    subject = kb.subjects.get(subject_id)
    name = subject.name if subject else None
    return Comparison("sources", columns, _rows(kb, grouped), subject_id, name)


# ---- facts ----------------------------------------------------------------------------------


def compare_facts(kb: KnowledgeBase, fact_ids: Sequence[str]) -> Comparison:
    found, _ = kb.get_facts(fact_ids)
    missing = [i for i in fact_ids if i not in found]
    if missing:  # a fact file that exists but does not load (invalid entry)
        raise UnknownIdError("valid fact", missing, {})
    facts = tuple(found[i] for i in fact_ids)
    columns = tuple(Column(f.id, f.id, f.subject) for f in facts)
    rows = _rows(kb, [[f] for f in facts])
    first = facts[0]
    diffs = tuple(
        StatementDiff(first.id, f.id, word_diff(first.statement, f.statement)) for f in facts[1:]
    )
    return Comparison(
        "facts",
        columns,
        rows,
        facts=facts,
        fact_views=tuple(kb.fact_view(f) for f in facts),
        diffs=diffs,
        verdict=verdict(facts),
    )
