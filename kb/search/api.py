"""`kb search` and `kb index`: run a query against an always-fresh index.

The index is opened through kb.index.opening (updated first if any entry file changed). When
nothing matches, a corrected query is tried (kb.search.spelling). When the index turns out to be
damaged while searching, it is verified under the writer lock and rebuilt if need be, and the
search is run again: the caller gets the same results as from a healthy index.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from kb.entries.filters import Filters, check_given, resolve
from kb.index.damage import damage_errors, describe, unusable
from kb.index.livestats import best, live_reader
from kb.index.opening import Notify, Opened, Report, open_index
from kb.index.store import Manifest
from kb.search.limits import leaves
from kb.search.query import Parsed, filter_query, parse, positive_terms, prepare


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
        self.suggestion: str | None = None  # a correction that was not searched or found nothing
        # words in no fact, when the other words found some (then corrected, or not)
        self.unmatched: list[str] = []
        self.unfiltered: int | None = None  # matches without the filters, when they left none
        self.problems: list[str] = []  # entries skipped as invalid
        self.limit: int | None = None  # the limit searched with (None: every match)
        self.complete = False  # whether `hits` are every match (then `total` needs no count)

    def __repr__(self) -> str:
        return f"SearchResult({self.query!r}, {len(self.hits)} hits)"

    @property
    def corrected(self) -> bool:
        return self.query != self.asked


def resolve_filters(filters: Filters, manifest: Manifest) -> Any | None:
    """The filters as a Whoosh query, checked against the index's record of the KB (so that
    no entry file is parsed); UsageError for an unknown value."""
    return filter_query(resolve(filters, manifest.catalog())) if filters else None


class _Wanted:
    """What a search is asked to give back. (A plain class: a NamedTuple with annotations
    would cost every search the compilation of each annotation.)"""

    __slots__ = ("count_all", "highlight", "limit", "records", "sort")

    def __init__(
        self, limit: int | None, highlight: bool, count_all: bool, records: bool, sort: Any = None
    ) -> None:
        self.limit = limit  # None: every match
        self.highlight = highlight  # compute highlights (needs records)
        self.count_all = count_all  # count every match
        self.records = records  # keep each hit's stored record (not only id, score, statement)
        self.sort = sort  # a kb.entries.ordering.SortKey: every match sorted, then cut to `limit`


_ON_HIT = ("id", "score", "statement")  # what a Hit holds without its stored record


def _run(searcher: Any, parsed: Parsed, where: Any, wanted: _Wanted) -> tuple[list[Hit], bool]:
    """The best hits, facts matching every word first, then by score and id; and whether they
    are every match (nothing left out by the limit: the total is known without counting)."""
    hits: list[Hit] = []
    seen: set[int] = set()
    complete = True
    for query in ([parsed.all_words] if parsed.all_words is not None else []) + [parsed.query]:
        limit = None if wanted.limit is None or wanted.sort else wanted.limit - len(hits)
        if limit == 0:
            complete = False  # the facts with every word filled the limit: the rest untold
            break
        tier = []
        wider = None if limit is None else limit + 1  # one more: to know whether there are more
        for docnum, score in best(searcher, query, wider, filter=where, mask=seen or None):
            stored = searcher.stored_fields(docnum)
            data = stored["data"] if wanted.records or wanted.highlight else None
            tier.append((Hit(stored["id"], score, stored["statement"], data), docnum))
        tier.sort(key=lambda item: (-round(item[0].score, 9), item[0].id))
        complete = limit is None or len(tier) <= limit
        tier = tier[:limit]  # the first `limit` of the best limit + 1 are the best `limit`
        seen.update(docnum for _, docnum in tier)
        hits += [hit for hit, _ in tier]
    if wanted.sort is not None:  # `--sort FIELD`: every match by that field, then the limit
        from kb.entries.ordering import ordered

        def value(hit: Hit, field: str) -> Any:
            return getattr(hit, field) if field in _ON_HIT else hit.record.get(field)

        complete = wanted.limit is None or len(hits) <= wanted.limit
        hits = ordered(hits, wanted.sort, value)[: wanted.limit]
    return hits, complete


def _search_once(
    opened: Opened, checked: Parsed, filters: Filters, wanted: _Wanted
) -> SearchResult:
    where = resolve_filters(filters, opened.manifest)
    thesaurus = opened.manifest.thesaurus
    with opened.searcher() as searcher:  # ranks as a fresh build would (kb.index.livestats)
        reader = live_reader(searcher)  # live documents only
        parsed, text = prepare(checked, reader, thesaurus), checked.text
        hits, complete = _run(searcher, parsed, where, wanted)
        result = SearchResult(text, text, hits)
        result.complete = complete
        if not result.hits or _several_words(parsed):
            parsed = _correct(searcher, parsed, where, wanted, result, thesaurus)
        if not result.hits and where is not None:
            result.unfiltered = _count(searcher, parsed.query, None)
        if wanted.records:  # provenance strongest first, best_reliability, weakly_sourced
            _rank_sources(result.hits, opened.manifest.reliability_levels)
            _status_display(result.hits, opened.manifest.status_display)
        if wanted.highlight and result.hits:
            _highlight(result.hits, positive_terms(parsed.query, reader))
        # The total is always known: counted when the limit may have cut the hits.
        cut = wanted.limit is not None and len(result.hits) >= wanted.limit
        counted = wanted.count_all or (cut and not result.complete)
        result.total = _count(searcher, parsed.query, where) if counted else len(result.hits)
        result.limit = wanted.limit
    result.problems = sorted(opened.manifest.problems.values())
    return result


def _several_words(parsed: Parsed) -> bool:
    """Whether the query has more than one word (one word that found facts is in the index;
    the spelling module is not even loaded then)."""
    places = {getattr(leaf, "startchar", None) for leaf in leaves(parsed.query)}
    return len(places - {None}) > 1  # thesaurus words have no place: they were not typed


def _correct(
    searcher: Any,
    parsed: Parsed,
    where: Any,
    wanted: _Wanted,
    result: SearchResult,
    thesaurus: Any,
) -> Parsed:
    """Words that are in no fact: corrected when the query found nothing, or, in a few
    keywords (kb.search.spelling.keywords), when the corrected words are found together in some
    fact; otherwise reported (`unmatched`, with the correction as a suggestion). In a question
    a word the facts lack is more likely a real word than a typo ("who stays with you" is not
    "who says"). Returns the query whose hits the result holds."""
    from kb.search.spelling import keywords, suggest, unknown

    reader = live_reader(searcher)  # live documents only (kb.index.livestats)
    missing = unknown(parsed.text, parsed.query, reader)
    if not missing:
        return parsed
    better = suggest(parsed.text, parsed.query, reader)
    if better is not None:
        corrected = prepare(parse(better), reader, thesaurus)
        together = corrected.all_words if corrected.all_words is not None else corrected.query
        if not result.hits or (
            keywords(parsed.text, parsed.query) and searcher.search(together, filter=where, limit=1)
        ):
            hits, complete = _run(searcher, corrected, where, wanted)
            if hits:
                if result.hits:
                    result.unmatched = _typed(parsed.text, missing)
                result.hits, result.query, result.complete = hits, better, complete
                return corrected
        result.suggestion = better
    if result.hits:
        result.unmatched = _typed(parsed.text, missing)
    return parsed


def _typed(text: str, places: Any) -> list[str]:
    return list(dict.fromkeys(text[start:end] for start, end in sorted(places)))


def _count(searcher: Any, query: Any, where: Any) -> int:
    """How many facts match, without scoring them (which would cost a second search)."""
    matched = searcher.docs_for_query(query)
    if where is None:
        return sum(1 for _ in matched)
    allowed = set(searcher.docs_for_query(where))
    return sum(1 for docnum in matched if docnum in allowed)


def _rank_sources(hits: list[Hit], levels: list[str]) -> None:
    from kb.entries.reliability import add_to_record

    for hit in hits:
        add_to_record(hit.record, levels)


def _status_display(hits: list[Hit], shown: dict[str, str]) -> None:
    """How kb.toml says each hit's status is shown, for the renderers (`status_display`)."""
    if shown:
        for hit in hits:
            hit.record["status_display"] = shown.get(hit.record.get("status", ""), "plain")


