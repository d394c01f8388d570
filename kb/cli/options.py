"""Typer pieces shared by the command modules: option types, error handling, KB opening."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from kb.cli.completion import complete_source_ids, complete_subject_ids
from kb.cli.io import message, silence_stdout
from kb.cli.io import warn_skipped as skipped
from kb.core.errors import KbError
from kb.render.base import Format

F = TypeVar("F", bound=Callable[..., Any])

FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: rich on a terminal, plain when piped).",
        show_default=False,
    ),
]
KbOpt = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        help="Knowledge base directory (default: $KB_DIR, else the nearest "
        "entries/kb.toml, else the shipped KB).",
        show_default=False,
    ),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour (also: NO_COLOR).")]


def handle_errors(func: F) -> F:
    """Turn domain errors into a message on stderr and their exit code; a reader that closed
    the pipe (`kb list | head -1`) ends the command quietly, exit 0, as for `kb search`
    (click would exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KbError as error:
            message(error.message)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def open_kb(kb_path: Path | None, on_demand: bool = False) -> Any:
    """The KB the options name (see kb.entries.loading.load for `on_demand`)."""
    from kb.entries.loading import load
    from kb.entries.locate import find_kb

    return load(find_kb(kb_path), on_demand)


def warn_skipped(kb: Any) -> None:
    skipped(kb.problems)


IndexDirOpt = Annotated[
    str | None,
    typer.Option(
        "--index-dir",
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
        help="Directory of source snapshots (default: $KB_SNAPSHOTS, else kb.toml's snapshots).",
        metavar="DIR",
        show_default=False,
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check and print the entry instead of writing it.")
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
