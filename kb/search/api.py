"""`kb search` and `kb index`: run a query against an always-fresh index.

The index is opened through kb.index.opening (updated first if any entry file changed). When
nothing matches, a corrected query is tried (kb.search.spelling). When the index turns out to be
damaged while searching, it is verified under the writer lock and rebuilt if need be, and the
search is run again: the caller gets the same results as from a healthy index.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from kb.entries.filters import Filters, check_given, resolve
from kb.index.damage import damage_errors, describe, unusable
from kb.index.opening import Notify, Opened, Report, open_index
from kb.index.store import Manifest
from kb.search.limits import check_expansions
from kb.search.query import Parsed, filter_query, parse, positive_terms


# Hit and SearchResult are plain classes: `dataclasses` would cost every search ~7 ms of imports.
class Hit:
    """One matching fact."""

    def __init__(self, id: str, score: float, statement: str, stored: str | None = None) -> None:
        self.id, self.score, self.statement = id, score, statement
        self.stored = stored  # the document's `data` (JSON), unless only ids were wanted
        self.highlights: tuple[
            Any, ...
        ] = ()  # kb.search.highlight.Highlight: statement, then quote

    def __repr__(self) -> str:
        return f"Hit({self.id!r}, {self.score:.3f})"

    @cached_property
    def record(self) -> dict[str, Any]:
        """The fact as stored in the index (see kb.index.fields.stored_record)."""
        import json

        if self.stored is None:
            raise ValueError("search(records=False) keeps only ids, scores and statements")
        data: dict[str, Any] = json.loads(self.stored)
        return data


class SearchResult:
    """The hits of a query, best first, and what the search did to find them."""

    def __init__(self, asked: str, query: str, hits: list[Hit]) -> None:
        self.asked = asked  # the query as typed
        self.query = query  # the query searched: `asked`, or its correction if that found some
        self.hits = hits
        self.total: int | None = None  # all matches (when counted)
        self.suggestion: str | None = None  # a correction that found nothing either
        self.problems: list[str] = []  # entries skipped as invalid

    def __repr__(self) -> str:
        return f"SearchResult({self.query!r}, {len(self.hits)} hits)"

    @property
    def corrected(self) -> bool:
        return self.query != self.asked


def resolve_filters(filters: Filters, manifest: Manifest) -> Any | None:
    """The filters as a Whoosh query, checked against the index's record of the KB (so that
    no entry file is parsed); UsageError for an unknown value."""
    return filter_query(resolve(filters, manifest.catalog())) if filters else None


class _Wanted(NamedTuple):
    limit: int | None  # None: every match
    highlight: bool  # compute highlights (needs records)
    count_all: bool  # count every match
    records: bool  # keep each hit's stored record (not only id, score and statement)


def _run(searcher: Any, parsed: Parsed, where: Any, wanted: _Wanted) -> list[Hit]:
    """The best hits, facts matching every word first, then by score and id."""
    hits: list[Hit] = []
    seen: set[int] = set()
    for query in ([parsed.all_words] if parsed.all_words is not None else []) + [parsed.query]:
        limit = None if wanted.limit is None else wanted.limit - len(hits)
        if limit == 0:
            break
        results = searcher.search(query, filter=where, mask=seen or None, limit=limit)
        tier = []
        for docnum, score in ((r.docnum, r.score) for r in results):
            stored = searcher.stored_fields(docnum)
            data = stored["data"] if wanted.records or wanted.highlight else None
            tier.append(Hit(stored["id"], score, stored["statement"], data))
            seen.add(docnum)
        hits += sorted(tier, key=lambda hit: (-round(hit.score, 9), hit.id))
    return hits


def _search_once(opened: Opened, text: str, filters: Filters, wanted: _Wanted) -> SearchResult:
    where = resolve_filters(filters, opened.manifest)
    parsed = parse(text)
    with opened.searcher() as searcher:
        reader = searcher.reader()
        check_expansions(parsed.query, reader)
        result = SearchResult(text, text, _run(searcher, parsed, where, wanted))
        if not result.hits:
            from kb.search.spelling import suggest

            better = suggest(parsed.text, parsed.query, reader)
            if better is not None:
                corrected = parse(better)
                check_expansions(corrected.query, reader)
                result.hits = _run(searcher, corrected, where, wanted)
                if result.hits:
                    parsed, result.query = corrected, better
                else:
                    result.suggestion = better
        if wanted.highlight and result.hits:
            _highlight(result.hits, positive_terms(parsed.query, reader))
        if wanted.count_all:
            result.total = _count(searcher, parsed.query, where)
    result.problems = sorted(opened.manifest.problems.values())
    return result


def _count(searcher: Any, query: Any, where: Any) -> int:
    """How many facts match, without scoring them (which would cost a second search)."""
    matched = searcher.docs_for_query(query)
    if where is None:
        return sum(1 for _ in matched)
    allowed = set(searcher.docs_for_query(where))
    return sum(1 for docnum in matched if docnum in allowed)


def _highlight(hits: list[Hit], terms: dict[str, set[str]]) -> None:
    from kb.search.highlight import for_hit

    for hit in hits:
        statement, quote = for_hit(hit.record, terms)
        hit.highlights = (statement,) if quote is None else (statement, quote)


def search(
    root: Path,
    text: str,
    filters: Filters | None = None,
    *,
    limit: int | None = 10,
    index_dir: str | None = None,
    cache_home: Path | None = None,
    highlight: bool = True,
    count: bool = False,
    records: bool = True,
    notify: Notify = lambda text: None,
    watchman: bool = False,
) -> SearchResult:
    """Search the KB at `root`. Raises QueryError/UsageError for a bad query or filter.

    `records=False` keeps only the id, score and statement of each hit (what `ids` and
    `plain` show), so that even `--all` on a large KB holds little in memory."""
    filters = filters or Filters()
    wanted = _Wanted(limit, highlight, count, records)
    check_given(filters)  # bad filters and queries are reported before any index work
    parse(text)
    opened = open_index(root, index_dir, cache_home=cache_home, notify=notify, watchman=watchman)
    for attempt in ("verify", "rebuild", None):
        try:
            return _search_once(opened, text, filters, wanted)
        except damage_errors() as error:
            if attempt is None:
                raise unusable(error) from None
            rebuild = attempt == "rebuild"
            opened = open_index(
                root,
                index_dir,
                cache_home=cache_home,
                notify=notify,
                verify=True,
                rebuild=rebuild,
                damaged=describe(error) if rebuild else None,
                watchman=watchman,
            )
    raise AssertionError("unreachable")


def index(
    root: Path,
    *,
    rebuild: bool = False,
    index_dir: str | None = None,
    cache_home: Path | None = None,
    notify: Notify = lambda text: None,
    watchman: bool = False,
) -> Report:
    """Bring the index up to date (or rebuild it) and say what that took."""
    opened = open_index(
        root,
        index_dir,
        cache_home=cache_home,
        rebuild=rebuild,
        notify=notify,
        watchman=watchman,
    )
    opened.report.problems = sorted(opened.manifest.problems.values())
    return opened.report
