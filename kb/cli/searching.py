"""The body of `kb search`, shared by the typer command and the fast path (no typer here)."""

from pathlib import Path
from typing import Any, NamedTuple

from kb.cli import config
from kb.cli.io import message, notice, output_for, warn_skipped
from kb.entries.filters import Filters
from kb.render.base import Format, pick

DEFAULT_LIMIT = 10


class SearchRequest(NamedTuple):
    """Everything `kb search` was asked, however it was parsed."""

    query: str
    filters: Filters = Filters()
    limit: int | None = None  # as given (None: DEFAULT_LIMIT)
    show_all: bool = False
    sort: str | None = None  # FIELD or -FIELD (kb.entries.ordering)
    count_only: bool = False  # --count: only the number of matching facts
    fmt: str | None = None
    kb_path: Path | None = None
    index_dir: str | None = None
    no_color: bool = False
    color: str | None = None  # --color WHEN
    no_pager: bool = False


def run_search(request: SearchRequest) -> int:
    """Search, render, and return the exit code (domain errors propagate to the caller)."""
    from kb.render.search import RENDERERS
    from kb.search.api import search

    chosen, out = output_for(
        request.fmt, request.no_color, request.color, paging=not request.no_pager
    )
    render = pick(RENDERERS, chosen, "search")
    if request.count_only:  # the number of matching facts instead of them
        from kb.render.table import count

        render = lambda result, out: count(result.total or 0, chosen, out)  # noqa: E731
    sort_key = None
    if request.sort is not None:
        from kb.entries.ordering import fact_sort_fields, parse_sort

        sort_key = parse_sort(request.sort, ("score", *fact_sort_fields()))
    limit = None if request.show_all else request.limit or DEFAULT_LIMIT
    hits = not request.count_only  # a count needs no hits but the first
    result = search(
        config.kb_root(request.kb_path),
        request.query,
        request.filters,
        limit=limit if hits else 1,
        index_dir=config.index_dir(request.index_dir),
        cache_home=config.cache_home(),
        highlight=hits and chosen in (Format.rich, Format.json, Format.jsonl),
        count=not hits or chosen is Format.rich,
        records=hits and chosen not in (Format.plain, Format.ids),
        sort=sort_key if hits else None,
        notify=notice,
        watchman=config.watchman(),
    )
    warn_skipped(result.problems)
    words = ", ".join(repr(word) for word in result.unmatched)
    if result.corrected:
        missing = f"no fact contains {words}" if words else f"nothing matches {result.asked!r}"
        notice(f"{missing}; showing results for {result.query!r}")
    elif words:
        also = f" (did you mean {result.suggestion!r}?)" if result.suggestion else ""
        notice(f"no fact contains {words}; showing facts with the other words{also}")
    render(result, out)
    _say_if_cut(request, result, chosen)
    if result.hits:
        return 0
    from kb.core.suggest import hint

    suggestion = hint([result.suggestion] if result.suggestion else [])
    if result.unfiltered:
        given = request.filters.as_options()
        facts = "1 fact matches" if result.unfiltered == 1 else f"{result.unfiltered} facts match"
        message(f"no facts match {result.asked!r} with {given}; {facts} without the filters", "")
        return 1
    message(f"no facts match {result.asked!r}{suggestion}", "")
    return 1


def _say_if_cut(request: SearchRequest, result: Any, chosen: Format) -> None:
    """Never silently partial: a notice when the default limit left matching facts out (rich
    says so under the results; an explicit --limit is taken as meant)."""
    shown, total = len(result.hits), result.total or 0
    cut = not request.count_only and request.limit is None and shown < total
    if cut and chosen is not Format.rich:
        notice(
            f"showing {shown} of {total} matching facts (the default limit): "
            "--all for every one, --limit N for more, --count for the number"
        )
