"""`kb sources`, `kb subjects`, `kb tags`: what the facts rest on and are about, with counts;
given ids, `kb sources` and `kb subjects` show those in full."""

from __future__ import annotations

from typing import Annotated

import typer

from kb.cli.completion import complete_source_ids, complete_subject_ids
from kb.cli.io import output_for
from kb.cli.options import (
    ColorOpt,
    KbOpt,
    NoColorOpt,
    NoPagerOpt,
    format_option,
    open_kb,
    warn_skipped,
)
from kb.render.base import pick
from kb.render.catalogue import (
    SOURCE_RENDERERS,
    SOURCES_RENDERERS,
    SUBJECT_RENDERERS,
    SUBJECTS_RENDERERS,
    TAGS_RENDERERS,
)


def sources_command(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Source ids to show in full (default: list every source).",
            metavar="[ID]...",
            autocompletion=complete_source_ids,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str | None, format_option(SOURCES_RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """List the sources, most reliable first, with how many facts cite each; or show some
    in full: reliability and why, kind, publisher, authors, retrieved, URL, facts citing it.

    plain: id<TAB>reliability<TAB>kind<TAB>facts<TAB>title<TAB>publisher. With ids, -f ids
    lists the facts citing them.

    Examples: kb sources;  kb sources whatedu-ketamine-faq;
    kb sources salazar-musk-blog -f ids | kb show -
    """
    from kb.analysis import catalogue

    renderers = SOURCE_RENDERERS if ids else SOURCES_RENDERERS
    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(renderers, chosen, "sources")
    kb = open_kb(kb_path)
    render(catalogue.source_details(kb, ids) if ids else catalogue.sources(kb), out)
    warn_skipped(kb)


def subjects_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Subjects (id, name or alias) to show in full (default: list every subject).",
            metavar="[SUBJECT]...",
            autocompletion=complete_subject_ids,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str | None, format_option(SUBJECTS_RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """List the subjects with how many facts are about each; or show some in full: aliases,
    description and their facts by topic.

    plain: id<TAB>kind<TAB>facts<TAB>name<TAB>aliases. With subjects, -f ids lists their facts.

    Examples: kb subjects;  kb subjects spravato;  kb subjects ketamine -f json
    """
    from kb.analysis import catalogue

    renderers = SUBJECT_RENDERERS if names else SUBJECTS_RENDERERS
    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(renderers, chosen, "subjects")
    kb = open_kb(kb_path)
    render(catalogue.subject_details(kb, names) if names else catalogue.subjects(kb), out)
    warn_skipped(kb)


def tags_command(
    fmt: Annotated[str | None, format_option(TAGS_RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """List the tags with how many facts carry each, most used first.

    plain: tag<TAB>facts; json: [{"tag", "facts"}]; ids: the tags.

    Examples: kb tags;  kb tags -f ids | head
    """
    from kb.analysis import catalogue

    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(TAGS_RENDERERS, chosen, "tags")
    kb = open_kb(kb_path)
    render(catalogue.tags(kb), out)
    warn_skipped(kb)
