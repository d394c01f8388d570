"""The filters of `kb list`, `kb search` and `kb compare`: one model, one way to resolve them.

Each filter names values of one field (`--subject`, `--topic`, `--tag`, `--source`, `--status`,
each repeatable). A fact passes when, for every filter given, it has one of that filter's
values: values of one filter combine with OR, different filters with AND. Values are matched
without regard to case, and a subject may be named by its id, name or alias.
`--min-reliability LEVEL` (once) keeps the facts with at least one source of that level or a
more reliable one (kb.toml's `reliability_levels`, most reliable first).

Values are checked against what the KB holds, its `Catalog` (built from the loaded KB, or from
the index's record of it, so that a search parses no TOML): an unknown value is a usage error
with close matches, and so is an empty one. Tags are free keywords and are not checked.

(NamedTuples rather than dataclasses: `kb search` builds these, and importing `dataclasses`
would cost every search several milliseconds; and no `from __future__ import annotations`:
NamedTuple would compile every field's annotation string at import.)
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from kb.core.errors import UsageError

NAMES = ("subject", "topic", "tag", "source", "status")  # the repeatable filters
OPTIONS = (*(f"--{name}" for name in NAMES), "--min-reliability")  # every field, as an option


class Filters(NamedTuple):
    """Filter values as given (each a tuple; empty: no such filter)."""

    subject: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    min_reliability: tuple[str, ...] = ()  # one level at most

    @classmethod
    def of(cls, **values: "Iterable[str] | str | None") -> "Filters":
        """Filters from option values: None or a list of strings (or one string) each."""
        return cls(**{name: _values(value) for name, value in values.items()})

    def __bool__(self) -> bool:
        return any(self)

    def as_options(self) -> str:
        """The filters as command-line options, every field (`--topic risks --min-reliability
        high`), for messages."""
        given = zip(OPTIONS, self, strict=True)
        return " ".join(f"{option} {value}" for option, values in given for value in values)


NO_FILTERS = Filters()


def _values(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class Catalog(NamedTuple):
    """What filter values are checked against."""

    subjects: Mapping[str, Sequence[str]]  # subject id -> every name: id, display name, aliases
    topics: Sequence[str]  # kb.toml vocabulary
    statuses: Sequence[str]  # kb.toml vocabulary
    sources: Collection[str]  # source ids
    reliability: Mapping[str, str] = {}  # source id -> its reliability level
    levels: Sequence[str] = ()  # kb.toml's reliability_levels, most reliable first


class Resolved(NamedTuple):
    """Filters checked against a catalog, as the values stored in entries: subject and source
    ids, topics and statuses as kb.toml spells them, tags in lower case. Empty: no filter."""

    subject: frozenset[str] = frozenset()
    topic: frozenset[str] = frozenset()
    tag: frozenset[str] = frozenset()
    source: frozenset[str] = frozenset()
    status: frozenset[str] = frozenset()
    reliable_sources: frozenset[str] | None = None  # --min-reliability: the sources it keeps

    def match(
        self,
        subject: str,
        topics: Iterable[str],
        tags: Iterable[str],
        sources: Iterable[str],
        status: str,
    ) -> bool:
        """Whether a fact with these values passes every filter."""
        return (
            (not self.subject or subject in self.subject)
            and (not self.topic or not self.topic.isdisjoint(topics))
            and (not self.tag or not self.tag.isdisjoint(t.casefold() for t in tags))
            and (not self.source or not self.source.isdisjoint(sources))
            and (not self.status or status in self.status)
            and (self.reliable_sources is None or not self.reliable_sources.isdisjoint(sources))
        )


def check_given(filters: Filters) -> None:
    """An empty value (`--tag ''`) is a mistake, not a filter: UsageError (exit 2). Needs no
    catalog, so that it is reported before any other work."""
    for option, values in zip(OPTIONS, filters, strict=True):
        if any(not value.strip() for value in values):
            raise UsageError(f"{option} needs a value")
    if len(filters.min_reliability) > 1:
        raise UsageError("--min-reliability takes one level")


def resolve(filters: Filters, catalog: Catalog) -> Resolved:
    """The filters as stored values; UsageError for an empty or unknown value."""
    check_given(filters)
    return Resolved(
        subject=frozenset(_subject(value, catalog.subjects) for value in filters.subject),
        topic=frozenset(_one_of("topic", value, catalog.topics) for value in filters.topic),
        tag=frozenset(value.strip().casefold() for value in filters.tag),
        source=frozenset(_one_of("source", value, catalog.sources) for value in filters.source),
        status=frozenset(_one_of("status", value, catalog.statuses) for value in filters.status),
        reliable_sources=_reliable_sources(filters.min_reliability, catalog),
    )


def _reliable_sources(given: tuple[str, ...], catalog: Catalog) -> frozenset[str] | None:
    """The sources at least as reliable as the level given (None: no such filter)."""
    if not given:
        return None
    from kb.entries.reliability import at_least

    level = _one_of("reliability level", given[0], catalog.levels)
    kept = at_least(level, catalog.levels)
    return frozenset(sid for sid, found in catalog.reliability.items() if found in kept)


def _one_of(kind: str, value: str, allowed: Iterable[str]) -> str:
    wanted = value.strip().casefold()
    by_fold = {item.casefold(): item for item in allowed}
    if wanted in by_fold:
        return by_fold[wanted]
    from kb.core.suggest import did_you_mean

    raise UsageError(
        f"unknown {kind} {value.strip()!r}{did_you_mean(value.strip(), by_fold.values())}"
    )


def _subject(value: str, subjects: Mapping[str, Sequence[str]]) -> str:
    wanted = value.strip().casefold()
    if value.strip() in subjects:
        return value.strip()
    owners = {name: sid for sid, names in subjects.items() for name in names}
    for name, sid in owners.items():
        if name.casefold() == wanted:
            return sid
    from kb.core.suggest import did_you_mean

    raise UsageError(f"unknown subject {value.strip()!r}{did_you_mean(value.strip(), owners)}")
