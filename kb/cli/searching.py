"""The body of `kb search`, shared by the typer command and the fast path (no typer here)."""

from pathlib import Path
from typing import NamedTuple

from kb.cli import config
from kb.cli.io import message, notice, output_for, warn_skipped
from kb.entries.filters import Filters
from kb.render.base import Format, pick


class SearchRequest(NamedTuple):
    """Everything `kb search` was asked, however it was parsed."""

    query: str
    filters: Filters = Filters()
    limit: int | None = 10
    fmt: str | None = None
    kb_path: Path | None = None
    index_dir: str | None = None
    no_color: bool = False


def run_search(request: SearchRequest) -> int:
    """Search, render, and return the exit code (domain errors propagate to the caller)."""
    from kb.render.search import RENDERERS
    from kb.search.api import search

    chosen, out = output_for(request.fmt, request.no_color)
    render = pick(RENDERERS, chosen, "search")
    result = search(
        config.kb_root(request.kb_path),
        request.query,
        request.filters,
        limit=request.limit,
        index_dir=config.index_dir(request.index_dir),
        cache_home=config.cache_home(),
        highlight=chosen in (Format.rich, Format.json, Format.jsonl),
        count=chosen is Format.rich,
        records=chosen not in (Format.plain, Format.ids),
        notify=notice,
        watchman=config.watchman(),
    )
    warn_skipped(result.problems)
    if result.corrected:
        notice(f"nothing matches {result.asked!r}; showing results for {result.query!r}")
    render(result, out)
    if result.hits:
        return 0
    from kb.core.suggest import hint

    suggestion = hint([result.suggestion] if result.suggestion else [])
    message(f"no facts match {result.asked!r}{suggestion}", "")
    return 1
