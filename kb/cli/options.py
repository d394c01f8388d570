"""Typer pieces shared by the command modules: option types and opening the KB."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kb.cli import config, io
from kb.cli.completion import complete_source_ids, complete_subject_ids
from kb.entries.ordering import fact_sort_fields
from kb.render.base import Format

if TYPE_CHECKING:
    from kb.entries.loading import KnowledgeBase


def format_option(renderers: Iterable[Format]) -> Any:
    """`--format/-f` offering exactly the formats a command has renderers for: in its help,
    its shell completion and its check (an unknown one is a usage error, exit 2)."""
    names = [fmt.value for fmt in renderers]

    def check(value: str | None) -> str | None:
        if value is not None and value not in names:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(names)}")
        return value

    return typer.Option(
        "--format",
        "-f",
        help=f"Output format: {', '.join(names)} (default: rich on a terminal, plain when piped).",
        metavar="FORMAT",
        callback=check,
        autocompletion=lambda incomplete: [n for n in names if n.startswith(incomplete)],
        show_default=False,
    )


def path_value(value: str) -> Path:
    """A path given on the command line: an empty one (`--kb ""`, an unset shell variable) is a
    usage error, never the working directory that `Path("")` would be."""
    if not value:
        raise typer.BadParameter("an empty path (give one, or leave it out)")
    return Path(value)


def text_path(value: str | None) -> str | None:
    """`path_value`'s check for a path option kept as text."""
    if value is not None:
        path_value(value)
    return value


KbOpt = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        parser=path_value,
        metavar="<path>",
        help="Knowledge base directory (default: $KB_DIR, else the nearest "
        "entries/kb.toml, else the shipped KB).",
        show_default=False,
    ),
]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="No colour (the same as --color=never).")
]


def _color_when(value: str | None) -> str | None:
    if value is not None and value not in config.COLOR_WHEN:
        raise typer.BadParameter(f"{value!r} is not one of: {', '.join(config.COLOR_WHEN)}")
    return value


ColorOpt = Annotated[
    str | None,
    typer.Option(
        "--color",
        help="Colour: auto (on a terminal, unless NO_COLOR is set), always (also into a pipe "
        "or over NO_COLOR) or never.",
        metavar="WHEN",
        callback=_color_when,
        autocompletion=lambda incomplete: [
            w for w in config.COLOR_WHEN if w.startswith(incomplete)
        ],
        show_default=False,
    ),
]
NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Do not page output to a terminal (default pager: $KB_PAGER, else $PAGER, "
        "else less -FRX).",
    ),
]


def open_kb(kb_path: Path | None, on_demand: bool = False, writing: bool = False) -> KnowledgeBase:
    """The KB the options name (see kb.entries.loading.load for `on_demand`; `writing`: never
    the shipped KB by default, see kb.cli.config.kb_root)."""
    from kb.entries.loading import load

    return load(config.kb_root(kb_path, writing), on_demand)


def warn_skipped(kb: KnowledgeBase) -> None:
    """One warning per entry of the KB skipped as invalid."""
    io.warn_skipped(kb.problems)


IndexDirOpt = Annotated[
    str | None,
    typer.Option(
        "--index-dir",
        callback=text_path,
        help="Search index directory (default: $KB_INDEX_DIR, else "
        "the user cache directory, keyed by the KB's path).",
        show_default=False,
    ),
]
IdOpt = Annotated[
    str | None,
    typer.Option(
        "--id",
        help="Entry id (default: proposed from the text, kebab-case).",
        metavar="ID",
        show_default=False,
    ),
]
SnapshotsOpt = Annotated[
    str | None,
    typer.Option(
        "--snapshots",
        callback=text_path,
        help="Directory of source snapshots (default: $KB_SNAPSHOTS, else kb.toml's snapshots).",
        metavar="DIR",
        show_default=False,
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check and print the entry instead of writing it.")
]

# `kb list` and `kb search`: sorting (kb.entries.ordering) and counting.
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort",
        help=f"Sort by FIELD: {', '.join(fact_sort_fields())} (search: also score, best "
        "first); -FIELD the other way.",
        metavar="FIELD",
        show_default=False,
    ),
]
CountOpt = Annotated[
    bool,
    typer.Option("--count", help='Print only the number of matching facts (json: {"total": N}).'),
]

# Filters shared by `kb list`, `kb search` and `kb compare` (kb.entries.filters): each
# repeatable; values of one filter combine with OR, different filters with AND.
SubjectFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--subject",
        help="Subject id, name or alias (repeatable: any of them).",
        autocompletion=complete_subject_ids,
        show_default=False,
    ),
]
TopicFilterOpt = Annotated[
    list[str] | None,
    typer.Option("--topic", help="Topic from kb.toml (repeatable).", show_default=False),
]
TagFilterOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="Tag (repeatable).", show_default=False)
]
SourceFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="Source id (repeatable).",
        autocompletion=complete_source_ids,
        show_default=False,
    ),
]
StatusFilterOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help="Status from kb.toml (repeatable).", show_default=False),
]
MinReliabilityOpt = Annotated[
    str | None,
    typer.Option(
        "--min-reliability",
        help="Only facts with a source of this reliability level or better "
        "(kb.toml's reliability_levels, most reliable first).",
        metavar="LEVEL",
        show_default=False,
    ),
]