def _highlight(hits: list[Hit], terms: dict[str, set[str | tuple[str, ...]]]) -> None:
    from kb.search.highlight import for_hit

    for hit in hits:
        statement, quote = for_hit(hit.record, terms)  # the strongest source's, if it matches
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
    sort: Any = None,
    notify: Notify = lambda text: None,
    watchman: bool = False,
) -> SearchResult:
    """Search the KB at `root`. Raises QueryError/UsageError for a bad query or filter.

    `records=False` keeps only the id, score and statement of each hit (what `ids` and
    `plain` show), so that even `--all` on a large KB holds little in memory. `sort` (a
    kb.entries.ordering.SortKey) orders every match by a field before `limit` applies. The
    result's `total` is always the number of matching facts."""
    filters = filters or Filters()
    records = records or (sort is not None and sort.field not in _ON_HIT)
    wanted = _Wanted(limit, highlight, count, records, sort)
    check_given(filters)  # bad filters and queries are reported before any index work
    parsed = parse(text)
    opened = open_index(root, index_dir, cache_home=cache_home, notify=notify, watchman=watchman)
    for attempt in ("verify", "rebuild", None):
        try:
            return _search_once(opened, parsed, filters, wanted)
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
        strict=True,
        watchman=watchman,
    )
    opened.report.problems = sorted(opened.manifest.problems.values())
    return opened.report
