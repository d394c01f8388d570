"""`kb show`, `kb list`, `kb stats`: facts and counts from the loaded KB."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli import config
from kb.cli.completion import complete_fact_ids
from kb.cli.io import message, output_for, warn_skipped
from kb.cli.options import (
    ColorOpt,
    CountOpt,
    KbOpt,
    MinReliabilityOpt,
    NoColorOpt,
    NoPagerOpt,
    SnapshotsOpt,
    SortOpt,
    SourceFilterOpt,
    StatusFilterOpt,
    SubjectFilterOpt,
    TagFilterOpt,
    TopicFilterOpt,
    format_option,
    open_kb,
)
from kb.cli.options import warn_skipped as warn_skipped_entries
from kb.render.base import Format, pick
from kb.render.facts import LIST_RENDERERS, SHOW_RENDERERS
from kb.render.stats import RENDERERS as STATS_RENDERERS
from kb.render.table import count as render_count

if TYPE_CHECKING:
    from kb.entries.loading import KnowledgeBase
    from kb.entries.models import Fact


def show_command(
    ids: Annotated[
        list[str],
        typer.Argument(
            help="Fact ids or entry paths (facts/risks/x.toml), or - to read them from stdin "
            "(one per line; tab-separated lines: the first field).",
            metavar="ID...",
            autocompletion=complete_fact_ids,
        ),
    ],
    fmt: Annotated[str | None, format_option(SHOW_RENDERERS)] = None,
    kb_path: KbOpt = None,
    context: Annotated[
        bool,
        typer.Option(
            "--context",
            help="Show each quote inside its passage of the source's snapshot (snapshots as "
            "kb validate finds them).",
        ),
    ] = False,
    snapshots: SnapshotsOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Show facts with their subject, status and every source quote.

    Examples: kb show ketamine-schedule-iii;  kb search bladder -f ids | kb show - -f json
    """
    from kb.core.suggest import hint
    from kb.entries.selection import is_entry_path, lookup_facts

    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(SHOW_RENDERERS, chosen, "show")
    # `-` reads stdin: one id or entry path per line, or the tab-separated lines `kb search`
    # and `kb list` print (their first field is the id).
    wanted = [
        line.partition("\t")[0]
        for arg in ids
        for line in (sys.stdin.read().splitlines() if arg == "-" else [arg])
    ]
    kb = open_kb(kb_path, on_demand=True)
    found = lookup_facts(kb, wanted)
    records = [kb.fact_view(fact) for fact in found.found]
    for record, links in zip(records, _backlinks(kb, found.found), strict=True):
        record["backlinks"] = links
        record["path"] = record.pop("path")  # last, in every command (docs/cli.md)
    if context:
        from kb.entries.context import add_contexts

        for note in add_contexts(kb, records, config.snapshots(snapshots)):
            message(note, "warning")
    if chosen is Format.toml:
        for record, fact in zip(records, found.found, strict=True):
            record["toml"] = fact.path.read_text(encoding="utf-8") if fact.path else ""
    render(records, out)
    warn_skipped(found.unknown_problems(kb.problems))
    for unknown in found.unknown:
        if unknown in found.invalid:
            why = found.invalid[unknown]
            message(
                f"fact {unknown!r} cannot be shown: its file is invalid: {why} (run kb validate)"
            )
            continue
        from kb.analysis.catalogue import other_kind_hint

        instead = other_kind_hint(kb, unknown, "fact")  # a source or subject id: say so
        suggested = "" if instead else hint(found.suggestions.get(unknown) or [])
        what = "fact file" if is_entry_path(unknown) else "fact id"
        message(f"unknown {what} {unknown!r}{instead or suggested}")
    if found.unknown or not found.found:
        if not found.unknown and not found.found:  # nothing but blank lines or arguments
            message("no fact ids given")
        raise typer.Exit(1)


def _backlinks(kb: KnowledgeBase, facts: Sequence[Fact]) -> list[list[dict[str, str]]]:
    """Per fact, the facts whose `related` names it: from the search index when there is
    one (cheap on a large KB), else from the fact files that mention its id."""
    from kb.entries.selection import SCAN_BELOW, backlinks, link_views

    ids = [fact.id for fact in facts]
    found = None
    from kb.search.links import indexed_facts

    # the index's count of facts, not the KB's: counting the fact files walks the KB (0.5 s at
    # 100,000 facts)
    index_dir, cache_home = config.index_dir(None), config.cache_home()
    if (indexed_facts(kb.root, index_dir, cache_home) or 0) >= SCAN_BELOW:
        from kb.search.links import backlinks as indexed

        found = indexed(kb.root, ids, index_dir, cache_home, config.watchman())
    if found is None:
        found = {i: link_views(linking) for i, linking in backlinks(kb, ids).items()}
    return [found[i] for i in ids]


def list_command(
    subject: SubjectFilterOpt = None,
    topic: TopicFilterOpt = None,
    tag: TagFilterOpt = None,
    source: SourceFilterOpt = None,
    status: StatusFilterOpt = None,
    min_reliability: MinReliabilityOpt = None,
    fmt: Annotated[str | None, format_option(LIST_RENDERERS)] = None,
    sort: SortOpt = None,
    count: CountOpt = False,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """List facts, one row each, optionally filtered.

    Examples: kb list --subject spravato;  kb list --status refuted -f jsonl;
    kb list --sort subject -f csv;  kb list --tag bladder --count
    """
    from kb.entries.filters import Filters
    from kb.entries.ordering import fact_sort_fields, ordered, parse_sort
    from kb.entries.selection import backlinks, link_views, select_facts

    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(LIST_RENDERERS, chosen, "list")
    sort_key = parse_sort(sort, fact_sort_fields()) if sort is not None else None
    kb = open_kb(kb_path)
    filters = Filters.of(
        subject=subject,
        topic=topic,
        tag=tag,
        source=source,
        status=status,
        min_reliability=min_reliability,
    )
    facts = select_facts(kb, filters)
    if count:
        render_count(len(facts), chosen, out)
    else:
        linked = backlinks(kb, [fact.id for fact in facts])
        records = [kb.fact_view(fact) for fact in facts]
        for record in records:
            record["backlinks"] = link_views(linked[record["id"]])
            record["path"] = record.pop("path")  # last, in every command (docs/cli.md)
        if sort_key is not None:
            records = ordered(records, sort_key, lambda record, field: record.get(field))
        render(records, out)
    warn_skipped_entries(kb)
    if not facts:
        message("no facts match", "")
        raise typer.Exit(1)


def stats_command(
    fmt: Annotated[str | None, format_option(STATS_RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Count facts per source, topic, subject, status and source reliability.

    plain: section<TAB>key<TAB>count lines; json: {section: {key: count}}; jsonl: one
    {"section", "key", "count"} object per line.

    Examples: kb stats;  kb stats -f json | jq .topic
    """
    from kb.analysis.stats import compute

    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(STATS_RENDERERS, chosen, "stats")
    kb = open_kb(kb_path)
    render(compute(kb), out)
    warn_skipped_entries(kb)
