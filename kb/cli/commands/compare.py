"""`kb compare`: subjects, the sources on one subject, or facts, side by side."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from kb.cli.completion import complete_subject_or_fact_ids
from kb.cli.io import message, output_for
from kb.cli.options import (
    ColorOpt,
    KbOpt,
    MinReliabilityOpt,
    NoColorOpt,
    NoPagerOpt,
    format_option,
    open_kb,
    warn_skipped,
)
from kb.render.base import pick
from kb.render.compare import RENDERERS


class CompareBy(StrEnum):
    subject = "subject"
    source = "source"


def compare_command(
    things: Annotated[
        list[str],
        typer.Argument(
            help="Two or more subjects (ids, names or aliases) or two or more fact ids; "
            "one subject with --by source.",
            show_default=False,
            metavar="SUBJECT|FACT...",
            autocompletion=complete_subject_or_fact_ids,
        ),
    ],
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by", help="Columns: one per subject, or one per source on a single subject."
        ),
    ] = CompareBy.subject,
    attribute: Annotated[
        list[str] | None,
        typer.Option(
            "--attribute",
            help="Only this attribute (repeatable).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            help="Only facts with this topic (repeatable: any of them).",
            metavar="TOPIC",
            show_default=False,
        ),
    ] = None,
    min_reliability: MinReliabilityOpt = None,
    fmt: Annotated[str | None, format_option(RENDERERS)] = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Compare subjects, the sources on one subject, or facts, side by side.

    Examples: kb compare ketamine spravato;  kb compare ketamine --by source;
    kb compare ketamine-developed-1960s ketamine-developed-about-fifty-years-ago -f json
    """
    from kb.analysis.compare import compare
    from kb.entries.filters import Filters

    chosen, out = output_for(fmt, no_color, color, paging=not no_pager)
    render = pick(RENDERERS, chosen, "compare")
    kb = open_kb(kb_path)
    comparison = compare(
        kb,
        things,
        by.value,
        attribute or (),
        Filters.of(topic=topic, min_reliability=min_reliability),
    )
    render(comparison, out)
    warn_skipped(kb)
    if not comparison.rows:
        message("nothing to compare: no facts with an attribute match", "")
        raise typer.Exit(1)
