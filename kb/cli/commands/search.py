"""`kb search` (whose body the fast path shares: kb.cli.searching) and `kb index`."""

from __future__ import annotations

from typing import Annotated

import typer

from kb.cli import config
from kb.cli.io import notice, output_for, warn_skipped
from kb.cli.options import (
    ColorOpt,
    CountOpt,
    IndexDirOpt,
    KbOpt,
    MinReliabilityOpt,
    NoColorOpt,
    NoPagerOpt,
    SortOpt,
    SourceFilterOpt,
    StatusFilterOpt,
    SubjectFilterOpt,
    TagFilterOpt,
    TopicFilterOpt,
    format_option,
)
from kb.render.base import pick
from kb.render.search import INDEX_RENDERERS
from kb.render.search import RENDERERS as SEARCH_RENDERERS


def search_command(
    query: Annotated[
        list[str],
        typer.Argument(
            help='Words, "phrases", AND/OR/NOT, (groups), wild*, fuzzy~, field:value '
            "(subject, topic, tag, source, status, attribute, value, statement, quote, id).",
            show_default=False,
        ),
    ],
    subject: SubjectFilterOpt = None,
    topic: TopicFilterOpt = None,
    tag: TagFilterOpt = None,
    source: SourceFilterOpt = None,
    status: StatusFilterOpt = None,
    min_reliability: MinReliabilityOpt = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            help="Show at most N facts (default: 10; when that cuts the result, a notice "
            "on stderr says how many matched).",
            show_default=False,
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every matching fact.")] = False,
    sort: SortOpt = None,
    count: CountOpt = False,
    fmt: Annotated[str | None, format_option(SEARCH_RENDERERS)] = None,
    kb_path: KbOpt = None,
    index_dir: IndexDirOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Full-text search: facts ranked by relevance, those matching every word first.

    Exit 0 with matches, 1 with none, 2 for a bad query. The index is updated automatically
    before each search. The query language (questions, operators, fields, thesaurus, typos,
    limits): kb help search.

    Examples: kb search bladder;  kb search 'subject:spravato AND dose' -f json;
    kb search '"nasal spray"' --status contested -f ids;  kb search bladder --all -f csv;
    kb search ketamine --count
    """
    from kb.cli.searching import SearchRequest, run_search
    from kb.entries.filters import Filters

    filters = Filters.of(
        subject=subject,
        topic=topic,
        tag=tag,
        source=source,
        status=status,
        min_reliability=min_reliability,
    )
    request = SearchRequest(
        " ".join(query),
        filters,
        limit=limit,
        show_all=show_all,
        sort=sort,
        count_only=count,
        fmt=fmt,
        kb_path=kb_path,
        index_dir=index_dir,
        no_color=no_color,
        color=color,
        no_pager=no_pager,
    )
    code = run_search(request)
    if code:
        raise typer.Exit(code)


def index_command(
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Build a new index from scratch instead of updating the changed entries.",
        ),
    ] = False,
    fmt: Annotated[str | None, format_option(INDEX_RENDERERS)] = None,
    kb_path: KbOpt = None,
    index_dir: IndexDirOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
) -> None:
    """Bring the search index up to date and report what changed (searches do this anyway).

    Examples: kb index;  kb index --rebuild -f json
    """
    from kb.search.api import index

    chosen, out = output_for(fmt, no_color, color)
    render = pick(INDEX_RENDERERS, chosen, "index")
    report = index(
        config.kb_root(kb_path),
        rebuild=rebuild,
        index_dir=config.index_dir(index_dir),
        cache_home=config.cache_home(),
        notify=notice,
        watchman=config.watchman(),
    )
    warn_skipped(report.problems)
    render(report, out)
