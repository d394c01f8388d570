"""The `kb` command line: parse options, call the library, pick a renderer, map errors to exit
codes. Nothing here reads TOML or touches the index directly."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from kb import __version__
from kb.errors import KbError
from kb.render.base import Format, Output, color_wanted, default_format, pick, safe

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="kb",
    help="A terminal knowledge base of facts with provenance.\n\n"
    "Example: kb search bladder",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOpt = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format (default: rich on a terminal, plain "
                 "when piped).", show_default=False),
]
KbOpt = Annotated[
    Path | None,
    typer.Option("--kb", help="Knowledge base directory (default: $KB_DIR, else the nearest "
                 "entries/kb.toml, else the shipped KB).", show_default=False),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour (also: NO_COLOR).")]


def message(text: str, kind: str = "error") -> None:
    """A message for the user, on stderr."""
    sys.stderr.write(f"kb: {kind}: {safe(text)}\n" if kind else f"kb: {safe(text)}\n")


def handle_errors(func: F) -> F:
    """Turn domain errors into a message on stderr and their exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KbError as error:
            message(error.message)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def output_for(fmt: Format | None, no_color: bool) -> tuple[Format, Output]:
    chosen = fmt or default_format()
    return chosen, Output(stream=sys.stdout, color=color_wanted(no_color))


def open_kb(kb_path: Path | None) -> Any:
    from kb.loading import load
    from kb.locate import find_kb

    kb = load(find_kb(kb_path))
    return kb


def warn_skipped(kb: Any) -> None:
    for problem in kb.problems:
        message(f"skipped invalid entry: {problem} (run kb validate)", "warning")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kb {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """A terminal knowledge base of facts with provenance.

    Example: kb search bladder
    """


@app.command("show")
@handle_errors
def show_command(
    ids: Annotated[list[str], typer.Argument(help="Fact ids, or - to read ids from stdin.")],
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show facts with their subject, status and every source quote.

    Examples: kb show ketamine-schedule-iii;  kb search bladder -f ids | kb show - -f json
    """
    from kb.render.facts import SHOW_RENDERERS, Facts
    from kb.selection import lookup_facts

    chosen, out = output_for(fmt, no_color)
    render = pick(SHOW_RENDERERS, chosen, "show")
    wanted = [line for arg in ids for line in (sys.stdin.read().splitlines() if arg == "-"
                                               else [arg])]
    kb = open_kb(kb_path)
    found = lookup_facts(kb, wanted)
    render(Facts(kb, found.found), out)
    warn_skipped(kb)
    for unknown in found.unknown:
        close = found.suggestions.get(unknown)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        message(f"unknown fact id {unknown!r}{hint}")
    if found.unknown or not found.found:
        if not wanted:
            message("no fact ids given")
        raise typer.Exit(1)


@app.command("list")
@handle_errors
def list_command(
    subject: Annotated[str | None, typer.Option(help="Subject id, name or alias.")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic from kb.toml.")] = None,
    tag: Annotated[str | None, typer.Option(help="Tag.")] = None,
    source: Annotated[str | None, typer.Option(help="Source id.")] = None,
    status: Annotated[str | None, typer.Option(help="established, contested or refuted.")]
    = None,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """List facts, one row each, optionally filtered.

    Examples: kb list --subject spravato;  kb list --status refuted -f jsonl
    """
    from kb.render.facts import LIST_RENDERERS, Facts
    from kb.selection import Filters, select_facts

    chosen, out = output_for(fmt, no_color)
    render = pick(LIST_RENDERERS, chosen, "list")
    kb = open_kb(kb_path)
    facts = select_facts(kb, Filters(subject, topic, tag, source, status))
    render(Facts(kb, facts), out)
    warn_skipped(kb)
    if not facts:
        message("no facts match", "")
        raise typer.Exit(1)


@app.command("validate")
@handle_errors
def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Entry files to report on (default: the whole KB). Cross-file rules still use "
        "the whole KB.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings and notices fail too.")]
    = False,
    snapshots: Annotated[str | None, typer.Option(
        "--snapshots", help="Directory of source snapshots (default: $KB_SNAPSHOTS, else "
        "kb.toml's snapshots).", show_default=False)] = None,
    fmt: FormatOpt = None,
    kb_path: KbOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check entries: every problem at once, as path:line:col: CODE message.

    Exit 0 when valid, 1 when there are problems, 2 on usage errors.

    Examples: kb validate --strict;  kb validate entries/facts/x.toml -f github
    """
    from kb.locate import find_kb
    from kb.render.problems import RENDERERS, summary_line
    from kb.validation import validate

    chosen, out = output_for(fmt, no_color)
    render = pick(RENDERERS, chosen, "validate")
    result = validate(find_kb(kb_path), paths, snapshots)
    render(result, out)
    sys.stdout.flush()
    message(summary_line(result, strict), "")
    if not result.ok(strict):
        raise typer.Exit(1)


def run() -> int:
    """Entry point: run the app, with no traceback for a closed pipe or Ctrl-C."""
    try:
        app()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
